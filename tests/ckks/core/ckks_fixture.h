// Shared test fixture: one N = 2^13 test-only parameter set with keys, and precision helpers.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ckks/core/ckks.h"

namespace ola::ckks::testing {

using cd = std::complex<double>;

/// -log2 of the largest absolute error (precision in bits); 60 if exact.
inline double precision_bits(const std::vector<cd>& got, const std::vector<cd>& want) {
  double err = 0;
  for (std::size_t i = 0; i < want.size(); ++i) err = std::max(err, std::abs(got.at(i) - want[i]));
  return err == 0 ? 60.0 : -std::log2(err);
}

/// The message of the exception of type E that f throws; "no exception of the expected type"
/// if it throws none (another type propagates and fails the test).
template <class E>
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "no exception of the expected type";
}

inline bool contains(const std::string& s, const std::string& sub) { return s.find(sub) != std::string::npos; }

inline std::vector<cd> random_values(std::size_t n, unsigned seed, double bound = 1.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> d(-bound, bound);
  std::vector<cd> v(n);
  for (auto& x : v) x = cd(d(rng), d(rng));
  return v;
}

/// v rotated left by k slots (k may be negative): result[j] = v[(j + k) mod n].
inline std::vector<cd> rotated(const std::vector<cd>& v, int k) {
  const auto n = static_cast<int>(v.size());
  std::vector<cd> r(v.size());
  for (int j = 0; j < n; ++j) r[static_cast<std::size_t>(j)] = v[static_cast<std::size_t>(((j + k) % n + n) % n)];
  return r;
}

/// Keys and tools for test_literal_n13 (8 primes q, 2 special primes, dnum 4), built once.
struct Ctx {
  Params params{test_literal_n13()};
  KeyGenerator keygen{params};
  Encoder encoder{params};
  Encryptor encryptor{params, keygen.secret_key()};
  Decryptor decryptor{params, keygen.secret_key()};
  std::shared_ptr<const RelinKey> relin = std::make_shared<RelinKey>(keygen.relin_key());
  std::shared_ptr<const GaloisKeys> galois;
  std::unique_ptr<Evaluator> eval;

  Ctx() {
    std::vector<int> steps;
    for (int s = 1; s < static_cast<int>(params.max_slots()); s *= 2) steps.push_back(s);
    for (int s : {3, 5, 77, 1000, -1, -7, 2047}) steps.push_back(s);
    galois = std::make_shared<GaloisKeys>(keygen.galois_keys(steps, true));
    eval = std::make_unique<Evaluator>(params, EvaluationKeys{relin, galois});
  }

  Ciphertext encrypt(const std::vector<cd>& v, int level = -1, std::size_t slots = 0) const {
    const int l = level < 0 ? params.max_level() : level;
    return encryptor.encrypt(encoder.encode(v, l, params.default_scale(), slots == 0 ? v.size() : slots));
  }
  std::vector<cd> decrypt(const Ciphertext& ct) const { return encoder.decode(decryptor.decrypt(ct)); }

  static const Ctx& get() {
    static const Ctx ctx;
    return ctx;
  }
};

}  // namespace ola::ckks::testing
