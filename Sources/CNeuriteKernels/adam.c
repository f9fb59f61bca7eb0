/*
 * Adam's update, one fused pass over the elements.
 *
 * WHY in C: the square root. Swift on Linux lowers Float.squareRoot() (also
 * SIMDn<Float>'s) to a scalar sqrtss with a libm fallback call for errno,
 * which keeps the loop scalar; here the AVX2 path uses vsqrtps/vdivps, 8 lanes
 * at a time, which keeps an Adam step within a few percent of an SGD step.
 *
 * No FMA anywhere (FP_CONTRACT OFF, separate mul/add intrinsics): the vector
 * and scalar paths then round identically, so results do not depend on the
 * CPU or on where a thread's range starts, and they follow PyTorch's
 * operation order (its CPU kernels do not fuse these either).
 *
 * The pass also reports whether every weight it wrote is finite (exponent
 * bits not all ones), so the training loop need not read the weights again.
 */
#pragma STDC FP_CONTRACT OFF
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include "avx2_common.h"
#endif

static int nk_adam_scalar(float *w, const float *g, float *m, float *v, long count,
                          const nk_adam_step *s)
{
    uint32_t nonfinite = 0;
    for (long i = 0; i < count; i++) {
        float d = g[i] + s->l2 * w[i];
        m[i] = s->beta1 * m[i] + s->keep1 * d;
        v[i] = s->beta2 * v[i] + s->keep2 * d * d;
        w[i] = s->shrink * w[i] - s->step_size * (m[i] / (__builtin_sqrtf(v[i]) * s->inverse_correction2 + s->epsilon));
        uint32_t bits;
        memcpy(&bits, w + i, sizeof bits);
        nonfinite |= (bits & 0x7f800000u) == 0x7f800000u;
    }
    return nonfinite == 0;
}

#if defined(__x86_64__)
static NK_AVX2 int nk_adam_avx2(float *w, const float *g, float *m, float *v, long count,
                                 const nk_adam_step *s)
{
    const __m256 beta1 = _mm256_set1_ps(s->beta1), keep1 = _mm256_set1_ps(s->keep1);
    const __m256 beta2 = _mm256_set1_ps(s->beta2), keep2 = _mm256_set1_ps(s->keep2);
    const __m256 l2 = _mm256_set1_ps(s->l2), shrink = _mm256_set1_ps(s->shrink);
    const __m256 step = _mm256_set1_ps(s->step_size), correction = _mm256_set1_ps(s->inverse_correction2);
    const __m256 epsilon = _mm256_set1_ps(s->epsilon);
    const __m256i exponent = _mm256_set1_epi32(0x7f800000);
    __m256i nonfinite = _mm256_setzero_si256();
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 wi = _mm256_loadu_ps(w + i);
        __m256 d = _mm256_add_ps(_mm256_loadu_ps(g + i), _mm256_mul_ps(l2, wi));
        __m256 mi = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(keep1, d));
        __m256 vi = _mm256_add_ps(_mm256_mul_ps(beta2, _mm256_loadu_ps(v + i)), _mm256_mul_ps(_mm256_mul_ps(keep2, d), d));
        __m256 denominator = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(vi), correction), epsilon);
        wi = _mm256_sub_ps(_mm256_mul_ps(shrink, wi), _mm256_mul_ps(step, _mm256_div_ps(mi, denominator)));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        _mm256_storeu_ps(w + i, wi);
        nonfinite = _mm256_or_si256(nonfinite, _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_castps_si256(wi), exponent), exponent));
    }
    int rest = nk_adam_scalar(w + i, g + i, m + i, v + i, count - i, s);
    return rest && _mm256_testz_si256(nonfinite, nonfinite);
}
#endif

int nk_adam_update(float *weight, const float *gradient, float *mean, float *square_mean,
                   long count, const nk_adam_step *step)
{
#if defined(__x86_64__)
    if (nk_kernel_uses_avx2())
        return nk_adam_avx2(weight, gradient, mean, square_mean, count, step);
#endif
    return nk_adam_scalar(weight, gradient, mean, square_mean, count, step);
}
