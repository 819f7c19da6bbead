// Shared helpers of the security tests: two test-only parameter sets (the fuzz set and
// test_literal_n12), a scratch folder, and a catcher returning an error's message.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>

#include "ckks/core/ckks.h"
#include "fuzz/fuzz_params.h"

namespace ola::security_test {

/// A fresh scratch folder per test process, removed by the caller.
inline std::filesystem::path scratch_dir(const std::string& tag) {
  auto dir = std::filesystem::temp_directory_path() / ("ola_security_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Number of entries in `dir` (temporary files included).
inline int entries(const std::filesystem::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

/// The message of the ola::Error (of type E or a subclass) `f` throws; a gtest failure naming
/// what happened instead if it throws nothing or another type.
template <class E = ola::Error>
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected " << typeid(E).name() << ", got " << typeid(e).name() << ": " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected an exception, none was thrown";
  return "";
}

inline bool contains(const std::string& s, const std::string& sub) { return s.find(sub) != std::string::npos; }

/// Keys and tools of one parameter set, built once per set.
struct Party {
  ckks::Params params;
  ckks::KeyGenerator keygen{params};
  ckks::Encoder encoder{params};

  explicit Party(const ckks::ParamsLiteral& lit) : params(lit) {}

  ckks::Ciphertext encrypt(const std::vector<double>& v, int level = 0) const {
    const ckks::Encryptor enc(params, keygen.public_key());
    return enc.encrypt(encoder.encode(v, level, params.default_scale(), v.size()));
  }
  /// The fuzz parameter set (fuzz_params.h), first key pair.
  static const Party& a() {
    static const Party p(fuzz::fuzz_literal());
    return p;
  }
  /// The same parameter set, an independent second key pair.
  static const Party& a2() {
    static const Party p(fuzz::fuzz_literal());
    return p;
  }
  /// Another parameter set: test_literal_n12 (same N, other primes).
  static const Party& b() {
    static const Party p(ckks::test_literal_n12());
    return p;
  }
};

}  // namespace ola::security_test
