// Wiping secret bytes before their memory is freed (libsodium sodium_memzero, which the compiler
// may not optimise away), for secret keys and the temporaries derived from them.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace ola {

/// Overwrites n bytes at p with zeros; never elided by the optimiser. p may be null when n == 0.
void secure_wipe(void* p, std::size_t n) noexcept;

/// Zeros every element of v (size() elements; the spare capacity was never written with secrets
/// by OLA code, which sizes secret vectors once). v keeps its size.
template <class T, class A>
void secure_wipe(std::vector<T, A>& v) noexcept {
  secure_wipe(v.data(), v.size() * sizeof(T));
}

/// Zeros a vector when the scope ends, whichever way it ends (return or exception): for local
/// copies of secret data, e.g. `std::vector<u64> s2 = ...; WipeOnExit w(s2);`.
/// Thread safety: as the vector it guards.
template <class T, class A = std::allocator<T>>
class WipeOnExit {
 public:
  explicit WipeOnExit(std::vector<T, A>& v) noexcept : v_(v) {}
  ~WipeOnExit() { secure_wipe(v_); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  std::vector<T, A>& v_;
};

}  // namespace ola
