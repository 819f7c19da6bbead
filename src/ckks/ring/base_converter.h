// Fast RNS basis extension (Bajard et al. 2016; Halevi-Polyakov-Shoup 2019, section 2.3): maps
// residues of x modulo a base A = {a_i} to residues modulo a base B = {b_j} of x + u * A,
// 0 <= u < |A|, without big integers. Used by hybrid key switching (ModUp/ModDown) and rescaling.
#pragma once

#include <cstddef>
#include <vector>

#include "ckks/ring/modulus.h"

namespace ola::ckks {

/// Precomputed constants of one conversion A -> B. Thread safety: immutable, safe to share.
class BaseConverter {
 public:
  BaseConverter() = default;
  /// @pre A and B are disjoint sets of distinct primes; |A| <= 64.
  /// @throws ola::Error if |A| is 0 or > 64.
  BaseConverter(std::vector<Modulus> from, std::vector<Modulus> to);

  const std::vector<Modulus>& from() const { return from_; }
  const std::vector<Modulus>& to() const { return to_; }

  /// in[i] points to n coefficients (coefficient form) modulo from()[i]; out[j] receives n
  /// coefficients modulo to()[j]. The result is x + u*A for some 0 <= u < |A| (approximate
  /// extension). Single-threaded; callers parallelise over polynomials or targets.
  void convert(const u64* const* in, u64* const* out, std::size_t n) const;
  /// Centered exact extension (Halevi-Polyakov-Shoup 2019, section 2.4): the overflow
  /// v = round(sum_i y_i / a_i) is estimated in double precision and removed, so the output is
  /// the residues of the centered lift of x in (-A/2, A/2] (except when x is within about
  /// 2^-50 * A of +-A/2). Used by ModDown so its rounding error has zero mean.
  void convert_centered(const u64* const* in, u64* const* out, std::size_t n) const;

 private:
  /// Converts coefficients [c0, c0 + len) (len <= 256) with scratch y (|A| x 256) and v (256).
  void convert_block(const u64* const* in, u64* const* out, std::size_t c0, std::size_t len, bool centered, u64* y,
                     u64* v) const;

  std::vector<Modulus> from_, to_;
  std::vector<u64> qhat_inv_, qhat_inv_sh_;  ///< (A/a_i)^-1 mod a_i and Shoup constants
  std::vector<u64> qhat_mod_;                ///< [(A/a_i) mod b_j] at j * |A| + i
  std::vector<u64> qhat_mod_sh_;             ///< Shoup constants of qhat_mod_
  std::vector<u64> a_mod_;                   ///< A mod b_j
  std::vector<u64> a_neg_, a_neg_sh_;        ///< (-A) mod b_j and Shoup constants
  std::vector<double> a_inv_;                ///< 1 / a_i
};

}  // namespace ola::ckks
