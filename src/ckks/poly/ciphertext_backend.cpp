#include "ckks/poly/ciphertext_backend.h"

#include <cmath>
#include <string>

#include "ckks/core/errors.h"
#include "util/error.h"

namespace ola::ckks {

CiphertextBackend::CiphertextBackend(const Evaluator& evaluator, int input_level, double input_scale)
    : ev_(evaluator), input_level_(input_level) {
  const int max_level = evaluator.params().max_level();
  if (input_level < 0 || input_level > max_level) {
    throw OperandError(
        ola::mismatch("CiphertextBackend", "input_level", "0.." + std::to_string(max_level), input_level));
  }
  if (!(input_scale > 0) || !std::isfinite(input_scale)) {
    throw OperandError(ola::mismatch("CiphertextBackend", "input_scale", "> 0", input_scale));
  }
  targets_.assign(static_cast<std::size_t>(input_level) + 1, 0.0);
  targets_[static_cast<std::size_t>(input_level)] = input_scale;
  for (int l = input_level; l >= 1; --l) {
    const double s = targets_[static_cast<std::size_t>(l)];
    targets_[static_cast<std::size_t>(l) - 1] = s * s / static_cast<double>(evaluator.params().q(l));
  }
}

double CiphertextBackend::target_scale(int level) const {
  OLA_CHECK(level >= 0 && level <= input_level_, "CiphertextBackend::target_scale: level " << level);
  return targets_[static_cast<std::size_t>(level)];
}

Ciphertext CiphertextBackend::align(const Ciphertext& a, int level) const {
  OLA_CHECK(level <= a.level && level >= 0, "CiphertextBackend::align: level " << level << " of " << a.level);
  if (a.level == level) return a;
  Ciphertext b = ev_.drop_to_level(a, level + 1);
  const double q = static_cast<double>(ev_.params().q(level + 1));
  ev_.mul_const_inplace(b, 1.0, target_scale(level) * q / b.scale);
  ev_.rescale_inplace(b);
  b.scale = target_scale(level);
  return b;
}

Ciphertext CiphertextBackend::mul(const Value& a, const Value& b) {
  const int l = std::min(a.level, b.level);
  if (l < 1) throw OperandError(ola::mismatch("CiphertextBackend::mul", "level", ">= 1", l));
  Ciphertext r;
  if (&a == &b) {
    r = ev_.square(align(a, l));
  } else {
    r = ev_.mul(align(a, l), align(b, l));
  }
  ev_.rescale_inplace(r);
  r.scale = target_scale(l - 1);
  return r;
}

Ciphertext CiphertextBackend::mul_const(const Value& a, double c) {
  if (a.level < 1) throw OperandError(ola::mismatch("CiphertextBackend::mul_const", "level", ">= 1", a.level));
  Ciphertext r = a;
  double rest = c;
  if (std::abs(c) > 1.0) {
    const long k = static_cast<long>(std::ceil(std::abs(c)));
    ev_.mul_integer_inplace(r, k);
    rest = c / static_cast<double>(k);
  }
  const double q = static_cast<double>(ev_.params().q(a.level));
  ev_.mul_const_inplace(r, rest, target_scale(a.level - 1) * q / a.scale);
  ev_.rescale_inplace(r);
  r.scale = target_scale(a.level - 1);
  return r;
}

Ciphertext CiphertextBackend::mul_int(const Value& a, long k) { return ev_.mul_integer(a, k); }

Ciphertext CiphertextBackend::add(const Value& a, const Value& b) {
  const int l = std::min(a.level, b.level);
  return ev_.add(align(a, l), align(b, l));
}

Ciphertext CiphertextBackend::sub(const Value& a, const Value& b) {
  const int l = std::min(a.level, b.level);
  return ev_.sub(align(a, l), align(b, l));
}

Ciphertext CiphertextBackend::add_const(const Value& a, double c) { return ev_.add_const(a, c); }

Ciphertext CiphertextBackend::const_value(double c) {
  throw Error(ola::mismatch("CiphertextBackend", "polynomial", "degree >= 1", "the constant " + std::to_string(c)));
}

Ciphertext evaluate_poly(const Evaluator& evaluator, const Ciphertext& ct, const PolyPlan& plan) {
  if (ct.level < plan.depth) {
    throw OperandError(ola::mismatch("evaluate_poly", "ct.level", ">= depth " + std::to_string(plan.depth), ct.level));
  }
  CiphertextBackend be(evaluator, ct.level, ct.scale);
  return evaluate(be, ct, plan);
}

Ciphertext evaluate_poly_composite(const Evaluator& evaluator, const Ciphertext& ct,
                                   std::span<const PolyPlan> plans) {
  int depth = 0;
  for (const auto& p : plans) depth += p.depth;
  if (ct.level < depth) {
    throw OperandError(
        ola::mismatch("evaluate_poly_composite", "ct.level", ">= depth " + std::to_string(depth), ct.level));
  }
  CiphertextBackend be(evaluator, ct.level, ct.scale);
  return evaluate_composite(be, ct, plans);
}

}  // namespace ola::ckks
