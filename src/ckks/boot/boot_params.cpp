#include "ckks/boot/boot_params.h"

#include "ckks/core/errors.h"
#include "util/error.h"

namespace ola::ckks {

ParamsLiteral bootstrap_params_n16() {
  ParamsLiteral lit{.log_n = 16, .log_q = {48}, .log_p = {}, .dnum = 4, .log_default_scale = 40,
                    .secret = SecretDistribution::fixed_hamming, .hamming_weight = 192, .test_only = false};
  for (int i = 0; i < 10; ++i) lit.log_q.push_back(40);  // computation
  for (int b : {48, 48, 60}) lit.log_q.push_back(b);     // SlotToCoeff (applied top first)
  for (int i = 0; i < 9; ++i) lit.log_q.push_back(60);   // EvalMod
  for (int i = 0; i < 3; ++i) lit.log_q.push_back(60);   // CoeffToSlot
  for (int i = 0; i < 7; ++i) lit.log_p.push_back(61);
  return lit;
}

ParamsLiteral bootstrap_params_n16_deep() {
  ParamsLiteral lit = bootstrap_params_n16();
  lit.log_q.insert(lit.log_q.begin() + 1, 5, 40);  // 15 compute levels
  lit.log_p.assign(4, 61);                          // 31 primes in 8 digits of <= 4 x 60 bits
  lit.dnum = 8;
  return lit;
}

ParamsLiteral bootstrap_params_n16_dense() {
  ParamsLiteral lit = bootstrap_params_n16();
  lit.secret = SecretDistribution::uniform_ternary;
  return lit;
}

namespace {
/// `lit` (q_0, `compute` levels of 40 bits, 3 SlotToCoeff, EvalMod, CoeffToSlot primes) with a
/// uniform ternary secret and its first EvalMod prime turned into one more compute level: the
/// chain of bootstrap_literal_n16_dense_l11(), whose EvalMod is one level shorter.
ParamsLiteral dense_with_eval_mod_level_for_compute(ParamsLiteral lit, int compute) {
  lit.secret = SecretDistribution::uniform_ternary;
  lit.log_q.erase(lit.log_q.begin() + 1 + compute + 3);  // after q_0, computation, SlotToCoeff
  lit.log_q.insert(lit.log_q.begin() + 1, 40);
  return lit;
}
}  // namespace

ParamsLiteral bootstrap_params_n16_dense_l11() {
  return dense_with_eval_mod_level_for_compute(bootstrap_params_n16(), 10);  // 11 compute levels
}

ParamsLiteral bootstrap_params_n16_deep_dense() {
  return dense_with_eval_mod_level_for_compute(bootstrap_params_n16_deep(), 15);  // 16 compute levels
}

BootstrapLiteral bootstrap_literal_n16_dense_l11() {
  BootstrapLiteral b;
  b.eval_mod = EvalModLiteral{.k_range = 12, .double_angle = 3, .cos_degree = 31};
  b.ephemeral_hamming_weight = 32;
  return b;
}

ParamsLiteral bootstrap_test_params(int log_n) {
  if (log_n < 12 || log_n > 14) throw ParamError(ola::mismatch("bootstrap_test_params", "log_n", "12..14", log_n));
  ParamsLiteral lit{.log_n = log_n, .log_q = {50, 40, 40, 48, 60}, .log_p = {61, 61, 61, 61}, .dnum = 4,
                    .log_default_scale = 40, .secret = SecretDistribution::fixed_hamming,
                    .hamming_weight = 64, .test_only = true};
  for (int i = 0; i < 9; ++i) lit.log_q.push_back(60);
  for (int i = 0; i < 2; ++i) lit.log_q.push_back(60);
  return lit;
}

BootstrapLiteral bootstrap_test_literal() {
  BootstrapLiteral b;
  b.cts_levels = 2;
  b.stc_levels = 2;
  return b;
}

}  // namespace ola::ckks
