// Hybrid key-switching kernels (Han-Ki, CT-RSA 2020, Alg. 2-3): ModUp of a polynomial into
// dnum digits over Q_l * P_l, inner product with a switching key, ModDown by P_l. P_l is the part
// of the keys' special modulus P that level l needs (ParamsContext::p_used: all of P at the top of
// a chain, two or three primes near its bottom); ModUp decomposes c * (P / P_l)^-1 so that keys
// made with all of P switch correctly. Building blocks of Evaluator (relinearisation, rotations,
// hoisting).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "ckks/core/keys.h"
#include "ckks/core/params.h"
#include "ckks/ring/rns_poly.h"

namespace ola::ckks::detail {

/// ModUp: c (NTT form, level + 1 limbs) -> digits_at(level) polys over q_0..q_level, then the
/// p_used[level] first special primes (NTT form); digit j = the residues of c * (P / P_l)^-1 in
/// digit j's primes, extended by fast base conversion.
std::vector<RnsPoly> mod_up(const RnsPoly& c, int level, const Params& params);

/// (acc0, acc1) = sum_j digit_j[perm] * (key.b_j, key.a_j) over Q_level * P_l (NTT form; the
/// key's limbs of the special primes past P_l are not read); perm is
/// the NTT-domain Galois permutation applied to the digits on the fly (nullptr = identity).
/// With `accumulate`, adds the products to acc0 and acc1 (which must already have the level's
/// limbs over Q_level * P_l) instead of overwriting them.
void inner_product(const std::vector<RnsPoly>& digits, const SwitchingKey& key, int level, const Params& params,
                   const std::vector<std::uint32_t>* perm, RnsPoly& acc0, RnsPoly& acc1, bool accumulate = false);

/// ModDown of the two halves of a key-switching result: x over Q_level * P_l (NTT form) ->
/// round(x / P_l) over Q_level (NTT form), in place for x0 and x1 (each keeps level + 1 limbs
/// afterwards). @pre x0 and x1 are distinct.
void mod_down(RnsPoly& x0, RnsPoly& x1, int level, const Params& params);

/// Switches c (level 0: one limb, NTT form) with a Level0SwitchingKey: extends c centred from q_0
/// to p_0, multiplies by (b, a) over q_0 p_0 and divides by p_0 with rounding (centred):
/// returns (d0, d1) over q_0 (NTT form) with d0 + d1 s ~= c s'.
/// @throws ParamError as level0_key_moduli.
std::pair<RnsPoly, RnsPoly> level0_key_switch(const RnsPoly& c, const Level0SwitchingKey& key, const Params& params);

}  // namespace ola::ckks::detail
