// Shared by the bootstrapping tests: random slot vectors and the largest slot error.
#pragma once

#include <algorithm>
#include <complex>
#include <cstdint>
#include <random>
#include <vector>

namespace ola::ckks::boot_test {

/// n slots with real (and, unless `real`, imaginary) parts uniform in [-1, 1], from `seed`.
inline std::vector<std::complex<double>> random_slots(std::size_t n, std::uint64_t seed, bool real = false) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<std::complex<double>> v(n);
  for (auto& c : v) c = {u(rng), real ? 0.0 : u(rng)};
  return v;
}

/// max_i |got[i] - want[i]| over want's slots.
inline double max_error(const std::vector<std::complex<double>>& got, const std::vector<std::complex<double>>& want) {
  double e = 0;
  for (std::size_t i = 0; i < want.size(); ++i) e = std::max(e, std::abs(got[i] - want[i]));
  return e;
}

}  // namespace ola::ckks::boot_test
