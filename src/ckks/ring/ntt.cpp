#include "ckks/ring/ntt.h"

#include <string>

#include "ckks/ring/primes.h"
#include "ckks/ring/simd.h"
#include "util/error.h"

namespace ola::ckks {

std::size_t bit_reverse(std::size_t x, int bits) {
  std::size_t r = 0;
  for (int i = 0; i < bits; ++i) {
    r = (r << 1) | (x & 1);
    x >>= 1;
  }
  return r;
}

NttTables::NttTables(std::size_t n, const Modulus& q) : NttTables(n, q, 0) {}

NttTables::NttTables(std::size_t n, const Modulus& q, u64 psi) : n_(n), q_(q) {
  if (n < 2 || (n & (n - 1)) != 0) throw Error(ola::mismatch("NttTables", "N", "a power of two >= 2", n));
  while ((std::size_t{1} << log_n_) < n) ++log_n_;
  if (psi == 0) {
    psi_ = primitive_root_of_unity(2 * n, q);
  } else {
    if (pow_mod(psi, n, q) != q.value - 1) {
      throw Error(ola::mismatch("NttTables", "psi^N mod q", "q - 1 (a primitive 2N-th root)", pow_mod(psi, n, q)));
    }
    psi_ = psi;
  }
  const u64 psi_inv = inv_mod(psi_, q);
  root_.resize(n);
  root_sh_.resize(n);
  iroot_.resize(n);
  iroot_sh_.resize(n);
  u64 p = 1, pi = 1;
  std::vector<u64> pw(n), ipw(n);
  for (std::size_t k = 0; k < n; ++k) {
    pw[k] = p;
    ipw[k] = pi;
    p = mul_mod(p, psi_, q);
    pi = mul_mod(pi, psi_inv, q);
  }
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t r = bit_reverse(k, log_n_);
    root_[k] = pw[r];
    root_sh_[k] = shoup(root_[k], q.value);
    iroot_[k] = ipw[r];
    iroot_sh_[k] = shoup(iroot_[k], q.value);
  }
  n_inv_ = inv_mod(n, q);
  n_inv_sh_ = shoup(n_inv_, q.value);
}

void NttTables::forward_lazy(u64* a) const {
  const u64 q = q_.value;
  const u64 two_q = 2 * q;
  std::size_t t = n_;
  for (std::size_t m = 1; m < n_; m <<= 1) {
    t >>= 1;
#ifdef OLA_CKKS_AVX512
    if (t < 8 && n_ >= 16) {
      // Butterflies closer than a vector: shuffle 16 values into upper/lower inputs.
      const simd::SmallStride s = simd::small_stride(t);
      const std::size_t groups = 8 / t;  // butterfly groups per 16 values
      const auto mask = static_cast<__mmask8>((1u << groups) - 1);
      const __m512i vq = _mm512_set1_epi64(static_cast<long long>(q));
      const __m512i v2q = _mm512_set1_epi64(static_cast<long long>(two_q));
      for (std::size_t b = 0; b < n_ / 16; ++b) {
        u64* p = a + 16 * b;
        const __m512i lo = _mm512_loadu_si512(p), hi = _mm512_loadu_si512(p + 8);
        const __m512i u = simd::reduce_once(_mm512_permutex2var_epi64(lo, s.idx_x, hi), v2q);
        const __m512i y = _mm512_permutex2var_epi64(lo, s.idx_y, hi);
        const __m512i w = _mm512_permutexvar_epi64(s.tw_idx, _mm512_maskz_loadu_epi64(mask, root_.data() + m + groups * b));
        const __m512i ws =
            _mm512_permutexvar_epi64(s.tw_idx, _mm512_maskz_loadu_epi64(mask, root_sh_.data() + m + groups * b));
        const __m512i v = simd::mul_shoup_lazy(y, w, ws, vq);
        const __m512i nx = _mm512_add_epi64(u, v);
        const __m512i ny = _mm512_add_epi64(_mm512_sub_epi64(u, v), v2q);
        _mm512_storeu_si512(p, _mm512_permutex2var_epi64(nx, s.idx_lo, ny));
        _mm512_storeu_si512(p + 8, _mm512_permutex2var_epi64(nx, s.idx_hi, ny));
      }
      continue;
    }
#endif
    for (std::size_t i = 0; i < m; ++i) {
      const u64 w = root_[m + i];
      const u64 ws = root_sh_[m + i];
      u64* x = a + 2 * i * t;
      u64* y = x + t;
      // Harvey butterfly: inputs in [0, 4q), outputs in [0, 4q).
      std::size_t j0 = 0;
#ifdef OLA_CKKS_AVX512
      if (t >= 8) {
        const __m512i vq = _mm512_set1_epi64(static_cast<long long>(q));
        const __m512i v2q = _mm512_set1_epi64(static_cast<long long>(two_q));
        const __m512i vw = _mm512_set1_epi64(static_cast<long long>(w));
        const __m512i vws = _mm512_set1_epi64(static_cast<long long>(ws));
        for (; j0 + 8 <= t; j0 += 8) {
          __m512i u = _mm512_loadu_si512(x + j0);
          u = simd::reduce_once(u, v2q);
          const __m512i v = simd::mul_shoup_lazy(_mm512_loadu_si512(y + j0), vw, vws, vq);
          _mm512_storeu_si512(x + j0, _mm512_add_epi64(u, v));
          _mm512_storeu_si512(y + j0, _mm512_add_epi64(_mm512_sub_epi64(u, v), v2q));
        }
      }
#endif
      for (std::size_t j = j0; j < t; ++j) {
        u64 u = x[j];
        u = u >= two_q ? u - two_q : u;
        const u64 v = mul_shoup_lazy(y[j], w, ws, q);
        x[j] = u + v;
        y[j] = u - v + two_q;
      }
    }
  }
}

void NttTables::forward(u64* a) const {
  forward_lazy(a);
  const u64 q = q_.value;
  const u64 two_q = 2 * q;
  std::size_t j0 = 0;
#ifdef OLA_CKKS_AVX512
  const __m512i vq = _mm512_set1_epi64(static_cast<long long>(q));
  const __m512i v2q = _mm512_set1_epi64(static_cast<long long>(two_q));
  for (; j0 + 8 <= n_; j0 += 8) {
    const __m512i u = simd::reduce_once(_mm512_loadu_si512(a + j0), v2q);
    _mm512_storeu_si512(a + j0, simd::reduce_once(u, vq));
  }
#endif
  for (std::size_t j = j0; j < n_; ++j) {
    u64 u = a[j];
    u = u >= two_q ? u - two_q : u;
    a[j] = u >= q ? u - q : u;
  }
}

void NttTables::inverse(u64* a) const {
  const u64 q = q_.value;
  const u64 two_q = 2 * q;
  std::size_t t = 1;
  for (std::size_t m = n_ >> 1; m >= 1; m >>= 1) {
#ifdef OLA_CKKS_AVX512
    if (t < 8 && n_ >= 16) {
      const simd::SmallStride s = simd::small_stride(t);
      const std::size_t groups = 8 / t;
      const auto mask = static_cast<__mmask8>((1u << groups) - 1);
      const __m512i vq = _mm512_set1_epi64(static_cast<long long>(q));
      const __m512i v2q = _mm512_set1_epi64(static_cast<long long>(two_q));
      for (std::size_t b = 0; b < n_ / 16; ++b) {
        u64* p = a + 16 * b;
        const __m512i lo = _mm512_loadu_si512(p), hi = _mm512_loadu_si512(p + 8);
        const __m512i u = _mm512_permutex2var_epi64(lo, s.idx_x, hi);
        const __m512i v = _mm512_permutex2var_epi64(lo, s.idx_y, hi);
        const __m512i w = _mm512_permutexvar_epi64(s.tw_idx, _mm512_maskz_loadu_epi64(mask, iroot_.data() + m + groups * b));
        const __m512i ws =
            _mm512_permutexvar_epi64(s.tw_idx, _mm512_maskz_loadu_epi64(mask, iroot_sh_.data() + m + groups * b));
        const __m512i nx = simd::reduce_once(_mm512_add_epi64(u, v), v2q);
        const __m512i ny = simd::mul_shoup_lazy(_mm512_add_epi64(_mm512_sub_epi64(u, v), v2q), w, ws, vq);
        _mm512_storeu_si512(p, _mm512_permutex2var_epi64(nx, s.idx_lo, ny));
        _mm512_storeu_si512(p + 8, _mm512_permutex2var_epi64(nx, s.idx_hi, ny));
      }
      t <<= 1;
      continue;
    }
#endif
    for (std::size_t i = 0; i < m; ++i) {
      const u64 w = iroot_[m + i];
      const u64 ws = iroot_sh_[m + i];
      u64* x = a + 2 * i * t;
      u64* y = x + t;
      // Gentleman-Sande butterfly: inputs in [0, 2q), outputs in [0, 2q).
      std::size_t j0 = 0;
#ifdef OLA_CKKS_AVX512
      if (t >= 8) {
        const __m512i vq = _mm512_set1_epi64(static_cast<long long>(q));
        const __m512i v2q = _mm512_set1_epi64(static_cast<long long>(two_q));
        const __m512i vw = _mm512_set1_epi64(static_cast<long long>(w));
        const __m512i vws = _mm512_set1_epi64(static_cast<long long>(ws));
        for (; j0 + 8 <= t; j0 += 8) {
          const __m512i u = _mm512_loadu_si512(x + j0);
          const __m512i v = _mm512_loadu_si512(y + j0);
          _mm512_storeu_si512(x + j0, simd::reduce_once(_mm512_add_epi64(u, v), v2q));
          const __m512i d = _mm512_add_epi64(_mm512_sub_epi64(u, v), v2q);
          _mm512_storeu_si512(y + j0, simd::mul_shoup_lazy(d, vw, vws, vq));
        }
      }
#endif
      for (std::size_t j = j0; j < t; ++j) {
        const u64 u = x[j];
        const u64 v = y[j];
        u64 s = u + v;
        s = s >= two_q ? s - two_q : s;
        x[j] = s;
        y[j] = mul_shoup_lazy(u - v + two_q, w, ws, q);
      }
    }
    t <<= 1;
  }
  std::size_t j0 = 0;
#ifdef OLA_CKKS_AVX512
  {
    const __m512i vq = _mm512_set1_epi64(static_cast<long long>(q));
    const __m512i vw = _mm512_set1_epi64(static_cast<long long>(n_inv_));
    const __m512i vws = _mm512_set1_epi64(static_cast<long long>(n_inv_sh_));
    for (; j0 + 8 <= n_; j0 += 8) {
      const __m512i r = simd::mul_shoup_lazy(_mm512_loadu_si512(a + j0), vw, vws, vq);
      _mm512_storeu_si512(a + j0, simd::reduce_once(r, vq));
    }
  }
#endif
  for (std::size_t j = j0; j < n_; ++j) a[j] = mul_shoup(a[j], n_inv_, n_inv_sh_, q);
}

}  // namespace ola::ckks
