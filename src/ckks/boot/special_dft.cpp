#include "ckks/boot/special_dft.h"

#include <bit>
#include <cmath>
#include <numbers>
#include <string>

#include "util/error.h"

namespace ola::ckks {

namespace {

void require_power_of_two(const char* where, int n, int min) {
  if (n < min || !std::has_single_bit(static_cast<unsigned>(n))) {
    throw Error(ola::mismatch(where, "n", "a power of two >= " + std::to_string(min), n));
  }
}

Complex root(std::uint64_t num, std::uint64_t den) {
  const double a = 2.0 * std::numbers::pi * static_cast<double>(num) / static_cast<double>(den);
  return {std::cos(a), std::sin(a)};
}

}  // namespace

std::vector<std::uint64_t> rotation_group(int n) {
  require_power_of_two("rotation_group", n, 1);
  const std::uint64_t m = 4ULL * static_cast<std::uint64_t>(n);
  std::vector<std::uint64_t> g(n);
  std::uint64_t x = 1;
  for (int j = 0; j < n; ++j) {
    g[j] = x;
    x = (x * 5) % m;
  }
  return g;
}

int bit_reverse_index(int j, int n) {
  int r = 0;
  for (int bit = 1; bit < n; bit <<= 1) {
    r = (r << 1) | (j & 1);
    j >>= 1;
  }
  return r;
}

void bit_reverse_inplace(std::span<Complex> v) {
  const int n = static_cast<int>(v.size());
  require_power_of_two("bit_reverse_inplace", n, 1);
  for (int j = 0; j < n; ++j) {
    const int r = bit_reverse_index(j, n);
    if (j < r) std::swap(v[j], v[r]);
  }
}

ComplexVector special_dft_direct(std::span<const Complex> w) {
  const int n = static_cast<int>(w.size());
  require_power_of_two("special_dft_direct", n, 1);
  const auto g = rotation_group(n);
  const std::uint64_t m = 4ULL * static_cast<std::uint64_t>(n);
  ComplexVector z(n);
  for (int j = 0; j < n; ++j) {
    Complex acc = 0.0;
    for (int k = 0; k < n; ++k) acc += w[k] * root((g[j] * static_cast<std::uint64_t>(k)) % m, m);
    z[j] = acc;
  }
  return z;
}

std::vector<DiagonalMatrix> dft_stages(int n) {
  require_power_of_two("dft_stages", n, 2);
  const auto g = rotation_group(n);
  std::vector<DiagonalMatrix> stages;
  for (int len = 2; len <= n; len <<= 1) {
    const int h = len / 2;
    const std::uint64_t lenq = 4ULL * static_cast<std::uint64_t>(len);
    DiagonalMatrix s{n, {}};
    ComplexVector d0(n), dplus(n), dminus(n);
    for (int p = 0; p < n; ++p) {
      const int q = p % len;
      if (q < h) {
        d0[p] = 1.0;
        dplus[p] = root(g[q] % lenq, lenq);  // out[p] = in[p] + r_q in[p + h]
      } else {
        d0[p] = -root(g[q - h] % lenq, lenq);  // out[p] = in[p - h] - r_q in[p]
        dminus[p] = 1.0;
      }
    }
    s.diagonals[0] = std::move(d0);
    s.diagonals[h] = std::move(dplus);
    auto& dm = s.diagonals[n - h];
    if (dm.empty()) dm.assign(n, 0.0);
    for (int p = 0; p < n; ++p) dm[p] += dminus[p];
    stages.push_back(std::move(s));
  }
  return stages;
}

std::vector<DiagonalMatrix> idft_stages(int n) {
  require_power_of_two("idft_stages", n, 2);
  const auto g = rotation_group(n);
  std::vector<DiagonalMatrix> stages;
  for (int len = n; len >= 2; len >>= 1) {
    const int h = len / 2;
    const std::uint64_t lenq = 4ULL * static_cast<std::uint64_t>(len);
    DiagonalMatrix s{n, {}};
    ComplexVector d0(n), dplus(n), dminus(n);
    for (int p = 0; p < n; ++p) {
      const int q = p % len;
      if (q < h) {  // in[p] = (out[p] + out[p + h]) / 2
        d0[p] = 0.5;
        dplus[p] = 0.5;
      } else {  // in[p] = (out[p - h] - out[p]) / (2 r_q), r_q the forward twiddle of row q - h
        const Complex inv = 0.5 / root(g[q - h] % lenq, lenq);
        d0[p] = -inv;
        dminus[p] = inv;
      }
    }
    s.diagonals[0] = std::move(d0);
    s.diagonals[h] = std::move(dplus);
    auto& dm = s.diagonals[n - h];
    if (dm.empty()) dm.assign(n, 0.0);
    for (int p = 0; p < n; ++p) dm[p] += dminus[p];
    stages.push_back(std::move(s));
  }
  return stages;
}

DiagonalMatrix product_in_order(std::span<const DiagonalMatrix> factors) {
  if (factors.empty()) throw Error(ola::mismatch("product_in_order", "factors", ">= 1", 0));
  DiagonalMatrix acc = factors[0];
  for (std::size_t i = 1; i < factors.size(); ++i) acc = multiply(factors[i], acc);
  return acc;
}

std::vector<DiagonalMatrix> merge_stages(std::span<const DiagonalMatrix> stages, int groups) {
  const int m = static_cast<int>(stages.size());
  if (groups < 1 || groups > m) {
    throw Error(ola::mismatch("merge_stages", "groups", "1.." + std::to_string(m), groups));
  }
  std::vector<DiagonalMatrix> out;
  int pos = 0;
  for (int gi = 0; gi < groups; ++gi) {
    const int size = m / groups + (gi < m % groups ? 1 : 0);
    out.push_back(product_in_order(stages.subspan(pos, size)));
    pos += size;
  }
  return out;
}

}  // namespace ola::ckks
