// Internal precomputed tables of a Params (rescaling and key-switching constants, converters).
// Used by the ckks/core implementation and by low-level helpers of ckks/boot; not a user API.
#pragma once

#include <string>
#include <vector>

#include "ckks/core/params.h"
#include "ckks/ring/base_converter.h"
#include "ckks/ring/ntt.h"

namespace ola::ckks::detail {

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
  std::vector<u64> p_mod_q;      ///< P mod q_i
  std::vector<u64> p_inv_mod_q;  ///< P^-1 mod q_i
  /// modup[l][j]: digit j's primes (those <= l) -> the other primes of q_0..q_l, then P.
  std::vector<std::vector<BaseConverter>> modup;
  /// moddown[l]: P -> q_0..q_l.
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
