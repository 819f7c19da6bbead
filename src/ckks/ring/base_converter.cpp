#include "ckks/ring/base_converter.h"

#include <cmath>
#include <string>

#include "ckks/ring/simd.h"
#include "util/error.h"

namespace ola::ckks {

BaseConverter::BaseConverter(std::vector<Modulus> from, std::vector<Modulus> to)
    : from_(std::move(from)), to_(std::move(to)) {
  const std::size_t k = from_.size();
  if (k == 0 || k > 64) throw Error(ola::mismatch("BaseConverter", "source base size", "1..64", k));
  qhat_inv_.resize(k);
  qhat_inv_sh_.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    u64 prod = 1;
    for (std::size_t t = 0; t < k; ++t) {
      if (t != i) prod = mul_mod(prod, reduce_64(from_[t].value, from_[i]), from_[i]);
    }
    qhat_inv_[i] = inv_mod(prod, from_[i]);
    qhat_inv_sh_[i] = shoup(qhat_inv_[i], from_[i].value);
  }
  qhat_mod_.resize(to_.size() * k);
  for (std::size_t j = 0; j < to_.size(); ++j) {
    for (std::size_t i = 0; i < k; ++i) {
      u64 prod = 1;
      for (std::size_t t = 0; t < k; ++t) {
        if (t != i) prod = mul_mod(prod, reduce_64(from_[t].value, to_[j]), to_[j]);
      }
      qhat_mod_[j * k + i] = prod;
    }
    u64 all = 1;
    for (std::size_t t = 0; t < k; ++t) all = mul_mod(all, reduce_64(from_[t].value, to_[j]), to_[j]);
    a_mod_.push_back(all);
  }
  for (const auto& m : from_) a_inv_.push_back(1.0 / static_cast<double>(m.value));
  qhat_mod_sh_.resize(qhat_mod_.size());
  for (std::size_t j = 0; j < to_.size(); ++j) {
    for (std::size_t i = 0; i < k; ++i) qhat_mod_sh_[j * k + i] = shoup(qhat_mod_[j * k + i], to_[j].value);
    a_neg_.push_back(neg_mod(a_mod_[j], to_[j].value));
    a_neg_sh_.push_back(shoup(a_neg_.back(), to_[j].value));
  }
}

namespace {
constexpr std::size_t kBlock = 256;
}  // namespace

void BaseConverter::convert_block(const u64* const* in, u64* const* out, std::size_t c0, std::size_t len,
                                  bool centered, u64* y, u64* v) const {
  const std::size_t k = from_.size();
  std::size_t vec_len = 0;  // coefficients [0, vec_len) of the block done with AVX-512
#ifdef OLA_CKKS_AVX512
  vec_len = len & ~std::size_t{7};
  for (std::size_t i = 0; i < k; ++i) {
    const __m512i q = _mm512_set1_epi64(static_cast<long long>(from_[i].value));
    const __m512i w = _mm512_set1_epi64(static_cast<long long>(qhat_inv_[i]));
    const __m512i ws = _mm512_set1_epi64(static_cast<long long>(qhat_inv_sh_[i]));
    const u64* x = in[i] + c0;
    u64* yi = y + i * kBlock;
    for (std::size_t c = 0; c < vec_len; c += 8) {
      const __m512i r = simd::mul_shoup_lazy(_mm512_loadu_si512(x + c), w, ws, q);
      _mm512_storeu_si512(yi + c, simd::reduce_once(r, q));
    }
  }
  if (centered) {
    for (std::size_t c = 0; c < vec_len; c += 8) {
      __m512d frac = _mm512_setzero_pd();
      for (std::size_t i = 0; i < k; ++i) {
        const __m512d yi = _mm512_cvtepu64_pd(_mm512_loadu_si512(y + i * kBlock + c));
        frac = _mm512_fmadd_pd(yi, _mm512_set1_pd(a_inv_[i]), frac);
      }
      // Round to nearest (the MXCSR default); frac >= 0.
      _mm512_storeu_si512(v + c, _mm512_cvtpd_epu64(frac));
    }
  }
  for (std::size_t j = 0; j < to_.size(); ++j) {
    const __m512i q = _mm512_set1_epi64(static_cast<long long>(to_[j].value));
    const __m512i two_q = _mm512_set1_epi64(static_cast<long long>(2 * to_[j].value));
    const u64* f = qhat_mod_.data() + j * k;
    const u64* fs = qhat_mod_sh_.data() + j * k;
    const __m512i corr = _mm512_set1_epi64(static_cast<long long>(a_neg_[j]));
    const __m512i corr_s = _mm512_set1_epi64(static_cast<long long>(a_neg_sh_[j]));
    u64* o = out[j] + c0;
    for (std::size_t c = 0; c < vec_len; c += 8) {
      // Each Shoup product of y_i (any 64-bit value) by (A/a_i) mod b_j is in [0, 2 b_j).
      __m512i acc = _mm512_setzero_si512();
      for (std::size_t i = 0; i < k; ++i) {
        const __m512i pr = simd::mul_shoup_lazy(_mm512_loadu_si512(y + i * kBlock + c), _mm512_set1_epi64(static_cast<long long>(f[i])),
                                                _mm512_set1_epi64(static_cast<long long>(fs[i])), q);
        acc = simd::reduce_once(_mm512_add_epi64(acc, pr), two_q);
      }
      if (centered) {
        const __m512i pr = simd::mul_shoup_lazy(_mm512_loadu_si512(v + c), corr, corr_s, q);
        acc = simd::reduce_once(_mm512_add_epi64(acc, pr), two_q);
      }
      _mm512_storeu_si512(o + c, simd::reduce_once(acc, q));
    }
  }
#endif
  if (vec_len == len) return;
  // Portable path (and the tail of a block).
  for (std::size_t i = 0; i < k; ++i) {
    const u64 q = from_[i].value;
    const u64 w = qhat_inv_[i], ws = qhat_inv_sh_[i];
    const u64* x = in[i] + c0;
    u64* yi = y + i * kBlock;
    for (std::size_t c = vec_len; c < len; ++c) yi[c] = mul_shoup(x[c], w, ws, q);
  }
  if (centered) {
    // sum_i y_i (A/a_i) = x + u A with u = floor(sum_i y_i / a_i); subtracting round(...) * A
    // instead leaves the centered lift of x.
    for (std::size_t c = vec_len; c < len; ++c) {
      double frac = 0;
      for (std::size_t i = 0; i < k; ++i) frac += static_cast<double>(y[i * kBlock + c]) * a_inv_[i];
      v[c] = static_cast<u64>(std::llround(frac));
    }
  }
  for (std::size_t j = 0; j < to_.size(); ++j) {
    const u64* f = qhat_mod_.data() + j * k;
    u64* o = out[j] + c0;
    for (std::size_t c = vec_len; c < len; ++c) {
      u128 acc = 0;
      // Each product < 2^122, so up to 64 terms fit in 128 bits.
      for (std::size_t i = 0; i < k; ++i) acc += static_cast<u128>(y[i * kBlock + c]) * f[i];
      // v <= k <= 64: add v * (b_j - A mod b_j) instead of subtracting v * A.
      if (centered) acc += static_cast<u128>(v[c]) * a_neg_[j];
      o[c] = reduce_128(acc, to_[j]);
    }
  }
}

void BaseConverter::convert_centered(const u64* const* in, u64* const* out, std::size_t n) const {
  std::vector<u64> y(from_.size() * kBlock), v(kBlock);
  for (std::size_t c0 = 0; c0 < n; c0 += kBlock) convert_block(in, out, c0, std::min(kBlock, n - c0), true, y.data(), v.data());
}

void BaseConverter::convert(const u64* const* in, u64* const* out, std::size_t n) const {
  std::vector<u64> y(from_.size() * kBlock), v(kBlock);
  for (std::size_t c0 = 0; c0 < n; c0 += kBlock) convert_block(in, out, c0, std::min(kBlock, n - c0), false, y.data(), v.data());
}

}  // namespace ola::ckks
