// Internal precomputed tables of a Params (rescaling and key-switching constants, converters).
// Used by the ckks/core implementation and by low-level helpers of ckks/boot; not a user API.
#pragma once

#include <string>
#include <vector>

#include "ckks/core/params.h"
#include "ckks/ring/base_converter.h"
#include "ckks/ring/ntt.h"

namespace ola::ckks::detail {

/// How many bits a level's special modulus P_l must exceed its widest key-switching digit Q_j by
/// (ParamsContext::p_used): the switching error's key-noise term, about (Q_j / P_l) N sigma
/// sqrt(dnum) per slot, is then at most 2^-4 of its size at P_l = Q_j and below ModDown's
/// rounding error, as the chains' full P already left it at their top levels (n16: 7 bits).
inline constexpr double kKeySwitchMarginBits = 4.0;

/// Thread safety: immutable after Params's constructor.
struct ParamsContext {
  ParamsLiteral literal;
  int log_n = 0;
  std::size_t n = 0;
  std::vector<Modulus> q, p;
  std::vector<NttTables> q_ntt, p_ntt;
  int dnum = 0, alpha = 0;
  double default_scale = 0, log_qp = 0;
  std::string fingerprint;

  /// q_inv[l][i] = q_l^-1 mod q_i (i < l), for rescaling from level l.
  std::vector<std::vector<u64>> q_inv;
  std::vector<u64> p_mod_q;      ///< P mod q_i (P = all special primes, as in the keys)
  /// Key switching at level l uses only the first p_used[l] special primes P_l = p_0 ... p_{k'-1}:
  /// the fewest whose product exceeds every digit modulus at level l by kKeySwitchMarginBits
  /// (all k where none do). The keys are made with all of P = P_l * R_l; switching multiplies the
  /// input by R_l^-1 mod Q before ModUp, so the key's P * g_j * s' term becomes P_l * g_j * s',
  /// and divides by P_l alone: fewer limbs in ModUp, the inner product and ModDown at low levels,
  /// with the key-switching error (Q_j / P_l) * |e| still below ModDown's rounding error.
  std::vector<std::size_t> p_used;
  std::vector<std::vector<u64>> p_used_inv_mod_q;  ///< [l][i] = P_l^-1 mod q_i, i <= l
  std::vector<std::vector<u64>> p_rest_inv_mod_q;  ///< [l][i] = R_l^-1 mod q_i, i <= l (empty if R_l = 1)
  /// modup[l][j]: digit j's primes (those <= l) -> the other primes of q_0..q_l, then P_l.
  std::vector<std::vector<BaseConverter>> modup;
  /// moddown[l]: P_l -> q_0..q_l.
  std::vector<BaseConverter> moddown;

  std::size_t digit_begin(int j) const { return static_cast<std::size_t>(j) * static_cast<std::size_t>(alpha); }
  std::size_t digit_end(int j, int level) const {
    const std::size_t e = digit_begin(j + 1);
    const std::size_t top = static_cast<std::size_t>(level) + 1;
    return e < top ? e : top;
  }
  int digits_at(int level) const { return (level + alpha) / alpha; }
};

}  // namespace ola::ckks::detail
