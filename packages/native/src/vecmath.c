/*
 * Vectorised transcendental loops (tanh, exp, log, sin, cos) for contiguous arrays, compiled with
 * -ffast-math and AVX2 so GCC calls glibc's libmvec SIMD variants (4 doubles or 8 floats at a
 * time, within 4 ulp). Only called when the CPU supports AVX2 and FMA. -ffast-math assumes finite
 * values, so the caller (addon.c, compiled without it) recomputes non-finite inputs with the
 * scalar libm function afterwards: NaN and infinity semantics match the reference exactly.
 */
#include <math.h>
#include <stddef.h>

#define VEC(name, T, fn)                                                                                       \
  void name(const T *restrict x, T *restrict o, size_t n) {                                                    \
    for (size_t i = 0; i < n; i++) o[i] = fn(x[i]);                                                            \
  }

VEC(vec_tanh_d, double, tanh)
VEC(vec_exp_d, double, exp)
VEC(vec_log_d, double, log)
VEC(vec_sin_d, double, sin)
VEC(vec_cos_d, double, cos)
VEC(vec_tanh_f, float, tanhf)
VEC(vec_exp_f, float, expf)
VEC(vec_log_f, float, logf)
VEC(vec_sin_f, float, sinf)
VEC(vec_cos_f, float, cosf)
