// AVX-512 helpers for 64-bit modular arithmetic (8 lanes): the high half of a 64x64-bit product
// emulated with four 32x32-bit multiplies, and lazy Shoup multiplication. Only compiled when the
// target has AVX-512F and AVX-512DQ (e.g. -march=native on Zen 4 / Ice Lake); callers keep a
// portable scalar path.
#pragma once

#if defined(__AVX512F__) && defined(__AVX512DQ__)
#define OLA_CKKS_AVX512 1
#include <immintrin.h>
// GCC 12 reports -Wmaybe-uninitialized inside avx512fintrin.h (its _mm512_undefined_* helpers)
// wherever these intrinsics are inlined; a known false positive, silenced for including files.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ola::ckks::simd {

/// floor(a * b / 2^64) per lane.
inline __m512i mulhi_epu64(__m512i a, __m512i b) {
  const __m512i lo_mask = _mm512_set1_epi64(0xffffffff);
  const __m512i a_hi = _mm512_srli_epi64(a, 32);
  const __m512i b_hi = _mm512_srli_epi64(b, 32);
  const __m512i ll = _mm512_mul_epu32(a, b);
  const __m512i lh = _mm512_mul_epu32(a, b_hi);
  const __m512i hl = _mm512_mul_epu32(a_hi, b);
  const __m512i hh = _mm512_mul_epu32(a_hi, b_hi);
  const __m512i mid = _mm512_add_epi64(_mm512_add_epi64(_mm512_srli_epi64(ll, 32), _mm512_and_si512(lh, lo_mask)),
                                       _mm512_and_si512(hl, lo_mask));
  return _mm512_add_epi64(_mm512_add_epi64(hh, _mm512_srli_epi64(lh, 32)),
                          _mm512_add_epi64(_mm512_srli_epi64(hl, 32), _mm512_srli_epi64(mid, 32)));
}

/// x * w mod q in [0, 2q) given ws = floor(w 2^64 / q) (Shoup), per lane.
inline __m512i mul_shoup_lazy(__m512i x, __m512i w, __m512i ws, __m512i q) {
  const __m512i hi = mulhi_epu64(x, ws);
  return _mm512_sub_epi64(_mm512_mullo_epi64(x, w), _mm512_mullo_epi64(hi, q));
}

/// x - m if x >= m else x (unsigned), per lane.
inline __m512i reduce_once(__m512i x, __m512i m) { return _mm512_min_epu64(x, _mm512_sub_epi64(x, m)); }

}  // namespace ola::ckks::simd
#endif
