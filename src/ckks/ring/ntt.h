// Negacyclic number-theoretic transform over Z_q[X]/(X^N + 1) with lazy Harvey butterflies and
// Shoup precomputed twiddles (Harvey 2014; Longa-Naehrig, "Speeding up the NTT", CANS 2016, Alg. 1-2).
#pragma once

#include <cstddef>
#include <vector>

#include "ckks/ring/modulus.h"

namespace ola::ckks {

/// Twiddle tables of one prime. Forward output ordering: index i holds a(psi^(2*brv(i)+1)),
/// brv = bit reversal on log2(N) bits, psi the primitive 2N-th root of unity chosen by
/// primitive_root_of_unity. Thread safety: immutable after construction, safe to share.
class NttTables {
 public:
  NttTables() = default;
  /// @pre q = 1 mod 2N, N a power of two >= 2.
  /// @throws ola::Error if q != 1 mod 2N or N is not a power of two.
  NttTables(std::size_t n, const Modulus& q);
  /// Tables with a given root: psi must be a primitive 2N-th root of unity mod q (psi^N = -1);
  /// psi = 0 chooses it as the two-argument constructor does.
  /// Used for the subring Z_q[Y]/(Y^M + 1), Y = X^(N/M), whose root is psi_N^(N/M): its forward
  /// transform then agrees with the size-N one on polynomials in Y (see Encoder).
  /// @throws ola::Error if N is not a power of two >= 2 or psi^N != -1 mod q.
  NttTables(std::size_t n, const Modulus& q, u64 psi);

  std::size_t n() const { return n_; }
  const Modulus& modulus() const { return q_; }
  u64 psi() const { return psi_; }

  /// In place, coefficients in [0, q) -> evaluations in [0, q).
  void forward(u64* a) const;
  /// Like forward but leaves values in [0, 4q) (for callers that reduce later).
  void forward_lazy(u64* a) const;
  /// In place, evaluations in [0, 2q) -> coefficients in [0, q).
  void inverse(u64* a) const;

 private:
  std::size_t n_ = 0;
  int log_n_ = 0;
  Modulus q_;
  u64 psi_ = 0;
  std::vector<u64> root_;      ///< psi^brv(k)
  std::vector<u64> root_sh_;   ///< Shoup constants
  std::vector<u64> iroot_;     ///< psi^-brv(k)
  std::vector<u64> iroot_sh_;
  u64 n_inv_ = 0, n_inv_sh_ = 0;
};

/// Bit reversal of the low `bits` bits of x.
std::size_t bit_reverse(std::size_t x, int bits);

}  // namespace ola::ckks
