/*
 * Scalar activations — the reference for the vector versions and the
 * fallback for portable/NEON builds and tails.
 *
 * WHY our own exp/tanh: SwiftPM links C targets without -lm, so expf/tanhf
 * are avoided; and using the same algorithms as the AVX2 code keeps results
 * consistent across paths. exp is the Cephes polynomial (~1 ulp); tanh is the
 * rational approximation used by Eigen (a few ulp, also accurate near 0).
 */
#include "NeuriteKernels.h"
#include "gemm_internal.h"
#include <stdint.h>
#include <string.h>

float nk_expf(float x)
{
    /* Clamp (NaN passes through the comparisons unchanged). */
    if (x > 88.0f) x = 88.0f;
    if (x < -87.3f) x = -87.3f;
    float t = x * 1.44269504088896341f;                   /* x / ln 2 */
    float n = (float)(int)(t + (t >= 0.0f ? 0.5f : -0.5f)); /* round */
    float r = x - n * 0.693359375f - n * -2.12194440e-4f; /* x - n ln2 */
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    if (x != x) return x;
    int32_t e = ((int32_t)n + 127) << 23;                 /* 2^n */
    float s;
    memcpy(&s, &e, sizeof s);
    return p * s;
}

static float nk_tanhf(float x)
{
    if (x != x) return x;
    float ax = x < 0 ? -x : x;
    if (ax < 0.0004f) return x;                           /* tanh x ≈ x */
    if (ax > 9.02f) return x > 0 ? 1.0f : -1.0f;          /* as nk_tanh256 */
    if (x > 7.90531110763549805f) x = 7.90531110763549805f;
    if (x < -7.90531110763549805f) x = -7.90531110763549805f;
    float x2 = x * x;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    p = p * x;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return p / q;
}

float nk_act_scalar(float x, int act)
{
    switch (act) {
    case NK_ACT_RELU:    return x < 0.0f ? 0.0f : x;  /* NaN stays NaN */
    case NK_ACT_SIGMOID: return 1.0f / (1.0f + nk_expf(-x));
    case NK_ACT_TANH:    return nk_tanhf(x);
    default:             return x;
    }
}

void nk_epilogue_row_scalar(float *c, long n, const float *bias, int act)
{
    for (long j = 0; j < n; j++)
        c[j] = nk_act_scalar(bias ? c[j] + bias[j] : c[j], act);
}

/* The recurrent cells' gates: the same vectorized code as the GEMM epilogue,
 * over a buffer the GEMM did not write (a gate block of one row). */
void nk_activate(float *x, long n, int act)
{
    nk_select_kernel()->epilogue_row(x, n, NULL, act);
}
