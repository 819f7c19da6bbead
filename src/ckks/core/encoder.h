// Encoder: CKKS canonical-embedding encoding of complex or real slot vectors into plaintexts and
// back (Cheon-Kim-Kim-Song 2017, section 3.2), with the "special FFT" in rotation-group order.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "ckks/core/params.h"
#include "ckks/core/plaintext.h"

namespace ola::ckks {

/// Slot ordering: with n slots, slot j is the evaluation at zeta^(5^j) of the polynomial in
/// Y = X^(N/(2n)) (zeta a primitive 4n-th root of unity), so the Galois automorphism
/// X -> X^(5^k) rotates slots left by k, and X -> X^(-1) conjugates them.
/// Sparse packing (n < N/2): the message is a polynomial in Y, i.e. its coefficients sit at
/// multiples of N/(2n); over the full N/2 slots the n-vector appears replicated N/(2n) times.
/// Periodic inputs: a full vector of `slots` values that repeats with a smaller power-of-two
/// period n is the sparse packing of its first n values, so encode() computes it as such: an FFT
/// of n points and per limb an NTT of the 2n-coefficient subring polynomial (the same plaintext
/// up to rounding, at a fraction of the cost; the encrypted convolutions' diagonals repeat with
/// their feature map's period).
/// Thread safety: encode/decode are safe to call concurrently (the subring NTT tables are built on
/// first use under a lock).
class Encoder {
 public:
  explicit Encoder(Params params);

  const Params& params() const { return params_; }

  /// Encodes values (zero-padded to `slots`) at `level` with scaling factor `scale`, NTT form.
  /// A periodic input (see the class comment) is encoded through its period's subring.
  /// slots = 0 means values.size() rounded up to a power of two (at least 1).
  /// @throws OperandError if slots (given or derived) is not a power of two in 1..N/2
  /// @throws OperandError if values.size() > slots
  /// @throws OperandError if level is outside 0..max_level
  /// @throws OperandError if scale is not positive and finite
  /// @throws OperandError if a scaled coefficient is not finite or has magnitude >= 2^120
  Plaintext encode(std::span<const std::complex<double>> values, int level, double scale,
                   std::size_t slots = 0) const;
  Plaintext encode(std::span<const double> values, int level, double scale, std::size_t slots = 0) const;

  /// The constant c in every slot, as the polynomial Re(c) + Im(c) X^(N/2) (exact, no FFT).
  /// @throws OperandError for a bad level, slots or scale (as encode)
  Plaintext encode_constant(std::complex<double> c, int level, double scale, std::size_t slots) const;

  /// Decodes pt.slots values (dividing by pt.scale). Works for NTT or coefficient form and any
  /// level; the CRT uses the two lowest limbs (exact up to |m| < q_0*q_1/2), long double.
  /// @throws OperandError if pt.poly does not have pt.level + 1 limbs of degree N
  std::vector<std::complex<double>> decode(const Plaintext& pt) const;
  /// Real parts of decode().
  std::vector<double> decode_real(const Plaintext& pt) const;

  /// Canonical-embedding maps on floating-point coefficient vectors (for bootstrapping tests):
  /// slots -> real coefficients (length N, already multiplied by scale, not rounded), and back.
  std::vector<double> slots_to_coeffs(std::span<const std::complex<double>> values, std::size_t slots,
                                      double scale) const;
  std::vector<std::complex<double>> coeffs_to_slots(std::span<const long double> coeffs, std::size_t slots,
                                                    double scale) const;

 private:
  struct SubringNtts;  // NTT tables of Z_q[Y]/(Y^M + 1), Y = X^(N/M), per q prime and M (encoder.cpp)

  /// The 2 `slots` scaled real coefficients of the message as a polynomial in Y = X^(N/(2 slots)).
  std::vector<double> subring_coeffs(std::span<const std::complex<double>> values, std::size_t slots,
                                     double scale) const;
  /// Rounds the subring coefficients `sub` (M of them, Y = X^(N/M)) into poly's limbs, NTT form.
  void put_subring_ntt(const std::vector<double>& sub, RnsPoly& poly, const char* where) const;

  Params params_;
  std::vector<std::complex<double>> roots_;  ///< exp(2 pi i k / (2N)), k < 2N
  std::vector<std::size_t> rot_group_;       ///< 5^j mod 2N, j < N/2
  std::shared_ptr<SubringNtts> subring_;     ///< shared by copies; built lazily
};

}  // namespace ola::ckks
