#include "ckks/boot/bootstrapper.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>
#include <string>

#include "ckks/boot/mod_raise.h"
#include "ckks/core/errors.h"
#include "ckks/poly/ciphertext_backend.h"
#include "util/keep_max.h"
#include "util/error.h"

namespace ola::ckks {

namespace {

/// Chebyshev coefficients on [-1, 1] of the monomial series sum_k a[k] x^k, using
/// x T_k = (T_(k+1) + T_|k-1|) / 2.
std::vector<double> monomial_to_chebyshev(const std::vector<double>& a) {
  const std::size_t d = a.size();
  std::vector<long double> result(d, 0.0L);
  std::vector<long double> power(d, 0.0L);  // x^k in the Chebyshev basis
  power[0] = 1.0L;
  for (std::size_t k = 0; k < d; ++k) {
    if (k > 0) {
      std::vector<long double> next(d, 0.0L);
      for (std::size_t j = 0; j < d; ++j) {
        if (power[j] == 0.0L) continue;
        if (j == 0) {
          next[1] += power[0];
        } else {
          if (j + 1 < d) next[j + 1] += power[j] / 2;
          next[j - 1] += power[j] / 2;
        }
      }
      power = next;
    }
    for (std::size_t j = 0; j < d; ++j) result[j] += a[k] * power[j];
  }
  return {result.begin(), result.end()};
}

std::vector<BsgsPlan> plans_of(const std::vector<DiagonalMatrix>& ms) {
  std::vector<BsgsPlan> plans;
  for (const auto& m : ms) plans.push_back(plan_bsgs(m));
  return plans;
}

std::vector<int> subsum_steps(std::size_t slots, std::size_t max_slots) {
  std::vector<int> steps;
  for (std::size_t s = slots; s < max_slots; s *= 2) steps.push_back(static_cast<int>(s));
  return steps;
}

}  // namespace

std::vector<int> bootstrap_rotation_steps(const Params& params, const BootstrapLiteral& literal,
                                          std::size_t slots) {
  const BootMatrices bm = make_boot_matrices(static_cast<int>(slots), static_cast<int>(params.max_slots()),
                                             literal.cts_levels, literal.stc_levels);
  std::set<int> steps;
  for (int s : subsum_steps(slots, params.max_slots())) steps.insert(s);
  for (const auto* list : {&bm.cts, &bm.stc}) {
    const auto plans = plans_of(*list);
    for (int s : rotation_set(plans)) steps.insert(s);
  }
  return {steps.begin(), steps.end()};
}

namespace {

/// The CoeffToSlot / SlotToCoeff factors of a bootstrap of `slots` slots with the level of each
/// list's first factor: CoeffToSlot's i-th at max_level - i, SlotToCoeff's i-th at
/// max_level - cts - EvalMod depth - i.
struct PlacedFactors {
  BootMatrices bm;
  int cts_first = 0;
  int stc_first = 0;
};

PlacedFactors placed_factors(const Params& params, const BootstrapLiteral& literal, std::size_t slots,
                             const char* where) {
  PlacedFactors f{make_boot_matrices(static_cast<int>(slots), static_cast<int>(params.max_slots()),
                                     literal.cts_levels, literal.stc_levels),
                  params.max_level(), 0};
  const int depth = literal.cts_levels + make_eval_mod(literal.eval_mod).depth() + literal.stc_levels;
  if (f.cts_first < depth) throw ParamError(ola::mismatch(where, "max_level", ">= depth " + std::to_string(depth), f.cts_first));
  f.stc_first = f.cts_first - depth + literal.stc_levels;
  return f;
}

}  // namespace

std::map<int, int> bootstrap_rotation_levels(const Params& params, const BootstrapLiteral& literal,
                                             std::size_t slots) {
  const PlacedFactors f = placed_factors(params, literal, slots, "bootstrap_rotation_levels");
  std::map<int, int> out;
  const auto use = [&out](int step, int level) { keep_max(out, step, level); };
  for (int s : subsum_steps(slots, params.max_slots())) use(s, f.cts_first);
  const auto factors = [&use](const std::vector<DiagonalMatrix>& ms, int first_level) {
    for (std::size_t i = 0; i < ms.size(); ++i) {
      for (int s : rotation_set(plan_bsgs(ms[i]))) use(s, first_level - static_cast<int>(i));
    }
  };
  factors(f.bm.cts, f.cts_first);
  factors(f.bm.stc, f.stc_first);
  return out;
}

double bootstrapper_matrix_bytes(const Params& params, const BootstrapLiteral& literal, std::size_t slots) {
  const PlacedFactors f = placed_factors(params, literal, slots, "bootstrapper_matrix_bytes");
  const auto bytes = [&params](const std::vector<DiagonalMatrix>& ms, int first_level) {
    double sum = 0.0;
    for (std::size_t i = 0; i < ms.size(); ++i) {
      std::size_t diagonals = 0;
      for (const auto& [giant, babies] : plan_bsgs(ms[i]).groups) diagonals += babies.size();
      const int level = first_level - static_cast<int>(i);
      sum += static_cast<double>(diagonals) * static_cast<double>(level + 1) * static_cast<double>(params.n()) * 8.0;
    }
    return sum;
  };
  return bytes(f.bm.cts, f.cts_first) + bytes(f.bm.stc, f.stc_first);
}

double Bootstrapper::matrix_bytes() const {
  double sum = 0.0;
  for (const auto* list : {&cts_, &stc_}) {
    for (const LinearTransform& lt : *list) {
      for (const auto& [giant, babies] : lt.diagonals) {
        for (const auto& [baby, pt] : babies) {
          sum += static_cast<double>(pt.poly.data.size()) * 8.0;
        }
      }
    }
  }
  return sum;
}

std::shared_ptr<const EncapsulationKeys> bootstrap_encapsulation_keys(const KeyGenerator& keygen,
                                                                       const BootstrapLiteral& literal) {
  if (literal.ephemeral_hamming_weight <= 0) return nullptr;
  return std::make_shared<const EncapsulationKeys>(keygen.encapsulation_keys(literal.ephemeral_hamming_weight));
}

Bootstrapper::Bootstrapper(const Evaluator& evaluator, const Encoder& encoder, BootstrapLiteral literal,
                           std::size_t slots, const Progress& progress)
    : evaluator_(evaluator), literal_(literal), slots_(slots) {
  const Params& params = evaluator.params();
  matrices_ = make_boot_matrices(static_cast<int>(slots), static_cast<int>(params.max_slots()), literal.cts_levels,
                                 literal.stc_levels);
  eval_mod_ = make_eval_mod(literal.eval_mod);
  cos_plan_ = plan_poly(eval_mod_.cos_series.coeffs);
  if (!eval_mod_.arcsine.empty()) arcsine_plan_ = plan_poly(monomial_to_chebyshev(eval_mod_.arcsine));
  const int top = params.max_level();
  if (top < depth()) {
    throw ParamError(ola::mismatch("Bootstrapper", "max_level", ">= depth " + std::to_string(depth()), top));
  }
  if (!evaluator.has_relin_key()) throw OperandError("Bootstrapper: relinearisation key: expected present, got none");
  if (!evaluator.has_conjugation_key()) throw OperandError("Bootstrapper: conjugation key: expected present, got none");
  if (literal.ephemeral_hamming_weight > 0) {
    const auto& enc = evaluator.keys().encapsulation;
    if (!enc) throw OperandError("Bootstrapper: encapsulation keys: expected present (ephemeral_hamming_weight > 0), got none");
    if (enc->hamming_weight != literal.ephemeral_hamming_weight) {
      throw OperandError(ola::mismatch("Bootstrapper", "hamming weight of the encapsulation keys",
                                       literal.ephemeral_hamming_weight, enc->hamming_weight));
    }
    if (enc->from_sparse.level != top) {
      throw OperandError(ola::mismatch("Bootstrapper", "level of the encapsulation key s_e -> s", top,
                                       enc->from_sparse.level));
    }
  }
  for (int s : bootstrap_rotation_steps(params, literal, slots)) {
    if (!evaluator.has_rotation_key(s)) {
      throw OperandError(ola::mismatch("Bootstrapper", "rotation key", "step " + std::to_string(s), "none"));
    }
  }

  const double q0 = static_cast<double>(params.q(0));
  const double k = literal.eval_mod.k_range;
  const double subsum = static_cast<double>(params.max_slots() / slots);
  raise_scale_ = q0 * k * subsum * static_cast<double>(kRaiseBoost);
  const int eval_level = top - literal.cts_levels;
  eval_scale_ = static_cast<double>(params.q(eval_level));
  const int stc_level = eval_level - eval_mod_.depth();
  eval_out_scale_ = CiphertextBackend(evaluator, eval_level, eval_scale_).target_scale(stc_level);

  const std::size_t total = matrices_.cts.size() + matrices_.stc.size();
  std::size_t done = 0;
  double sigma = raise_scale_;
  for (std::size_t i = 0; i < matrices_.cts.size(); ++i) {
    const int level = top - static_cast<int>(i);
    const double pt_scale = eval_scale_ * static_cast<double>(params.q(level)) / sigma;
    const auto& m = matrices_.cts[i];
    cts_.push_back(encode_linear_transform(encoder, m, plan_bsgs(m), level, pt_scale));
    sigma = eval_scale_;
    report(progress, ++done, total, "CoeffToSlot matrices");
  }
  // SlotToCoeff keeps its intermediate results at the scale q of its last level (not at the
  // output scale): the rotations' key-switching noise is then 2^(log q - log Delta) times smaller
  // relative to the message, and the last plaintext is still encoded at scale Delta.
  const double delta = params.default_scale();
  const int stc_count = static_cast<int>(matrices_.stc.size());
  const double stc_inner = static_cast<double>(params.q(stc_level - stc_count + 1));
  sigma = eval_out_scale_ * 2.0 * std::numbers::pi * delta / q0;
  for (int i = 0; i < stc_count; ++i) {
    const int level = stc_level - i;
    const double out_scale = i + 1 < stc_count ? stc_inner : delta;
    const double pt_scale = out_scale * static_cast<double>(params.q(level)) / sigma;
    const auto& m = matrices_.stc[static_cast<std::size_t>(i)];
    stc_.push_back(encode_linear_transform(encoder, m, plan_bsgs(m), level, pt_scale));
    stc_scales_.push_back(out_scale);
    sigma = out_scale;
    report(progress, ++done, total, "SlotToCoeff matrices");
  }
}

int Bootstrapper::depth() const { return literal_.cts_levels + eval_mod_.depth() + literal_.stc_levels; }

Ciphertext Bootstrapper::raise(const Ciphertext& ct) const {
  const Params& params = evaluator_.params();
  Ciphertext low = ct.level > 0 ? evaluator_.drop_to_level(ct, 0) : ct;
  const EncapsulationKeys* enc = literal_.ephemeral_hamming_weight > 0 ? evaluator_.keys().encapsulation.get() : nullptr;
  // Sparse-secret encapsulation (Bossuat et al. 2022, section 4): under the ephemeral s_e the
  // overflow I = round(<ct, s_e> / q_0) is as small as its Hamming weight makes it.
  if (enc) low = evaluator_.switch_key(low, enc->to_sparse);
  Ciphertext r = mod_raise(params, low, params.max_level());
  // Exact integer boost: the rotations of SubSum and of the first CoeffToSlot level (and the
  // switch back to the main secret) then add key-switching noise that is kRaiseBoost times
  // smaller relative to t.
  evaluator_.mul_integer_inplace(r, kRaiseBoost);
  if (enc) r = evaluator_.switch_key(r, enc->from_sparse);
  r.slots = params.max_slots();
  for (int s : subsum_steps(slots_, params.max_slots())) evaluator_.add_inplace(r, evaluator_.rotate(r, s));
  r.slots = static_cast<std::size_t>(matrices_.dim);
  r.scale = raise_scale_;
  return r;
}

std::vector<Ciphertext> Bootstrapper::coeff_to_slot(const Ciphertext& raised) const {
  Ciphertext u = raised;
  for (const auto& lt : cts_) {
    u = apply_linear_transform(evaluator_, u, lt);
    evaluator_.rescale_inplace(u);
    u.scale = eval_scale_;
  }
  const Ciphertext uc = evaluator_.conjugate(u);
  if (matrices_.sparse) return {evaluator_.add(u, uc)};
  const auto n = static_cast<std::int64_t>(evaluator_.params().n());
  Ciphertext im = evaluator_.sub(u, uc);
  evaluator_.mul_monomial_inplace(im, 3 * n / 2);  // times -i
  return {evaluator_.add(u, uc), std::move(im)};
}

Ciphertext Bootstrapper::eval_mod_ct(const Ciphertext& x) const {
  CiphertextBackend be(evaluator_, x.level, x.scale);
  Ciphertext y = evaluate(be, x, cos_plan_);
  for (int i = 0; i < literal_.eval_mod.double_angle; ++i) {
    const Ciphertext sq = be.mul(y, y);
    y = be.add_const(be.mul_int(sq, 2), -1.0);
  }
  if (!eval_mod_.arcsine.empty()) y = evaluate(be, y, arcsine_plan_);
  return y;
}

Ciphertext Bootstrapper::slot_to_coeff(const std::vector<Ciphertext>& y, double input_scale) const {
  const Params& params = evaluator_.params();
  Ciphertext x = y.at(0);
  if (y.size() == 2) {
    Ciphertext im = evaluator_.mul_monomial(y[1], static_cast<std::int64_t>(params.n() / 2));  // times i
    evaluator_.add_inplace(x, im);
  }
  const double delta = params.default_scale();
  x.scale = eval_out_scale_ * 2.0 * std::numbers::pi * delta / static_cast<double>(params.q(0));
  for (std::size_t i = 0; i < stc_.size(); ++i) {
    x = apply_linear_transform(evaluator_, x, stc_[i]);
    evaluator_.rescale_inplace(x);
    x.scale = stc_scales_[i];
  }
  x.scale = input_scale;
  x.slots = slots_;
  return x;
}

Ciphertext Bootstrapper::bootstrap(const Ciphertext& ct) const {
  if (ct.slots < slots_ || ct.slots % slots_ != 0) {
    throw OperandError(ola::mismatch("Bootstrapper::bootstrap", "ct.slots", "a multiple of " + std::to_string(slots_),
                                     ct.slots));
  }
  if (ct.degree() != 1) throw OperandError(ola::mismatch("Bootstrapper::bootstrap", "ct.degree", 1, ct.degree()));
  const std::vector<Ciphertext> u = coeff_to_slot(raise(ct));
  std::vector<Ciphertext> v;
  for (const auto& c : u) v.push_back(eval_mod_ct(c));
  Ciphertext out = slot_to_coeff(v, ct.scale);
  out.slots = ct.slots;  // period slots_ read as ct.slots slots: the same polynomial
  return out;
}

std::pair<Ciphertext, Ciphertext> Bootstrapper::bootstrap_real_pair(const Ciphertext& a, const Ciphertext& b) const {
  const auto n = static_cast<std::int64_t>(evaluator_.params().n());
  if (a.level != b.level) {
    throw OperandError(ola::mismatch("Bootstrapper::bootstrap_real_pair", "b.level", a.level, b.level));
  }
  Ciphertext bb = b;
  evaluator_.mul_monomial_inplace(bb, n / 2);  // i b
  const Ciphertext c = bootstrap(evaluator_.add(a, bb));
  const Ciphertext cc = evaluator_.conjugate(c);
  Ciphertext re = evaluator_.add(c, cc);
  Ciphertext im = evaluator_.sub(c, cc);
  evaluator_.mul_monomial_inplace(im, 3 * n / 2);  // times -i
  re.scale *= 2.0;
  im.scale *= 2.0;
  return {std::move(re), std::move(im)};
}

}  // namespace ola::ckks
