// AVX-512 helpers for 64-bit modular arithmetic (8 lanes): the high half of a 64x64-bit product
// emulated with four 32x32-bit multiplies, and lazy Shoup multiplication. Only compiled when the
// target has AVX-512F and AVX-512DQ (e.g. -march=native on Zen 4 / Ice Lake); callers keep a
// portable scalar path.
#pragma once

#if defined(__AVX512F__) && defined(__AVX512DQ__)
#define OLA_CKKS_AVX512 1
#include <immintrin.h>

#include <cstddef>
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

/// Lane shuffles of the NTT stages whose butterfly distance t is 4, 2 or 1 (less than a vector):
/// 16 consecutive values a[0..15] (two vectors lo, hi) are split into the upper inputs
/// x = a[idx_x] and lower inputs y = a[idx_y] of their butterflies (positions j with bit
/// log2(t) of j clear / set), and merged back by idx_lo / idx_hi (indices into x:y).
struct SmallStride {
  __m512i idx_x, idx_y, idx_lo, idx_hi;
  /// Twiddle lane k = root of group k / (8 / (16 / 2t)) in the block: permutation of the
  /// 16/(2t) consecutive twiddles loaded at lane 0.
  __m512i tw_idx;
};

inline SmallStride small_stride(std::size_t t) {
  SmallStride s{};
  if (t == 4) {
    s.idx_x = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
    s.idx_y = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
    s.idx_lo = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
    s.idx_hi = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
    s.tw_idx = _mm512_setr_epi64(0, 0, 0, 0, 1, 1, 1, 1);
  } else if (t == 2) {
    s.idx_x = _mm512_setr_epi64(0, 1, 4, 5, 8, 9, 12, 13);
    s.idx_y = _mm512_setr_epi64(2, 3, 6, 7, 10, 11, 14, 15);
    s.idx_lo = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    s.idx_hi = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    s.tw_idx = _mm512_setr_epi64(0, 0, 1, 1, 2, 2, 3, 3);
  } else {  // t == 1
    s.idx_x = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    s.idx_y = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    s.idx_lo = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
    s.idx_hi = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
    s.tw_idx = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
  }
  return s;
}

}  // namespace ola::ckks::simd
#endif
