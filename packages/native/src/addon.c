/*
 * Saddle's native kernels: an N-API addon over OpenBLAS/LAPACK (Debian's libopenblas0).
 *
 * Memory: JavaScript owns every buffer. Synchronous calls borrow typed arrays for the duration of
 * the call and keep no pointer afterwards. Asynchronous linear algebra copies its input before
 * queueing and allocates its own output, so no buffer is shared with a call in flight.
 * Element types: float64 and float32 (elementwise, reductions, gemm); linear algebra is float64.
 * Layout: row-major, contiguous; shapes and strides come in as Int32Arrays (rank <= 16).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <malloc.h>

/* ---- OpenBLAS / LAPACK prototypes (declared here so only the runtime library is needed) ---- */
enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
void cblas_dgemm(int order, int ta, int tb, int m, int n, int k, double alpha, const double *a, int lda,
                 const double *b, int ldb, double beta, double *c, int ldc);
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);
void openblas_set_num_threads(int n);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
char *openblas_get_config(void);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
             const int *lwork, int *iwork, const int *liwork, int *info);
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s, double *u,
             const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork, int *iwork, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda, double *b,
             const int *ldb, int *info);
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b, const int *ldb, int *info);

/* ---- helpers ---- */
#define MAXR 16
#define CHECK(call)                                                                                            \
  do {                                                                                                         \
    if ((call) != napi_ok) {                                                                                   \
      napi_throw_error(env, NULL, "saddle native: N-API call failed: " #call);                                \
      return NULL;                                                                                             \
    }                                                                                                          \
  } while (0)

typedef struct {
  void *data;
  size_t length;
  int f32; /* 1 for Float32Array, 0 for Float64Array */
} Buf;

static int get_buf(napi_env env, napi_value v, Buf *out) {
  napi_typedarray_type type;
  size_t length, offset;
  napi_value ab;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset) != napi_ok) return 0;
  if (type == napi_float64_array) out->f32 = 0;
  else if (type == napi_float32_array) out->f32 = 1;
  else return 0;
  out->data = data;
  out->length = length;
  return 1;
}

static int get_i32s(napi_env env, napi_value v, int32_t **p, size_t *len) {
  napi_typedarray_type type;
  size_t offset;
  napi_value ab;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, len, &data, &ab, &offset) != napi_ok || type != napi_int32_array) return 0;
  *p = (int32_t *)data;
  return 1;
}

static int get_int(napi_env env, napi_value v) {
  int32_t x = 0;
  napi_get_value_int32(env, v, &x);
  return x;
}

#define ARGS(N)                                                                                                \
  size_t argc = N;                                                                                             \
  napi_value argv[N];                                                                                          \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));                                                 \
  if (argc < N) {                                                                                              \
    napi_throw_type_error(env, NULL, "saddle native: too few arguments");                                      \
    return NULL;                                                                                               \
  }

#define BUF(name, idx)                                                                                         \
  Buf name;                                                                                                    \
  if (!get_buf(env, argv[idx], &name)) {                                                                       \
    napi_throw_type_error(env, NULL, "saddle native: argument " #idx " must be a Float64Array or Float32Array"); \
    return NULL;                                                                                               \
  }

/* ---- scalar definitions (must match the reference kernels) ---- */
static double sign_d(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : NAN; }
static double max_d(double a, double b) { return (isnan(a) || isnan(b)) ? NAN : (a >= b ? a : b); }

enum { U_NEG, U_RECIP, U_EXP, U_EXPM1, U_LOG, U_LOG1P, U_SQRT, U_TANH, U_SIN, U_COS, U_ABS, U_SIGN, U_ERF };
enum { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAX, B_LT, B_EQ };

#define UNARY_LOOP(T, FN)                                                                                      \
  for (size_t i = 0; i < n; i++) o[i] = (T)FN(x[i]);

#define UNARY_SWITCH(T, SUF)                                                                                   \
  {                                                                                                            \
    const T *x = (const T *)xb.data;                                                                           \
    T *o = (T *)ob.data;                                                                                       \
    switch (op) {                                                                                              \
      case U_NEG: for (size_t i = 0; i < n; i++) o[i] = -x[i]; break;                                          \
      case U_RECIP: for (size_t i = 0; i < n; i++) o[i] = (T)1 / x[i]; break;                                  \
      case U_EXP: UNARY_LOOP(T, exp##SUF) break;                                                               \
      case U_EXPM1: UNARY_LOOP(T, expm1##SUF) break;                                                           \
      case U_LOG: UNARY_LOOP(T, log##SUF) break;                                                               \
      case U_LOG1P: UNARY_LOOP(T, log1p##SUF) break;                                                           \
      case U_SQRT: UNARY_LOOP(T, sqrt##SUF) break;                                                             \
      case U_TANH: UNARY_LOOP(T, tanh##SUF) break;                                                             \
      case U_SIN: UNARY_LOOP(T, sin##SUF) break;                                                               \
      case U_COS: UNARY_LOOP(T, cos##SUF) break;                                                               \
      case U_ABS: UNARY_LOOP(T, fabs##SUF) break;                                                              \
      case U_SIGN: UNARY_LOOP(T, sign_d) break;                                                                \
      case U_ERF: UNARY_LOOP(T, erf##SUF) break;                                                               \
      default: napi_throw_range_error(env, NULL, "saddle native: unknown unary op"); return NULL;              \
    }                                                                                                          \
  }

/* SIMD loops from vecmath.c (AVX2 + libmvec); used only when the CPU has AVX2 and FMA. */
void vec_tanh_d(const double *, double *, size_t);
void vec_exp_d(const double *, double *, size_t);
void vec_log_d(const double *, double *, size_t);
void vec_sin_d(const double *, double *, size_t);
void vec_cos_d(const double *, double *, size_t);
void vec_tanh_f(const float *, float *, size_t);
void vec_exp_f(const float *, float *, size_t);
void vec_log_f(const float *, float *, size_t);
void vec_sin_f(const float *, float *, size_t);
void vec_cos_f(const float *, float *, size_t);
static int have_avx2 = 0;

/* Vectorised path for the transcendental unary ops; returns 0 if the op has none. Non-finite
 * inputs (and log's non-positive ones, exp's overflow range) are recomputed by scalar libm. */
#define VEC_PATH(T, SUF, VS)                                                                                   \
  static int vec_unary_##VS(int op, const T *x, T *o, size_t n) {                                              \
    if (!have_avx2 || n < 16) return 0;                                                                        \
    switch (op) {                                                                                              \
      case U_TANH: vec_tanh_##VS(x, o, n); for (size_t i = 0; i < n; i++) if (!isfinite(x[i])) o[i] = tanh##SUF(x[i]); break; \
      case U_EXP: vec_exp_##VS(x, o, n); for (size_t i = 0; i < n; i++) if (!isfinite(x[i]) || !isfinite(o[i]) || o[i] == 0) o[i] = exp##SUF(x[i]); break; \
      case U_LOG: vec_log_##VS(x, o, n); for (size_t i = 0; i < n; i++) if (!(x[i] > 0) || !isfinite(x[i])) o[i] = log##SUF(x[i]); break; \
      case U_SIN: vec_sin_##VS(x, o, n); for (size_t i = 0; i < n; i++) if (!isfinite(x[i])) o[i] = sin##SUF(x[i]); break; \
      case U_COS: vec_cos_##VS(x, o, n); for (size_t i = 0; i < n; i++) if (!isfinite(x[i])) o[i] = cos##SUF(x[i]); break; \
      default: return 0;                                                                                       \
    }                                                                                                          \
    return 1;                                                                                                  \
  }
VEC_PATH(double, , d)
VEC_PATH(float, f, f)

/* unary(op, x, out) */
static napi_value Unary(napi_env env, napi_callback_info info) {
  ARGS(3);
  int op = get_int(env, argv[0]);
  BUF(xb, 1);
  BUF(ob, 2);
  size_t n = ob.length;
  if (xb.f32 != ob.f32 || xb.length != n) {
    napi_throw_type_error(env, NULL, "saddle native unary: input and output differ in dtype or length");
    return NULL;
  }
  if (ob.f32) {
    if (vec_unary_f(op, (const float *)xb.data, (float *)ob.data, n)) return NULL;
    UNARY_SWITCH(float, f)
  } else {
    if (vec_unary_d(op, (const double *)xb.data, (double *)ob.data, n)) return NULL;
    UNARY_SWITCH(double, )
  }
  return NULL;
}

static inline double bin_d(int op, double a, double b) {
  switch (op) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_DIV: return a / b;
    case B_POW: return pow(a, b);
    case B_MAX: return max_d(a, b);
    case B_LT: return a < b ? 1.0 : 0.0;
    default: return a == b ? 1.0 : 0.0;
  }
}

/* Contiguous loops per op so the compiler can vectorise the arithmetic ones. */
#define BIN_CONTIG(T, EXPR)                                                                                    \
  for (size_t i = 0; i < n; i++) {                                                                             \
    T a = pa[i * sa], b = pb[i * sb];                                                                          \
    o[i] = (T)(EXPR);                                                                                          \
  }
#define BIN_FAST(T)                                                                                            \
  switch (op) {                                                                                                \
    case B_ADD: BIN_CONTIG(T, a + b) break;                                                                    \
    case B_SUB: BIN_CONTIG(T, a - b) break;                                                                    \
    case B_MUL: BIN_CONTIG(T, a * b) break;                                                                    \
    case B_DIV: BIN_CONTIG(T, a / b) break;                                                                    \
    default: BIN_CONTIG(T, bin_d(op, a, b)) break;                                                             \
  }

#define BIN_BODY(T)                                                                                            \
  {                                                                                                            \
    const T *A = (const T *)ab.data, *B = (const T *)bb.data;                                                  \
    T *o = (T *)ob.data;                                                                                       \
    if (rank < 0) {                                                                                            \
      const T *pa = A, *pb = B;                                                                                \
      size_t sa = ab.length == 1 ? 0 : 1, sb = bb.length == 1 ? 0 : 1;                                        \
      BIN_FAST(T)                                                                                              \
    } else {                                                                                                   \
      int idx[MAXR] = {0};                                                                                     \
      size_t offa = 0, offb = 0, pos = 0;                                                                      \
      size_t n = rank ? (size_t)shape[rank - 1] : 1;                                                           \
      size_t sa = rank ? (size_t)stA[rank - 1] : 0, sb = rank ? (size_t)stB[rank - 1] : 0;                   \
      if (total == 0) return NULL;                                                                             \
      for (;;) {                                                                                               \
        const T *pa = A + offa, *pb = B + offb;                                                                \
        T *o0 = o;                                                                                             \
        o = o0 + pos;                                                                                          \
        BIN_FAST(T)                                                                                            \
        o = o0;                                                                                                \
        pos += n;                                                                                              \
        int d = rank - 2;                                                                                      \
        for (; d >= 0; d--) {                                                                                  \
          idx[d]++;                                                                                            \
          offa += stA[d];                                                                                      \
          offb += stB[d];                                                                                      \
          if (idx[d] < shape[d]) break;                                                                        \
          offa -= (size_t)stA[d] * shape[d];                                                                   \
          offb -= (size_t)stB[d] * shape[d];                                                                   \
          idx[d] = 0;                                                                                          \
        }                                                                                                      \
        if (d < 0) break;                                                                                      \
      }                                                                                                        \
    }                                                                                                          \
  }

/* binary(op, a, b, out[, shape, stridesA, stridesB]); without shapes: equal lengths or a scalar operand. */
static napi_value Binary(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int op = get_int(env, argv[0]);
  BUF(ab, 1);
  BUF(bb, 2);
  BUF(ob, 3);
  int rank = -1;
  int32_t *shape = NULL, *stA = NULL, *stB = NULL;
  size_t total = ob.length, l1, l2, l3;
  if (argc >= 7) {
    if (!get_i32s(env, argv[4], &shape, &l1) || !get_i32s(env, argv[5], &stA, &l2) || !get_i32s(env, argv[6], &stB, &l3) ||
        l1 > MAXR) {
      napi_throw_type_error(env, NULL, "saddle native binary: bad shape/stride arrays");
      return NULL;
    }
    rank = (int)l1;
  }
  if (ab.f32 != ob.f32 || bb.f32 != ob.f32) {
    napi_throw_type_error(env, NULL, "saddle native binary: dtypes differ");
    return NULL;
  }
  size_t n = total;
  if (ob.f32) BIN_BODY(float) else BIN_BODY(double)
  return NULL;
}

/* stridedCopy(x, out, shape, strides, offset): out[i] = x[offset + sum idx_d * strides_d], row-major. */
#define COPY_BODY(T)                                                                                           \
  {                                                                                                            \
    const T *x = (const T *)xb.data;                                                                           \
    T *o = (T *)ob.data;                                                                                       \
    if (rank == 0) { o[0] = x[off]; return NULL; }                                                             \
    int idx[MAXR] = {0};                                                                                       \
    size_t src = off, pos = 0, n = shape[rank - 1], s = st[rank - 1];                                          \
    for (;;) {                                                                                                 \
      if (s == 1) memcpy(o + pos, x + src, n * sizeof(T));                                                     \
      else for (size_t i = 0; i < n; i++) o[pos + i] = x[src + i * s];                                         \
      pos += n;                                                                                                \
      int d = rank - 2;                                                                                        \
      for (; d >= 0; d--) {                                                                                    \
        idx[d]++;                                                                                              \
        src += st[d];                                                                                          \
        if (idx[d] < shape[d]) break;                                                                          \
        src -= (size_t)st[d] * shape[d];                                                                       \
        idx[d] = 0;                                                                                            \
      }                                                                                                        \
      if (d < 0) break;                                                                                        \
    }                                                                                                          \
  }

static napi_value StridedCopy(napi_env env, napi_callback_info info) {
  ARGS(5);
  BUF(xb, 0);
  BUF(ob, 1);
  int32_t *shape, *st;
  size_t l1, l2;
  if (!get_i32s(env, argv[2], &shape, &l1) || !get_i32s(env, argv[3], &st, &l2) || l1 != l2 || l1 > MAXR) {
    napi_throw_type_error(env, NULL, "saddle native stridedCopy: bad shape/stride arrays");
    return NULL;
  }
  size_t off = (size_t)get_int(env, argv[4]);
  int rank = (int)l1;
  if (ob.length == 0) return NULL;
  if (xb.f32 != ob.f32) {
    napi_throw_type_error(env, NULL, "saddle native stridedCopy: dtypes differ");
    return NULL;
  }
  if (ob.f32) COPY_BODY(float) else COPY_BODY(double)
  return NULL;
}

/* reduce(op, x, out, shape, outStrides): op 0 = sum, 1 = max; out pre-filled by the caller (0 / -inf). */
#define RED_BODY(T)                                                                                            \
  {                                                                                                            \
    const T *x = (const T *)xb.data;                                                                           \
    T *o = (T *)ob.data;                                                                                       \
    if (rank == 0) { o[0] = op ? (T)max_d(o[0], x[0]) : o[0] + x[0]; return NULL; }                            \
    int idx[MAXR] = {0};                                                                                       \
    size_t dst = 0, pos = 0, n = shape[rank - 1], s = st[rank - 1];                                            \
    for (;;) {                                                                                                 \
      const T *px = x + pos;                                                                                   \
      if (s == 0) {                                                                                            \
        if (op == 0) { double acc = o[dst]; for (size_t i = 0; i < n; i++) acc += px[i]; o[dst] = (T)acc; }   \
        else { T acc = o[dst]; for (size_t i = 0; i < n; i++) acc = (T)max_d(acc, px[i]); o[dst] = acc; }     \
      } else {                                                                                                 \
        T *po = o + dst;                                                                                       \
        if (op == 0) for (size_t i = 0; i < n; i++) po[i * s] += px[i];                                       \
        else for (size_t i = 0; i < n; i++) po[i * s] = (T)max_d(po[i * s], px[i]);                           \
      }                                                                                                        \
      pos += n;                                                                                                \
      int d = rank - 2;                                                                                        \
      for (; d >= 0; d--) {                                                                                    \
        idx[d]++;                                                                                              \
        dst += st[d];                                                                                          \
        if (idx[d] < shape[d]) break;                                                                          \
        dst -= (size_t)st[d] * shape[d];                                                                       \
        idx[d] = 0;                                                                                            \
      }                                                                                                        \
      if (d < 0) break;                                                                                        \
    }                                                                                                          \
  }

static napi_value Reduce(napi_env env, napi_callback_info info) {
  ARGS(5);
  int op = get_int(env, argv[0]);
  BUF(xb, 1);
  BUF(ob, 2);
  int32_t *shape, *st;
  size_t l1, l2;
  if (!get_i32s(env, argv[3], &shape, &l1) || !get_i32s(env, argv[4], &st, &l2) || l1 != l2 || l1 > MAXR) {
    napi_throw_type_error(env, NULL, "saddle native reduce: bad shape/stride arrays");
    return NULL;
  }
  int rank = (int)l1;
  if (xb.length == 0) return NULL;
  if (ob.f32) RED_BODY(float) else RED_BODY(double)
  return NULL;
}

/* where(c, a, b, out, shape, sc, sa, sb) */
#define WHERE_BODY(T)                                                                                          \
  {                                                                                                            \
    const T *C = (const T *)cb.data, *A = (const T *)ab.data, *B = (const T *)bb.data;                         \
    T *o = (T *)ob.data;                                                                                       \
    if (rank == 0) { o[0] = C[0] != 0 ? A[0] : B[0]; return NULL; }                                           \
    int idx[MAXR] = {0};                                                                                       \
    size_t oc = 0, oa = 0, obb = 0, pos = 0, n = shape[rank - 1];                                              \
    size_t s0 = sc[rank - 1], s1 = sa[rank - 1], s2 = sb[rank - 1];                                            \
    for (;;) {                                                                                                 \
      for (size_t i = 0; i < n; i++) o[pos + i] = C[oc + i * s0] != 0 ? A[oa + i * s1] : B[obb + i * s2];       \
      pos += n;                                                                                                \
      int d = rank - 2;                                                                                        \
      for (; d >= 0; d--) {                                                                                    \
        idx[d]++;                                                                                              \
        oc += sc[d]; oa += sa[d]; obb += sb[d];                                                                \
        if (idx[d] < shape[d]) break;                                                                          \
        oc -= (size_t)sc[d] * shape[d]; oa -= (size_t)sa[d] * shape[d]; obb -= (size_t)sb[d] * shape[d];       \
        idx[d] = 0;                                                                                            \
      }                                                                                                        \
      if (d < 0) break;                                                                                        \
    }                                                                                                          \
  }

static napi_value Where(napi_env env, napi_callback_info info) {
  ARGS(8);
  BUF(cb, 0);
  BUF(ab, 1);
  BUF(bb, 2);
  BUF(ob, 3);
  int32_t *shape, *sc, *sa, *sb;
  size_t l0, l1, l2, l3;
  if (!get_i32s(env, argv[4], &shape, &l0) || !get_i32s(env, argv[5], &sc, &l1) || !get_i32s(env, argv[6], &sa, &l2) ||
      !get_i32s(env, argv[7], &sb, &l3) || l0 > MAXR) {
    napi_throw_type_error(env, NULL, "saddle native where: bad shape/stride arrays");
    return NULL;
  }
  int rank = (int)l0;
  if (ob.length == 0) return NULL;
  if (ob.f32) WHERE_BODY(float) else WHERE_BODY(double)
  return NULL;
}

/* gemm(a, b, c, transA, transB, m, n, k, offsA?, offsB?) : C (+batch) = op(A) op(B), C zero-filled. */
static napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) {
    napi_throw_type_error(env, NULL, "saddle native gemm: too few arguments");
    return NULL;
  }
  BUF(ab, 0);
  BUF(bb, 1);
  BUF(cb, 2);
  bool ta, tb;
  napi_get_value_bool(env, argv[3], &ta);
  napi_get_value_bool(env, argv[4], &tb);
  int m = get_int(env, argv[5]), n = get_int(env, argv[6]), k = get_int(env, argv[7]);
  int32_t *offA = NULL, *offB = NULL;
  size_t batch = 1, lb = 0;
  if (argc >= 10) {
    napi_valuetype t;
    napi_typeof(env, argv[8], &t);
    if (t != napi_null && t != napi_undefined) {
      if (!get_i32s(env, argv[8], &offA, &batch) || !get_i32s(env, argv[9], &offB, &lb) || lb != batch) {
        napi_throw_type_error(env, NULL, "saddle native gemm: bad batch offsets");
        return NULL;
      }
    }
  }
  if (ab.f32 != cb.f32 || bb.f32 != cb.f32) {
    napi_throw_type_error(env, NULL, "saddle native gemm: dtypes differ");
    return NULL;
  }
  if (m == 0 || n == 0) return NULL;
  int lda = ta ? m : k, ldb = tb ? k : n;
  for (size_t i = 0; i < batch; i++) {
    size_t oa = offA ? (size_t)offA[i] : 0, ob = offB ? (size_t)offB[i] : 0, oc = i * (size_t)m * n;
    if (k == 0) continue;
    if (cb.f32)
      cblas_sgemm(RowMajor, ta ? Trans : NoTrans, tb ? Trans : NoTrans, m, n, k, 1.0f, (float *)ab.data + oa, lda,
                  (float *)bb.data + ob, ldb, 0.0f, (float *)cb.data + oc, n);
    else
      cblas_dgemm(RowMajor, ta ? Trans : NoTrans, tb ? Trans : NoTrans, m, n, k, 1.0, (double *)ab.data + oa, lda,
                  (double *)bb.data + ob, ldb, 0.0, (double *)cb.data + oc, n);
  }
  return NULL;
}

/* cast(x, out): between f64 and f32 */
static napi_value Cast(napi_env env, napi_callback_info info) {
  ARGS(2);
  BUF(xb, 0);
  BUF(ob, 1);
  size_t n = ob.length;
  if (xb.f32 && !ob.f32) for (size_t i = 0; i < n; i++) ((double *)ob.data)[i] = ((float *)xb.data)[i];
  else if (!xb.f32 && ob.f32) for (size_t i = 0; i < n; i++) ((float *)ob.data)[i] = (float)((double *)xb.data)[i];
  else memcpy(ob.data, xb.data, n * (xb.f32 ? 4 : 8));
  return NULL;
}

/* ---- dense linear algebra (float64) ---- */

static napi_value new_f64(napi_env env, size_t n, double **data) {
  napi_value ab, arr;
  void *p = NULL;
  if (napi_create_arraybuffer(env, n * sizeof(double), &p, &ab) != napi_ok) return NULL;
  if (napi_create_typedarray(env, napi_float64_array, n, ab, 0, &arr) != napi_ok) return NULL;
  *data = (double *)p;
  return arr;
}

static void set_prop(napi_env env, napi_value obj, const char *name, napi_value v) { napi_set_named_property(env, obj, name, v); }

/* Symmetric eigendecomposition via dsyevd on a private copy: returns an error code (0 = ok). */
static int syevd_core(double *a, int n, double *w) {
  int info = 0, lwork = -1, liwork = -1, iwq = 0;
  double wq = 0;
  dsyevd_("V", "U", &n, a, &n, w, &wq, &lwork, &iwq, &liwork, &info);
  if (info != 0) return info;
  lwork = (int)wq;
  liwork = iwq;
  double *work = malloc(sizeof(double) * (size_t)lwork);
  int *iwork = malloc(sizeof(int) * (size_t)liwork);
  if (!work || !iwork) { free(work); free(iwork); return -1000; }
  dsyevd_("V", "U", &n, a, &n, w, work, &lwork, iwork, &liwork, &info);
  free(work);
  free(iwork);
  return info;
}

/* In-place transpose of an n x n matrix. */
static void transpose_sq(double *a, int n) {
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      double t = a[(size_t)i * n + j];
      a[(size_t)i * n + j] = a[(size_t)j * n + i];
      a[(size_t)j * n + i] = t;
    }
}

/* syevd(a, n) -> {w, v}: lower triangle of row-major a read; eigenvectors as columns of row-major v. */
static napi_value Syevd(napi_env env, napi_callback_info info) {
  ARGS(2);
  BUF(ab, 0);
  int n = get_int(env, argv[1]);
  double *w = NULL, *v = NULL;
  napi_value wv = new_f64(env, (size_t)n, &w), vv = new_f64(env, (size_t)n * n, &v);
  if (!wv || !vv) return NULL;
  memcpy(v, ab.data, sizeof(double) * (size_t)n * n); /* row-major lower = column-major upper */
  int err = n ? syevd_core(v, n, w) : 0;
  if (err) {
    napi_throw_error(env, NULL, "saddle native syevd: LAPACK dsyevd failed to converge");
    return NULL;
  }
  transpose_sq(v, n); /* column-major eigenvectors -> row-major with eigenvectors as columns */
  napi_value out;
  napi_create_object(env, &out);
  set_prop(env, out, "w", wv);
  set_prop(env, out, "v", vv);
  return out;
}

/* Thin SVD of row-major A (m x n) via dgesdd on A^T in column-major: u, s, vt land directly in row-major. */
static int gesdd_core(double *at, int m, int n, double *u, double *s, double *vt) {
  /* at holds A^T column-major = n rows (lapack) x m cols. LAPACK: M' = n, N' = m. */
  int M = n, N = m, k = m < n ? m : n, info = 0, lwork = -1;
  int *iwork = malloc(sizeof(int) * 8 * (size_t)(k > 0 ? k : 1));
  double wq = 0;
  /* LAPACK U' is M' x k (col-major, ld M') -> our vt buffer; VT' is k x N' (ld k) -> our u buffer. */
  dgesdd_("S", &M, &N, at, &M, s, vt, &M, u, &k, &wq, &lwork, iwork, &info);
  if (info != 0) { free(iwork); return info; }
  lwork = (int)wq;
  double *work = malloc(sizeof(double) * (size_t)lwork);
  if (!work || !iwork) { free(work); free(iwork); return -1000; }
  dgesdd_("S", &M, &N, at, &M, s, vt, &M, u, &k, work, &lwork, iwork, &info);
  free(work);
  free(iwork);
  return info;
}

static napi_value Gesdd(napi_env env, napi_callback_info info) {
  ARGS(3);
  BUF(ab, 0);
  int m = get_int(env, argv[1]), n = get_int(env, argv[2]);
  int k = m < n ? m : n;
  double *u = NULL, *s = NULL, *vt = NULL;
  napi_value uv = new_f64(env, (size_t)m * k, &u), sv = new_f64(env, (size_t)k, &s), vtv = new_f64(env, (size_t)k * n, &vt);
  if (!uv || !sv || !vtv) return NULL;
  if (k > 0) {
    double *at = malloc(sizeof(double) * (size_t)m * n);
    memcpy(at, ab.data, sizeof(double) * (size_t)m * n);
    int err = gesdd_core(at, m, n, u, s, vt);
    free(at);
    if (err) {
      napi_throw_error(env, NULL, "saddle native gesdd: LAPACK dgesdd failed to converge");
      return NULL;
    }
  }
  napi_value out;
  napi_create_object(env, &out);
  set_prop(env, out, "u", uv);
  set_prop(env, out, "s", sv);
  set_prop(env, out, "vt", vtv);
  return out;
}

/* potrf(a, n) -> lower L (row-major), or throws naming the failing pivot. */
static napi_value Potrf(napi_env env, napi_callback_info info) {
  ARGS(2);
  BUF(ab, 0);
  int n = get_int(env, argv[1]), infoi = 0;
  double *l;
  napi_value lv = new_f64(env, (size_t)n * n, &l);
  if (!lv) return NULL;
  memcpy(l, ab.data, sizeof(double) * (size_t)n * n);
  if (n) dpotrf_("U", &n, l, &n, &infoi);
  if (infoi > 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "cholesky: matrix is not positive definite (pivot %d)", infoi - 1);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  /* Column-major upper U = row-major lower L; clear the other triangle. */
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) l[(size_t)i * n + j] = 0;
  return lv;
}

/* Copies row-major B (n x nrhs) to column-major and back. */
static void to_colmajor(const double *b, double *c, int n, int nrhs) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < nrhs; j++) c[(size_t)j * n + i] = b[(size_t)i * nrhs + j];
}
static void from_colmajor(const double *c, double *b, int n, int nrhs) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < nrhs; j++) b[(size_t)i * nrhs + j] = c[(size_t)j * n + i];
}

/* potrs(l, n, b, nrhs) -> x with L L^T x = b */
static napi_value Potrs(napi_env env, napi_callback_info info) {
  ARGS(4);
  BUF(lb, 0);
  int n = get_int(env, argv[1]);
  BUF(bb, 2);
  int nrhs = get_int(env, argv[3]), infoi = 0;
  double *x;
  napi_value xv = new_f64(env, (size_t)n * nrhs, &x);
  if (!xv) return NULL;
  double *c = malloc(sizeof(double) * (size_t)n * nrhs + 8);
  to_colmajor((double *)bb.data, c, n, nrhs);
  if (n && nrhs) dpotrs_("U", &n, &nrhs, (double *)lb.data, &n, c, &n, &infoi);
  from_colmajor(c, x, n, nrhs);
  free(c);
  return xv;
}

/* gesv(a, n, b, nrhs) -> x with A x = b */
static napi_value Gesv(napi_env env, napi_callback_info info) {
  ARGS(4);
  BUF(ab, 0);
  int n = get_int(env, argv[1]);
  BUF(bb, 2);
  int nrhs = get_int(env, argv[3]), infoi = 0;
  double *x;
  napi_value xv = new_f64(env, (size_t)n * nrhs, &x);
  if (!xv) return NULL;
  double *a = malloc(sizeof(double) * (size_t)n * n + 8), *c = malloc(sizeof(double) * (size_t)n * nrhs + 8);
  int *ipiv = malloc(sizeof(int) * (size_t)n + 4);
  to_colmajor((double *)ab.data, a, n, n);
  to_colmajor((double *)bb.data, c, n, nrhs);
  if (n && nrhs) dgesv_(&n, &nrhs, a, &n, ipiv, c, &n, &infoi);
  from_colmajor(c, x, n, nrhs);
  free(a);
  free(c);
  free(ipiv);
  if (infoi > 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "solve: matrix is singular to working precision (pivot %d is 0)", infoi - 1);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  return xv;
}

/* ---- asynchronous eigh / svd: the input is copied, the output is private until completion ---- */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int kind; /* 0 = syevd, 1 = gesdd */
  int m, n, err;
  double *a, *w, *u, *s, *vt;
} Job;

static void job_execute(napi_env env, void *data) {
  (void)env;
  Job *j = data;
  if (j->kind == 0) {
    j->err = j->n ? syevd_core(j->a, j->n, j->w) : 0;
    if (!j->err) transpose_sq(j->a, j->n);
  } else {
    int k = j->m < j->n ? j->m : j->n;
    j->err = k ? gesdd_core(j->a, j->m, j->n, j->u, j->s, j->vt) : 0;
  }
}

static napi_value copy_f64(napi_env env, const double *src, size_t n) {
  double *dst;
  napi_value v = new_f64(env, n, &dst);
  if (v && n) memcpy(dst, src, n * sizeof(double));
  return v;
}

static void job_complete(napi_env env, napi_status status, void *data) {
  Job *j = data;
  napi_value out, err;
  if (status != napi_ok || j->err) {
    napi_value msg;
    napi_create_string_utf8(env, j->kind ? "saddle native gesdd: LAPACK failed" : "saddle native syevd: LAPACK failed", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, j->deferred, err);
  } else {
    napi_create_object(env, &out);
    if (j->kind == 0) {
      set_prop(env, out, "w", copy_f64(env, j->w, (size_t)j->n));
      set_prop(env, out, "v", copy_f64(env, j->a, (size_t)j->n * j->n));
    } else {
      int k = j->m < j->n ? j->m : j->n;
      set_prop(env, out, "u", copy_f64(env, j->u, (size_t)j->m * k));
      set_prop(env, out, "s", copy_f64(env, j->s, (size_t)k));
      set_prop(env, out, "vt", copy_f64(env, j->vt, (size_t)k * j->n));
    }
    napi_resolve_deferred(env, j->deferred, out);
  }
  napi_delete_async_work(env, j->work);
  free(j->a);
  free(j->w);
  free(j->u);
  free(j->s);
  free(j->vt);
  free(j);
}

static napi_value queue_job(napi_env env, Job *j) {
  napi_value promise, name;
  napi_create_promise(env, &j->deferred, &promise);
  napi_create_string_utf8(env, "saddle-linalg", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, job_execute, job_complete, j, &j->work);
  napi_queue_async_work(env, j->work);
  return promise;
}

static napi_value SyevdAsync(napi_env env, napi_callback_info info) {
  ARGS(2);
  BUF(ab, 0);
  Job *j = calloc(1, sizeof(Job));
  j->kind = 0;
  j->n = get_int(env, argv[1]);
  j->a = malloc(sizeof(double) * (size_t)j->n * j->n + 8);
  j->w = malloc(sizeof(double) * (size_t)j->n + 8);
  memcpy(j->a, ab.data, sizeof(double) * (size_t)j->n * j->n);
  return queue_job(env, j);
}

static napi_value GesddAsync(napi_env env, napi_callback_info info) {
  ARGS(3);
  BUF(ab, 0);
  Job *j = calloc(1, sizeof(Job));
  j->kind = 1;
  j->m = get_int(env, argv[1]);
  j->n = get_int(env, argv[2]);
  int k = j->m < j->n ? j->m : j->n;
  j->a = malloc(sizeof(double) * (size_t)j->m * j->n + 8);
  j->u = malloc(sizeof(double) * (size_t)j->m * k + 8);
  j->s = malloc(sizeof(double) * (size_t)k + 8);
  j->vt = malloc(sizeof(double) * (size_t)k * j->n + 8);
  memcpy(j->a, ab.data, sizeof(double) * (size_t)j->m * j->n);
  return queue_job(env, j);
}

/* ---- threads and library facts ---- */
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  ARGS(1);
  openblas_set_num_threads(get_int(env, argv[0]));
  return NULL;
}
static napi_value GetThreads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_int32(env, openblas_get_num_threads(), &v);
  return v;
}
static napi_value Config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out, a, b;
  napi_create_object(env, &out);
  napi_create_string_utf8(env, openblas_get_corename(), NAPI_AUTO_LENGTH, &a);
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &b);
  set_prop(env, out, "corename", a);
  set_prop(env, out, "config", b);
  return out;
}

#define EXPORT(name, fn)                                                                                       \
  do {                                                                                                         \
    napi_value f;                                                                                              \
    napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f);                                           \
    napi_set_named_property(env, exports, name, f);                                                            \
  } while (0)

static napi_value Init(napi_env env, napi_value exports) {
  __builtin_cpu_init();
  /* Large tensors (MBs) are allocated and freed every training step. glibc serves such sizes
   * with fresh mmap()s by default, so every step pays page faults on first touch. Keeping them
   * on the heap (up to glibc's 32 MB maximum threshold) and not trimming eagerly makes
   * steady-state steps reuse warm memory. Process-wide; measured in docs/PERFORMANCE.md. */
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  have_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  EXPORT("unary", Unary);
  EXPORT("binary", Binary);
  EXPORT("stridedCopy", StridedCopy);
  EXPORT("reduce", Reduce);
  EXPORT("where", Where);
  EXPORT("gemm", Gemm);
  EXPORT("cast", Cast);
  EXPORT("syevd", Syevd);
  EXPORT("gesdd", Gesdd);
  EXPORT("potrf", Potrf);
  EXPORT("potrs", Potrs);
  EXPORT("gesv", Gesv);
  EXPORT("syevdAsync", SyevdAsync);
  EXPORT("gesddAsync", GesddAsync);
  EXPORT("setThreads", SetThreads);
  EXPORT("getThreads", GetThreads);
  EXPORT("config", Config);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
