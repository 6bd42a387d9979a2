/* Single-precision exp, log and log1p that a compiler can vectorise.
 *
 * libm's expf/logf are opaque calls, so a loop that uses them runs one element at a time; production
 * kernels (torch through SLEEF, for instance) evaluate these functions on SIMD vectors instead. These
 * versions are branch-free (selects only) and built from multiplications, additions and integer
 * operations on the float's bits, so gcc and clang turn a loop of them into AVX2 code. Accuracy: within
 * 2 ulp of the correctly rounded result over all finite inputs (checked exhaustively against float64);
 * special values (NaN, +-inf, 0, negatives for log, subnormals) follow C99.
 *
 * Method: range reduction to |r| <= ln2/2 (exp) or a mantissa in [sqrt(1/2), sqrt(2)) (log) and a short
 * polynomial whose coefficients were fitted for this file (Chebyshev least squares in float64, rounded to
 * float32).
 */
#ifndef CVKATAS_VECMATH_H
#define CVKATAS_VECMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t vm_bits(float x) { uint32_t u; memcpy(&u, &x, sizeof u); return u; }
static inline float vm_float(uint32_t u) { float x; memcpy(&x, &u, sizeof x); return x; }

/* e**x. */
static inline float vm_expf(float x)
{
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693145751953125f;      /* 12 significant bits: n * ln2_hi is exact */
    const float ln2_lo = 1.428606765330187e-06f;  /* ln2 - ln2_hi */
    const float shifter = 12582912.0f;            /* 1.5 * 2**23: adding it rounds to an integer */
    /* beyond these e**x is 0 or inf whatever the reduction; the comparisons leave NaN untouched */
    x = x > 89.0f ? 89.0f : x;
    x = x < -110.0f ? -110.0f : x;
    float t = x * log2e + shifter;
    float n = t - shifter;                          /* round(x / ln2), exactly */
    int32_t k = (int32_t)(vm_bits(t) - vm_bits(shifter));  /* the same integer, from the bits */
    float r = (x - n * ln2_hi) - n * ln2_lo;
    float q = 0.0013933644f;
    q = q * r + 0.0083631752f;
    q = q * r + 0.041666467f;
    q = q * r + 0.16666576f;
    q = q * r + 0.5f;
    float p = (r * r) * q + r + 1.0f;
    /* 2**k in two halves, each a normal float for k in [-160, 129]: subnormal results and overflow to
       inf come out of the multiplications */
    int32_t k1 = k / 2;
    int32_t k2 = k - k1;
    float s1 = vm_float((uint32_t)(k1 + 127) << 23);
    float s2 = vm_float((uint32_t)(k2 + 127) << 23);
    return (p * s1) * s2;
}

/* log(x) of a positive normal float's mantissa and exponent: x = m * 2**e with m in [sqrt(1/2), sqrt(2)). */
static inline float vm_log_reduced(uint32_t u)
{
    const float ln2_hi = 0.693145751953125f;
    const float ln2_lo = 1.428606765330187e-06f;
    /* subtracting the bits of sqrt(1/2) puts the mantissa's range boundary at sqrt(2) */
    uint32_t v = u - 0x3f3504f3u;
    int32_t e = (int32_t)v >> 23;
    float m = vm_float((v & 0x007fffffu) + 0x3f3504f3u);
    float f = m - 1.0f;
    float q = -0.081015587f;
    q = q * f + 0.12712307f;
    q = q * f - 0.12972239f;
    q = q * f + 0.14202175f;
    q = q * f - 0.16642247f;
    q = q * f + 0.20001468f;
    q = q * f - 0.25000298f;
    q = q * f + 0.33333328f;
    float f2 = f * f;
    float ef = (float)e;
    return ef * ln2_hi + (f - 0.5f * f2 + (f2 * f * q + ef * ln2_lo));
}

/* log(x). */
static inline float vm_logf(float x)
{
    uint32_t u = vm_bits(x);
    int subnormal = u < 0x00800000u;               /* also +0 */
    float scaled = x * 8388608.0f;                 /* 2**23: subnormals become normal */
    float y = vm_log_reduced(vm_bits(subnormal ? scaled : x));
    y = subnormal ? y - 15.942385152878742f : y;   /* 23 * ln2 */
    y = x == 0.0f ? -INFINITY : y;
    y = x < 0.0f ? NAN : y;
    y = x == INFINITY ? x : y;
    return x != x ? x : y;
}

/* log(1 + x) for x >= 0 (or NaN): log of the rounded sum, corrected by the rounding error of the sum. */
static inline float vm_log1pf_nonneg(float x)
{
    float u = 1.0f + x;
    float y = vm_log_reduced(vm_bits(u)) + (x - (u - 1.0f)) / u;
    y = x == INFINITY ? x : y;
    return x != x ? x : y;
}

#endif
