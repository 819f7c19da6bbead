// NTT/coefficient conversions and Galois automorphisms of RnsPoly and Ciphertext under a Params
// (limbs 0..level are q_0..q_level, optionally followed by the special primes p_0..p_{k-1}).
#pragma once

#include <cstdint>
#include <vector>

#include "ckks/core/ciphertext.h"
#include "ckks/core/params.h"
#include "ckks/ring/rns_poly.h"

namespace ola::ckks {

/// Forward / inverse NTT of the first `q_limbs` limbs (modulo q_0..) and, if with_p, of the
/// next p_count() limbs (modulo p_0..). OpenMP over limbs.
/// @pre a has at least q_limbs (+ p_count() if with_p) limbs of degree N.
void to_ntt(RnsPoly& a, const Params& params, std::size_t q_limbs, bool with_p = false);
void to_coeff(RnsPoly& a, const Params& params, std::size_t q_limbs, bool with_p = false);

/// Converts every part of ct between NTT and coefficient form (no-op if already there).
void to_ntt_inplace(Ciphertext& ct, const Params& params);
void to_coeff_inplace(Ciphertext& ct, const Params& params);

/// NTT-domain permutation of X -> X^g: out[i] = in[perm[i]]. @pre g odd, < 2N.
std::vector<std::uint32_t> galois_permutation_ntt(std::size_t n, std::uint64_t galois_element);
/// Applies X -> X^g to the first `limbs` limbs of an NTT-form poly (out must not alias in).
void apply_galois_ntt(const RnsPoly& in, RnsPoly& out, std::size_t limbs, const std::vector<std::uint32_t>& perm);
/// Applies X -> X^g to the first `limbs` limbs of a coefficient-form poly (out must not alias in).
void apply_galois_coeff(const RnsPoly& in, RnsPoly& out, std::size_t limbs, std::uint64_t galois_element,
                        std::span<const Modulus> mods);

}  // namespace ola::ckks
