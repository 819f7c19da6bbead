// Parameter chains for bootstrapping: the proposed N = 2^16 set and small test-only sets
// (docs/bootstrapping.md explains every choice).
#pragma once

#include "ckks/boot/bootstrapper.h"
#include "ckks/core/params.h"

namespace ola::ckks {

/// The proposed N = 2^16 chain: q_0 48 bits (Delta / q_0 = 2^-8 for EvalMod), 10 compute
/// levels of 40 bits (scale 2^40), SlotToCoeff {48, 48, 60}, EvalMod 9 x 60, CoeffToSlot 3 x 60,
/// special primes 7 x 61 with dnum 4 (log QP ~ 1751 <= 1772, the HE-standard bound).
/// Secret: fixed Hamming weight h = 192 (K = 24 covers |I| <= 6 sigma). SECURITY CAVEAT: the
/// HE-standard table assumes uniform ternary secrets; see docs/bootstrapping.md.
ParamsLiteral bootstrap_params_n16();

/// The deep N = 2^16 chain, for circuits that need 15 levels between bootstraps (a conv and an
/// alpha = 13 composite ReLU of depth 14, MPCNN's "one bootstrap per convolution"): the same
/// q_0, SlotToCoeff, EvalMod and CoeffToSlot primes as bootstrap_params_n16(), 15 compute levels
/// of 40 bits, and the special primes cut to 4 x 61 with dnum 8 so that log QP = 1768 <= 1772.
/// The price of the depth: 8 key-switching digits instead of 4 (keys and key switching about
/// twice as large at the top level). Same sparse-secret caveat. Use with BootstrapLiteral{}.
ParamsLiteral bootstrap_params_n16_deep();

/// bootstrap_params_n16() with a uniform ternary secret: 128-bit by the HE-standard table
/// (log QP 1751 <= 1772) without the sparse-secret caveat. It bootstraps with sparse-secret
/// encapsulation (BootstrapLiteral::ephemeral_hamming_weight = 32: ModRaise under an ephemeral
/// secret), so the same chain and EvalMod range serve (he/io/param_sets.h, set "n16-dense").
ParamsLiteral bootstrap_params_n16_dense();

/// bootstrap_params_n16_dense() with one EvalMod prime turned into an 11th compute level: q_0 48,
/// 11 x 40, SlotToCoeff {48, 48, 60}, EvalMod 8 x 60, CoeffToSlot 3 x 60, special primes 7 x 61
/// with dnum 4 (log QP ~ 1731 <= 1772), uniform ternary secret. Bootstrap it with
/// bootstrap_literal_n16_dense_l11(): under the weight-32 ephemeral secret the raised
/// coefficients' integer parts stay within K = 12, so EvalMod needs one level less.
ParamsLiteral bootstrap_params_n16_dense_l11();
/// The bootstrapping of bootstrap_params_n16_dense_l11(): sparse-secret encapsulation with an
/// ephemeral secret of weight 32 and EvalMod with K = 12, r = 3 and a degree-31 series (depth 8,
/// one less than the K = 24, degree-63 default). docs/bootstrapping.md gives the failure rate.
BootstrapLiteral bootstrap_literal_n16_dense_l11();

/// The deep chain with the encapsulated bootstrapping of bootstrap_params_n16_dense_l11(): q_0 48,
/// 16 x 40 (n16-deep's 15 and the EvalMod prime K = 12 frees), SlotToCoeff {48, 48, 60}, EvalMod
/// 8 x 60, CoeffToSlot 3 x 60, special primes 4 x 61 with dnum 8 (31 primes, digits of 4 primes
/// <= 240 bits; log QP ~ 1748 <= 1772), uniform ternary secret: 128-bit by the HE-standard table
/// without the sparse-secret caveat. Bootstrap it with bootstrap_literal_n16_dense_l11().
ParamsLiteral bootstrap_params_n16_deep_dense();

/// Test-only chains (insecure, marked test_only) with the same layout for log_n = 12 or 13:
/// q_0 50, 2 compute levels of 40 bits, SlotToCoeff {48, 60}, EvalMod 9 x 60, CoeffToSlot 2 x 60,
/// h = 64. Use with bootstrap_test_literal(). @throws ParamError if log_n is not 12..14.
ParamsLiteral bootstrap_test_params(int log_n);
/// Two CoeffToSlot and two SlotToCoeff levels, default EvalMod (K = 24, r = 3, degree 63).
BootstrapLiteral bootstrap_test_literal();

}  // namespace ola::ckks
