/*
 * Run-time kernel selection, done once and cached.
 *
 * WHY cpuid instead of __builtin_cpu_supports: the builtin needs
 * __cpu_model from libgcc/compiler-rt at link time; <cpuid.h> is header-only.
 * We also check XGETBV so an OS that does not save YMM state is not trusted.
 *
 * Preference: AVX-512 (F + VL, which its packers use), then AVX2+FMA, then
 * portable C. NEURITE_KERNEL=avx2 or =portable in the environment forces that
 * family where the CPU can run it, so the paths of older machines can be
 * measured and tested on a newer one.
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

static int nk_cpu_has_avx2_fma(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const unsigned fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
    if ((c & (fma | osxsave | avx)) != (fma | osxsave | avx)) return 0;
    unsigned lo, hi;  /* XGETBV(0): XMM (bit 1) and YMM (bit 2) state enabled */
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6u) != 6u) return 0;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 5) & 1u;  /* AVX2 */
}

/* AVX-512F with the OS saving opmask and ZMM state. */
static int nk_cpu_has_avx512f(void)
{
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(1, 0, a, b, c, d);
    if (!(c & (1u << 27))) return 0;           /* OSXSAVE */
    __cpuid_count(7, 0, a, b, c, d);
    if (!(b & (1u << 16))) return 0;           /* AVX512F */
    unsigned lo, hi;   /* XCR0: SSE, AVX, opmask, ZMM upper halves, ZMM16-31 enabled */
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 0xE6u) == 0xE6u;
}

/* AVX-512F (above) and AVX-512VL. */
static int nk_cpu_has_avx512_vl(void)
{
    if (!nk_cpu_has_avx512f()) return 0;
    unsigned a, b, c, d;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 31) & 1u;  /* AVX512VL */
}

enum { NK_X86_BASE = 1, NK_X86_AVX2 = 2, NK_X86_AVX512 = 3 };

/* The best family level this CPU runs, detected once: CPUID traps to the
 * hypervisor in a VM (microseconds), too slow for every nk_kernel_named. */
static int nk_x86_level(void)
{
    static int cached;
    int level = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (!level) {
        level = !nk_cpu_has_avx2_fma() ? NK_X86_BASE
              : nk_cpu_has_avx512_vl() ? NK_X86_AVX512 : NK_X86_AVX2;
        __atomic_store_n(&cached, level, __ATOMIC_RELEASE);
    }
    return level;
}
#endif

const nk_kernel *nk_kernel_named(const char *name)
{
    if (strcmp(name, "portable") == 0) return &nk_kernel_portable;
#if defined(__x86_64__)
    if (strcmp(name, "avx512") == 0)
        return nk_x86_level() >= NK_X86_AVX512 ? &nk_kernel_avx512 : NULL;
    if (strcmp(name, "avx2") == 0 || strcmp(name, "avx2+fma") == 0)
        return nk_x86_level() >= NK_X86_AVX2 ? &nk_kernel_avx2 : NULL;
#elif defined(__aarch64__)
    if (strcmp(name, "neon") == 0) return &nk_kernel_neon;
#endif
    return NULL;
}

static const nk_kernel *nk_detect(void)
{
    const char *force = getenv("NEURITE_KERNEL");
    const nk_kernel *forced = force ? nk_kernel_named(force) : NULL;
    if (forced) return forced;
#if defined(__x86_64__)
    if (nk_x86_level() == NK_X86_AVX512) return &nk_kernel_avx512;
    if (nk_x86_level() == NK_X86_AVX2) return &nk_kernel_avx2;
#elif defined(__aarch64__)
    return &nk_kernel_neon;
#endif
    return &nk_kernel_portable;
}

const nk_kernel *nk_select_kernel(void)
{
    /* Racing first calls compute the same answer, so a relaxed cache is fine. */
    static const nk_kernel *cached;
    const nk_kernel *k = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (!k) {
        k = nk_detect();
        __atomic_store_n(&cached, k, __ATOMIC_RELEASE);
    }
    return k;
}

const char *nk_kernel_name(void) { return nk_select_kernel()->name; }

int nk_kernel_uses_avx2(void)
{
#if defined(__x86_64__)
    const nk_kernel *k = nk_select_kernel();
    return k == &nk_kernel_avx2 || k == &nk_kernel_avx512;
#else
    return 0;
#endif
}
