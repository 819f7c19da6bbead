#include "ckks/lintrans/linear_transform.h"

#include <set>
#include <string>

#include "ckks/core/errors.h"
#include "util/error.h"

namespace ola::ckks {

LinearTransform encode_linear_transform(const Encoder& encoder, const DiagonalMatrix& m, const BsgsPlan& plan,
                                        int level, double scale) {
  validate(m);
  if (plan.dim != m.dim) throw Error(ola::mismatch("encode_linear_transform", "plan.dim", m.dim, plan.dim));
  LinearTransform lt;
  lt.plan = plan;
  lt.level = level;
  lt.scale = scale;
  lt.slots = static_cast<std::size_t>(m.dim);
  for (const auto& [g, babies] : plan.groups) {
    auto& row = lt.diagonals[g];
    for (int b : babies) {
      const ComplexVector d = prerotated_diagonal(m, g, b);
      row.emplace(b, encoder.encode(std::span<const Complex>(d), level, scale, lt.slots));
    }
  }
  return lt;
}

std::vector<int> rotation_steps(const LinearTransform& lt) { return rotation_set(lt.plan); }

Ciphertext apply_linear_transform(const Evaluator& evaluator, const Ciphertext& ct, const LinearTransform& lt) {
  if (ct.slots != lt.slots) {
    throw OperandError(ola::mismatch("apply_linear_transform", "ct.slots", lt.slots, ct.slots));
  }
  if (ct.level > lt.level) {
    throw OperandError(ola::mismatch("apply_linear_transform", "ct.level", "<= " + std::to_string(lt.level), ct.level));
  }
  const std::vector<int> baby = lt.plan.baby_steps();
  std::map<int, Ciphertext> rotated;
  if (!baby.empty()) {
    std::vector<Ciphertext> r = evaluator.rotate_hoisted(ct, baby);
    for (std::size_t i = 0; i < baby.size(); ++i) rotated.emplace(baby[i], std::move(r[i]));
  }
  // Giant steps summed with one ModDown (Evaluator::add_rotated).
  RotationSum result;
  std::vector<const Ciphertext*> terms;
  std::vector<const Plaintext*> pts;
  for (const auto& [g, row] : lt.diagonals) {
    // The giant step's inner sum as one fused product sum (Evaluator::mul_sum).
    terms.clear();
    pts.clear();
    for (const auto& [b, pt] : row) {
      terms.push_back(b == 0 ? &ct : &rotated.at(b));
      pts.push_back(&pt);
    }
    OLA_CHECK(!terms.empty(), "apply_linear_transform: giant step " << g << " without diagonals");
    evaluator.add_rotated(result, evaluator.mul_sum(terms, pts), g);
  }
  return evaluator.finish_rotations(std::move(result));  // refuses an empty transform
}

}  // namespace ola::ckks
