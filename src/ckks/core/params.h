// CKKS parameters: the plain ParamsLiteral a user writes, the validated immutable Params built
// from it (primes, NTT tables, RNS constants), the HE-standard security check and named sets.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ckks/ring/base_converter.h"
#include "ckks/ring/modulus.h"
#include "ckks/ring/ntt.h"

namespace ola::ckks {

/// Distribution of the secret key's coefficients.
enum class SecretDistribution {
  uniform_ternary,  ///< each coefficient uniform in {-1, 0, 1}: the HE standard's assumption
  /// Exactly h non-zero coefficients in {-1, 1}. SECURITY CAVEAT: the HE-standard table is for
  /// uniform ternary secrets; sparse secrets are easier to attack (hybrid attacks) and the table's
  /// bound does NOT by itself give 128-bit security for small h. Use only with a separate
  /// estimate (e.g. lattice-estimator) or for tests; OLA still applies the table check.
  fixed_hamming,
};

std::string to_string(SecretDistribution d);

/// Plain, unchecked description of a parameter set. Fill with designated initializers and pass
/// to Params, which validates it.
struct ParamsLiteral {
  int log_n = 0;                 ///< ring degree N = 2^log_n, 12..17
  std::vector<int> log_q;        ///< bit sizes of q_0 (first), q_1, ..., q_L; each 20..61
  std::vector<int> log_p;        ///< bit sizes of the special primes of key switching; 20..61
  int dnum = 0;                  ///< number of key-switching digits; 0 = ceil((L+1) / |log_p|)
  double log_default_scale = 40; ///< default scale 2^log_default_scale for encoding
  SecretDistribution secret = SecretDistribution::uniform_ternary;
  int hamming_weight = 0;        ///< h for SecretDistribution::fixed_hamming (1..N)
  bool test_only = false;        ///< true: skip the 128-bit security check (tests, benchmarks)
};

/// Maximum log2(QP) of the HomomorphicEncryption.org standard (Albrecht et al. 2018, Table 1,
/// uniform ternary secret, 128-bit classical), as tabulated by OpenFHE's stdlatticeparms.cpp:
/// N=2^10: 27, 2^11: 54, 2^12: 109, 2^13: 218, 2^14: 438, 2^15: 881, 2^16: 1772. The standard
/// stops at 2^15 and OpenFHE at 2^16; for 2^17 we use 3544 = 2 x 1772 (a linear extrapolation,
/// not a published value). @throws ParamError if log_n is outside 10..17.
int max_log_qp_128(int log_n);

namespace detail {
struct ParamsContext;
}

/// Validated, immutable CKKS parameters with all precomputed tables. Copies are cheap handles to
/// one shared context; two Params are equal iff their fingerprints are equal.
/// Levels: a ciphertext at level l uses the limbs q_0..q_l (l + 1 limbs); max_level() = L.
/// Key-switching digits: digit j holds q_{j*alpha} .. q_{min((j+1)*alpha, L+1) - 1}.
/// The first construction in a process calls tune_allocator_once() (ckks/ring/threads.h).
/// Thread safety: immutable; safe to share between threads.
class Params {
 public:
  /// Generates the primes (the largest q = 1 mod 2N below 2^bits, all distinct) and tables.
  /// @throws ParamError if log_n is outside 12..17
  /// @throws ParamError if log_q is empty, or a size in log_q/log_p is outside 20..61
  /// @throws ParamError if log_p is empty
  /// @throws ParamError if dnum is outside 1..L+1
  /// @throws ParamError if log2(P) is smaller than the largest digit's log2 (noise blow-up)
  /// @throws ParamError if log_default_scale is outside 1..60 or >= log2 q_0 + 1
  /// @throws ParamError if fixed_hamming and hamming_weight is outside 1..N
  /// @throws ParamError if log2(QP) exceeds max_log_qp_128(log_n) and not test_only (message
  ///         names both numbers and says how to mark a set test-only)
  /// @throws ParamError if not enough primes of a requested size exist
  explicit Params(const ParamsLiteral& literal);

  const ParamsLiteral& literal() const;
  int log_n() const;
  std::size_t n() const;
  std::size_t max_slots() const { return n() / 2; }
  int max_level() const;                ///< L = |log_q| - 1
  std::size_t q_count() const;          ///< L + 1
  std::size_t p_count() const;          ///< number of special primes k
  /// Special primes key switching uses at `level` (the first ones; all k at the top of a chain,
  /// fewer where the level's digits are narrower: see ckks/core/key_switch.h). Keys always hold
  /// all k. @throws OperandError if level is outside 0..L.
  std::size_t p_count_at(int level) const;
  int dnum() const;
  int alpha() const;                    ///< primes per digit = ceil((L+1) / dnum)
  /// Number of digits a ciphertext at `level` decomposes into: ceil((level+1) / alpha).
  int digits_at(int level) const;
  double default_scale() const;
  double log_qp() const;                ///< sum of log2 of every q_i and p_j (exact primes)
  double log_q_at(int level) const;     ///< log2(q_0 ... q_level)
  bool test_only() const;
  SecretDistribution secret() const;
  int hamming_weight() const;
  /// BLAKE2b hex of everything that defines the set (log_n, the primes, dnum, scale, secret).
  const std::string& fingerprint() const;
  /// One line for logs: "N=2^16 L=23 logQP=1717 dnum=5 k=5 scale=2^40 ternary".
  std::string summary() const;

  u64 q(std::size_t i) const;
  u64 p(std::size_t j) const;
  std::span<const Modulus> q_moduli() const;
  std::span<const Modulus> p_moduli() const;
  /// q_0..q_level followed by p_0..p_{k-1} (the base of key-switching intermediates).
  std::vector<Modulus> qp_moduli(int level) const;
  const NttTables& q_ntt(std::size_t i) const;
  const NttTables& p_ntt(std::size_t j) const;

  /// Internal precomputed tables (ckks/core implementation and ckks/boot helpers).
  const detail::ParamsContext& context() const { return *ctx_; }

  friend bool operator==(const Params& a, const Params& b) { return a.fingerprint() == b.fingerprint(); }

 private:
  std::shared_ptr<const detail::ParamsContext> ctx_;
};

/// The fingerprint Params(literal) would have, computed from the primes alone (no NTT tables or
/// converters: O(number of primes) memory), e.g. to check a file before building its set.
/// @throws ParamError as Params(literal) does.
std::string literal_fingerprint(const ParamsLiteral& literal);

/// Named parameter sets. The "test_" ones are marked test_only and are NOT secure.
/// N = 2^12, q = {55, 40 x 4}, p = {55}, scale 2^40 (insecure: logQP 270 > 109).
ParamsLiteral test_literal_n12();
/// N = 2^13, q = {60, 40 x 7}, p = {60, 60}, dnum 4, scale 2^40 (insecure).
ParamsLiteral test_literal_n13();
/// N = 2^14, q = {60, 45 x 10}, p = {60, 60, 60}, scale 2^45 (insecure).
ParamsLiteral test_literal_n14();
/// The peers' chain (docs: ../shared/docs/peers.md): N = 2^log_n, q = {60, 59 x 23}, p = {60 x 5},
/// dnum 5, scale 2^59. 128-bit secure at log_n = 16 (logQP ~ 1717 <= 1772); at log_n 15 it is
/// only usable as a test_only benchmark set (the literal sets test_only when log_n < 16).
ParamsLiteral peer_literal(int log_n = 16);
/// A 128-bit N = 2^16 set for bootstrapping: q0 = 60 bits, `compute_levels` levels of
/// `scale_bits` bits, `boot_levels` levels of 60 bits for bootstrapping, special primes of 60 bits
/// with dnum as given. The final choice belongs to ckks/boot; Params checks security.
ParamsLiteral boot_literal_n16(int compute_levels, int boot_levels, int scale_bits = 40, int dnum = 4);

}  // namespace ola::ckks
