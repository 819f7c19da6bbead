#include "ckks/ring/base_converter.h"

#include <cmath>
#include <string>

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
}

void BaseConverter::convert_centered(const u64* const* in, u64* const* out, std::size_t n) const {
  const std::size_t k = from_.size();
  constexpr std::size_t kBlock = 256;
  std::vector<u64> y(k * kBlock);
  std::vector<u64> v(kBlock);
  for (std::size_t c0 = 0; c0 < n; c0 += kBlock) {
    const std::size_t len = std::min(kBlock, n - c0);
    std::vector<double> frac(len, 0.0);
    for (std::size_t i = 0; i < k; ++i) {
      const u64 q = from_[i].value;
      const u64 w = qhat_inv_[i], ws = qhat_inv_sh_[i];
      const u64* x = in[i] + c0;
      u64* yi = y.data() + i * kBlock;
      for (std::size_t c = 0; c < len; ++c) {
        yi[c] = mul_shoup(x[c], w, ws, q);
        frac[c] += static_cast<double>(yi[c]) * a_inv_[i];
      }
    }
    // sum_i y_i (A/a_i) = x + u A with u = floor(sum_i y_i / a_i); subtracting round(...) * A
    // instead leaves the centered lift of x.
    for (std::size_t c = 0; c < len; ++c) v[c] = static_cast<u64>(std::llround(frac[c]));
    for (std::size_t j = 0; j < to_.size(); ++j) {
      const u64* f = qhat_mod_.data() + j * k;
      const u64 am = a_mod_[j];
      const u64 qj = to_[j].value;
      u64* o = out[j] + c0;
      for (std::size_t c = 0; c < len; ++c) {
        u128 acc = 0;
        for (std::size_t i = 0; i < k; ++i) acc += static_cast<u128>(y[i * kBlock + c]) * f[i];
        // v <= k <= 64 and am < qj, so v * (qj - am) < 2^67: add v * (q - A mod q) instead of subtracting.
        acc += static_cast<u128>(v[c]) * (qj - am);
        o[c] = reduce_128(acc, to_[j]);
      }
    }
  }
}

void BaseConverter::convert(const u64* const* in, u64* const* out, std::size_t n) const {
  const std::size_t k = from_.size();
  constexpr std::size_t kBlock = 256;
  std::vector<u64> y(k * kBlock);
  for (std::size_t c0 = 0; c0 < n; c0 += kBlock) {
    const std::size_t len = std::min(kBlock, n - c0);
    for (std::size_t i = 0; i < k; ++i) {
      const u64 q = from_[i].value;
      const u64 w = qhat_inv_[i], ws = qhat_inv_sh_[i];
      const u64* x = in[i] + c0;
      u64* yi = y.data() + i * kBlock;
      for (std::size_t c = 0; c < len; ++c) yi[c] = mul_shoup(x[c], w, ws, q);
    }
    for (std::size_t j = 0; j < to_.size(); ++j) {
      const u64* f = qhat_mod_.data() + j * k;
      u64* o = out[j] + c0;
      for (std::size_t c = 0; c < len; ++c) {
        u128 acc = 0;
        // Each product < 2^122, so up to 64 terms fit in 128 bits.
        for (std::size_t i = 0; i < k; ++i) acc += static_cast<u128>(y[i * kBlock + c]) * f[i];
        o[c] = reduce_128(acc, to_[j]);
      }
    }
  }
}

}  // namespace ola::ckks
