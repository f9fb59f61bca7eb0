/*
 * Run-time kernel selection, done once and cached.
 *
 * WHY cpuid instead of __builtin_cpu_supports: the builtin needs
 * __cpu_model from libgcc/compiler-rt at link time; <cpuid.h> is header-only.
 * We also check XGETBV so an OS that does not save YMM state is not trusted.
 *
 * NEURITE_KERNEL=portable in the environment forces the portable kernels
 * (used by the tests to exercise the fallback on AVX2 machines).
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
#endif

static const nk_kernel *nk_detect(void)
{
    const char *force = getenv("NEURITE_KERNEL");
    if (force && strcmp(force, "portable") == 0) return &nk_kernel_portable;
#if defined(__x86_64__)
    if (nk_cpu_has_avx2_fma()) return &nk_kernel_avx2;
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
