#include "ckks/core/evaluator.h"

#include <cmath>
#include <memory>
#include <sstream>

#include "ckks/core/errors.h"
#include "ckks/core/key_switch.h"
#include "ckks/core/params_context.h"
#include "ckks/core/poly_transform.h"
#include "ckks/ring/threads.h"

namespace ola::ckks {

namespace {

std::string num(double x) {
  std::ostringstream os;
  os.precision(17);
  os << x;
  return os.str();
}

void check_ct(const Params& params, const Ciphertext& a, const char* where, bool allow_degree2 = false) {
  if (a.parts.size() < 2 || a.parts.size() > (allow_degree2 ? 3u : 2u)) {
    throw OperandError(ola::mismatch(where, "ciphertext degree", allow_degree2 ? "1 or 2" : "1",
                                     a.parts.empty() ? 0 : a.parts.size() - 1));
  }
  if (!a.ntt) throw OperandError(ola::mismatch(where, "ciphertext form", "NTT", "coefficient"));
  if (a.level < 0 || a.level > params.max_level()) {
    throw OperandError(ola::mismatch(where, "level", "0.." + std::to_string(params.max_level()), a.level));
  }
  for (const auto& p : a.parts) {
    if (p.limbs != a.limbs() || p.n != params.n()) {
      throw OperandError(ola::mismatch(where, "part limbs x N", std::to_string(a.limbs()) + " x " + std::to_string(params.n()),
                                       std::to_string(p.limbs) + " x " + std::to_string(p.n)));
    }
  }
}

void check_pt(const Params& params, const Plaintext& p, int level, const char* where) {
  if (!p.ntt) throw OperandError(ola::mismatch(where, "plaintext form", "NTT", "coefficient"));
  if (p.level < level) {
    throw OperandError(ola::mismatch(where, "plaintext level", ">= " + std::to_string(level) + " (ciphertext)", p.level));
  }
  if (p.poly.limbs != static_cast<std::size_t>(p.level) + 1 || p.poly.n != params.n()) {
    throw OperandError(ola::mismatch(where, "plaintext limbs", p.level + 1, p.poly.limbs));
  }
}

void check_level(int a, int b, const char* where) {
  if (a != b) {
    throw OperandError(ola::mismatch(where, "level", std::to_string(a) + " (first operand)",
                                     std::to_string(b) + " (second operand)"));
  }
}

/// @throws OperandError if two ciphertexts come from different key pairs (both ids known).
void check_key_ids(const KeyId& a, const KeyId& b, const char* where) {
  if (!compatible(a, b)) {
    throw OperandError(ola::mismatch(where, "key pair", a.hex() + " (first operand)", b.hex() + " (second operand)"));
  }
}

/// Checks that `key` (of key pair `key_id`) may switch `a`: same key pair, and made for a level
/// >= a.level. @throws OperandError naming `what` otherwise.
void check_switching_key(const Ciphertext& a, const SwitchingKey& key, const KeyId& key_id, const std::string& what,
                         const char* where) {
  if (!compatible(a.key_id, key_id)) {
    throw OperandError(ola::mismatch(where, "key pair of the " + what, a.key_id.hex() + " (the ciphertext's)",
                                     key_id.hex() + " (another key pair)"));
  }
  if (key.level < a.level) {
    throw OperandError(ola::mismatch(where, "level of the " + what,
                                     ">= " + std::to_string(a.level) + " (the ciphertext's level)",
                                     std::to_string(key.level) + " (key made for levels 0.." + std::to_string(key.level) +
                                         "; drop the ciphertext to it or make the key at a higher level)"));
  }
}

void check_slots(std::size_t a, std::size_t b, const char* where) {
  if (a != b) {
    throw OperandError(ola::mismatch(where, "slots", std::to_string(a) + " (first operand)",
                                     std::to_string(b) + " (second operand)"));
  }
}

/// Signed integer v mod each q_i as a vector.
std::vector<u64> residues(std::int64_t v, const Params& params, std::size_t limbs) {
  std::vector<u64> r(limbs);
  for (std::size_t i = 0; i < limbs; ++i) r[i] = from_signed(v, params.q_moduli()[i]);
  return r;
}

/// Rounds c * scale to a signed 64-bit integer. @throws OperandError if it does not fit.
std::int64_t scaled_int(double c, double scale, const char* where) {
  const double v = std::nearbyint(c * scale);
  if (!std::isfinite(v) || std::fabs(v) >= 0x1p62) {
    throw OperandError(ola::mismatch(where, "constant * scale", "|x| < 2^62", num(c) + " * " + num(scale)));
  }
  return static_cast<std::int64_t>(v);
}

/// NTT values of the constant a + b X^(N/2) modulo q: first half a + b*I, second half a - b*I,
/// I = psi^(N/2) (the NTT index i holds X^(N/2) -> I^(2 brv(i) + 1) = +-I, + for i < N/2).
std::pair<u64, u64> complex_const_ntt(std::int64_t a, std::int64_t b, const Params& params, std::size_t i) {
  const Modulus& m = params.q_moduli()[i];
  const u64 big_i = pow_mod(params.q_ntt(i).psi(), params.n() / 2, m);
  const u64 ar = from_signed(a, m), br = from_signed(b, m);
  const u64 bi = mul_mod(br, big_i, m);
  return {add_mod(ar, bi, m.value), sub_mod(ar, bi, m.value)};
}

}  // namespace

Evaluator::Evaluator(Params params, EvaluationKeys keys, EvaluatorOptions options)
    : params_(std::move(params)), keys_(std::move(keys)), options_(options) {
  if (keys_.relin && keys_.relin->params_fingerprint != params_.fingerprint()) {
    throw OperandError(ola::mismatch("Evaluator", "relin key parameters", params_.fingerprint(),
                                     keys_.relin->params_fingerprint));
  }
  if (keys_.galois && keys_.galois->params_fingerprint != params_.fingerprint()) {
    throw OperandError(ola::mismatch("Evaluator", "Galois key parameters", params_.fingerprint(),
                                     keys_.galois->params_fingerprint));
  }
  if (keys_.encapsulation && keys_.encapsulation->params_fingerprint != params_.fingerprint()) {
    throw OperandError(ola::mismatch("Evaluator", "encapsulation key parameters", params_.fingerprint(),
                                     keys_.encapsulation->params_fingerprint));
  }
  if (keys_.relin && keys_.encapsulation && !compatible(keys_.relin->key_id, keys_.encapsulation->key_id)) {
    throw OperandError(ola::mismatch("Evaluator", "key pair of the encapsulation keys",
                                     keys_.relin->key_id.hex() + " (relin key's)", keys_.encapsulation->key_id.hex()));
  }
  if (keys_.relin && keys_.galois && !compatible(keys_.relin->key_id, keys_.galois->key_id)) {
    throw OperandError(ola::mismatch("Evaluator", "key pair of the Galois keys", keys_.relin->key_id.hex() + " (relin key's)",
                                     keys_.galois->key_id.hex()));
  }
  auto perms = std::make_shared<std::map<std::uint64_t, std::vector<std::uint32_t>>>();
  if (keys_.galois) {
    for (const auto& [g, key] : keys_.galois->keys) (*perms)[g] = galois_permutation_ntt(params_.n(), g);
  }
  galois_perms_ = std::move(perms);
}

const std::vector<std::uint32_t>& Evaluator::galois_permutation(std::uint64_t g,
                                                                 std::vector<std::uint32_t>& scratch) const {
  const auto it = galois_perms_->find(g);
  if (it != galois_perms_->end()) return it->second;
  scratch = galois_permutation_ntt(params_.n(), g);
  return scratch;
}

bool Evaluator::has_rotation_key(int step) const {
  const std::uint64_t g = galois_element_for_step(params_, step);
  return g == 1 || (keys_.galois && keys_.galois->has(g));
}

bool Evaluator::has_conjugation_key() const {
  return keys_.galois && keys_.galois->has(galois_element_conjugate(params_));
}

// ---------------------------------------------------------------- additions

namespace {
void check_scale(double a, double b, double tol, const char* where) {
  if (std::fabs(a - b) > tol * std::max(std::fabs(a), std::fabs(b))) {
    throw OperandError(ola::mismatch(where, "scale", num(a) + " (first operand)", num(b) + " (second operand)"));
  }
}
}  // namespace

void Evaluator::add_inplace(Ciphertext& a, const Ciphertext& b) const {
  const char* where = "Evaluator::add";
  check_ct(params_, a, where, true);
  check_ct(params_, b, where, true);
  check_level(a.level, b.level, where);
  check_slots(a.slots, b.slots, where);
  check_scale(a.scale, b.scale, options_.scale_tolerance, where);
  check_key_ids(a.key_id, b.key_id, where);
  a.key_id = merged(a.key_id, b.key_id);
  const auto mods = params_.q_moduli();
  if (a.parts.size() < b.parts.size()) a.parts.resize(b.parts.size(), RnsPoly(params_.n(), a.limbs()));
  for (std::size_t k = 0; k < b.parts.size(); ++k) poly_add(a.parts[k], b.parts[k], a.parts[k], mods, a.limbs());
}

void Evaluator::sub_inplace(Ciphertext& a, const Ciphertext& b) const {
  const char* where = "Evaluator::sub";
  check_ct(params_, a, where, true);
  check_ct(params_, b, where, true);
  check_level(a.level, b.level, where);
  check_slots(a.slots, b.slots, where);
  check_scale(a.scale, b.scale, options_.scale_tolerance, where);
  check_key_ids(a.key_id, b.key_id, where);
  a.key_id = merged(a.key_id, b.key_id);
  const auto mods = params_.q_moduli();
  if (a.parts.size() < b.parts.size()) a.parts.resize(b.parts.size(), RnsPoly(params_.n(), a.limbs()));
  for (std::size_t k = 0; k < b.parts.size(); ++k) poly_sub(a.parts[k], b.parts[k], a.parts[k], mods, a.limbs());
}

void Evaluator::add_inplace(Ciphertext& a, const Plaintext& b) const {
  const char* where = "Evaluator::add(plain)";
  check_ct(params_, a, where, true);
  check_pt(params_, b, a.level, where);
  check_slots(a.slots, b.slots, where);
  check_scale(a.scale, b.scale, options_.scale_tolerance, where);
  poly_add(a.parts[0], b.poly, a.parts[0], params_.q_moduli(), a.limbs());
}

void Evaluator::sub_inplace(Ciphertext& a, const Plaintext& b) const {
  const char* where = "Evaluator::sub(plain)";
  check_ct(params_, a, where, true);
  check_pt(params_, b, a.level, where);
  check_slots(a.slots, b.slots, where);
  check_scale(a.scale, b.scale, options_.scale_tolerance, where);
  poly_sub(a.parts[0], b.poly, a.parts[0], params_.q_moduli(), a.limbs());
}

void Evaluator::add_const_inplace(Ciphertext& a, std::complex<double> c) const {
  const char* where = "Evaluator::add_const";
  check_ct(params_, a, where, true);
  const std::int64_t re = scaled_int(c.real(), a.scale, where);
  const std::int64_t im = scaled_int(c.imag(), a.scale, where);
  const std::size_t n = params_.n();
  for (std::size_t i = 0; i < a.limbs(); ++i) {
    const auto [lo, hi] = complex_const_ntt(re, im, params_, i);
    const u64 q = params_.q(i);
    u64* x = a.parts[0].limb(i);
    for (std::size_t j = 0; j < n / 2; ++j) x[j] = add_mod(x[j], lo, q);
    for (std::size_t j = n / 2; j < n; ++j) x[j] = add_mod(x[j], hi, q);
  }
}

void Evaluator::negate_inplace(Ciphertext& a) const {
  check_ct(params_, a, "Evaluator::negate", true);
  for (auto& p : a.parts) poly_neg(p, p, params_.q_moduli(), a.limbs());
}

Ciphertext Evaluator::add(const Ciphertext& a, const Ciphertext& b) const {
  Ciphertext r = a;
  add_inplace(r, b);
  return r;
}
Ciphertext Evaluator::sub(const Ciphertext& a, const Ciphertext& b) const {
  Ciphertext r = a;
  sub_inplace(r, b);
  return r;
}
Ciphertext Evaluator::add(const Ciphertext& a, const Plaintext& b) const {
  Ciphertext r = a;
  add_inplace(r, b);
  return r;
}
Ciphertext Evaluator::sub(const Ciphertext& a, const Plaintext& b) const {
  Ciphertext r = a;
  sub_inplace(r, b);
  return r;
}
Ciphertext Evaluator::add_const(const Ciphertext& a, std::complex<double> c) const {
  Ciphertext r = a;
  add_const_inplace(r, c);
  return r;
}
Ciphertext Evaluator::negate(const Ciphertext& a) const {
  Ciphertext r = a;
  negate_inplace(r);
  return r;
}

// ---------------------------------------------------------------- multiplications

Ciphertext Evaluator::mul_no_relin(const Ciphertext& a, const Ciphertext& b) const {
  const char* where = "Evaluator::mul";
  check_ct(params_, a, where);
  check_ct(params_, b, where);
  check_level(a.level, b.level, where);
  check_slots(a.slots, b.slots, where);
  check_key_ids(a.key_id, b.key_id, where);
  const auto mods = params_.q_moduli();
  const std::size_t limbs = a.limbs();
  const std::size_t n = params_.n();
  Ciphertext r;
  r.key_id = merged(a.key_id, b.key_id);
  r.level = a.level;
  r.scale = a.scale * b.scale;
  r.slots = a.slots;
  r.parts.clear();
  for (int part = 0; part < 3; ++part) r.parts.push_back(RnsPoly::uninitialized(n, limbs));  // all written below
  const bool same = &a == &b || a.parts == b.parts;
#pragma omp parallel for num_threads(threads()) if (limbs > 1 && threads() > 1)
  for (std::size_t i = 0; i < limbs; ++i) {
    const Modulus m = mods[i];
    const u64 *a0 = a.parts[0].limb(i), *a1 = a.parts[1].limb(i);
    const u64 *b0 = b.parts[0].limb(i), *b1 = b.parts[1].limb(i);
    u64 *r0 = r.parts[0].limb(i), *r1 = r.parts[1].limb(i), *r2 = r.parts[2].limb(i);
    if (same) {
      for (std::size_t j = 0; j < n; ++j) {
        r0[j] = mul_mod(a0[j], a0[j], m);
        r1[j] = reduce_128(2 * (static_cast<u128>(a0[j]) * a1[j]), m);
        r2[j] = mul_mod(a1[j], a1[j], m);
      }
    } else {
      for (std::size_t j = 0; j < n; ++j) {
        r0[j] = mul_mod(a0[j], b0[j], m);
        r1[j] = reduce_128(static_cast<u128>(a0[j]) * b1[j] + static_cast<u128>(a1[j]) * b0[j], m);
        r2[j] = mul_mod(a1[j], b1[j], m);
      }
    }
  }
  return r;
}

Ciphertext Evaluator::relinearize(const Ciphertext& a) const {
  const char* where = "Evaluator::relinearize";
  check_ct(params_, a, where, true);
  if (a.parts.size() == 2) return a;
  if (!keys_.relin) throw OperandError(ola::mismatch(where, "relinearisation key", "present", "missing"));
  check_switching_key(a, keys_.relin->key, keys_.relin->key_id, "relinearisation key", where);
  auto [d0, d1] = key_switch(a.parts[2], a.level, keys_.relin->key);
  Ciphertext r;
  r.key_id = a.key_id;
  r.level = a.level;
  r.scale = a.scale;
  r.slots = a.slots;
  r.parts = {a.parts[0], a.parts[1]};
  const auto mods = params_.q_moduli();
  poly_add(r.parts[0], d0, r.parts[0], mods, r.limbs());
  poly_add(r.parts[1], d1, r.parts[1], mods, r.limbs());
  return r;
}

void Evaluator::relinearize_inplace(Ciphertext& a) const { a = relinearize(a); }

Ciphertext Evaluator::mul(const Ciphertext& a, const Ciphertext& b) const {
  if (!keys_.relin) throw OperandError(ola::mismatch("Evaluator::mul", "relinearisation key", "present", "missing"));
  return relinearize(mul_no_relin(a, b));
}
void Evaluator::mul_inplace(Ciphertext& a, const Ciphertext& b) const { a = mul(a, b); }
Ciphertext Evaluator::square(const Ciphertext& a) const { return mul(a, a); }
void Evaluator::square_inplace(Ciphertext& a) const { a = mul(a, a); }

void Evaluator::mul_inplace(Ciphertext& a, const Plaintext& b) const {
  const char* where = "Evaluator::mul(plain)";
  check_ct(params_, a, where, true);
  check_pt(params_, b, a.level, where);
  check_slots(a.slots, b.slots, where);
  for (auto& p : a.parts) poly_mul(p, b.poly, p, params_.q_moduli(), a.limbs());
  a.scale *= b.scale;
}
Ciphertext Evaluator::mul(const Ciphertext& a, const Plaintext& b) const {
  Ciphertext r = a;
  mul_inplace(r, b);
  return r;
}

Ciphertext Evaluator::mul_sum(std::span<const Ciphertext* const> cts, std::span<const Plaintext* const> pts) const {
  const char* where = "Evaluator::mul_sum";
  if (cts.empty() || cts.size() != pts.size()) {
    throw OperandError(ola::mismatch(where, "terms", "as many plaintexts as ciphertexts, >= 1",
                                     std::to_string(cts.size()) + " ciphertexts, " + std::to_string(pts.size()) +
                                         " plaintexts"));
  }
  const Ciphertext& first = *cts[0];
  const double scale = first.scale * pts[0]->scale;
  for (std::size_t k = 0; k < cts.size(); ++k) {
    check_ct(params_, *cts[k], where);
    check_pt(params_, *pts[k], first.level, where);
    check_level(first.level, cts[k]->level, where);
    check_slots(first.slots, cts[k]->slots, where);
    check_slots(first.slots, pts[k]->slots, where);
    check_key_ids(first.key_id, cts[k]->key_id, where);
    const double s = cts[k]->scale * pts[k]->scale;
    if (!(std::fabs(s - scale) < 0x1p-40 * scale)) {
      throw OperandError(ola::mismatch(where, "scale of term " + std::to_string(k), num(scale) + " (term 0)", num(s)));
    }
  }
  Ciphertext r{{}, first.level, scale, first.slots, true, first.key_id};
  for (std::size_t part = 0; part < first.parts.size(); ++part) {
    r.parts.push_back(RnsPoly::uninitialized(params_.n(), first.limbs()));  // written by the inner product
  }
  std::vector<const RnsPoly*> a(cts.size()), b(cts.size());
  for (std::size_t part = 0; part < r.parts.size(); ++part) {
    for (std::size_t k = 0; k < cts.size(); ++k) {
      a[k] = &cts[k]->parts[part];
      b[k] = &pts[k]->poly;
    }
    poly_inner_product(a, b, r.parts[part], params_.q_moduli(), r.limbs());
  }
  return r;
}

void Evaluator::mul_integer_inplace(Ciphertext& a, std::int64_t k) const {
  check_ct(params_, a, "Evaluator::mul_integer", true);
  const auto r = residues(k, params_, a.limbs());
  for (auto& p : a.parts) poly_mul_scalar(p, r, p, params_.q_moduli(), a.limbs());
}
Ciphertext Evaluator::mul_integer(const Ciphertext& a, std::int64_t k) const {
  Ciphertext r = a;
  mul_integer_inplace(r, k);
  return r;
}

void Evaluator::mul_const_inplace(Ciphertext& a, double c, double const_scale) const {
  const char* where = "Evaluator::mul_const";
  check_ct(params_, a, where, true);
  if (!(const_scale > 0) || !std::isfinite(const_scale)) {
    throw OperandError(ola::mismatch(where, "const_scale", "positive and finite", num(const_scale)));
  }
  const auto r = residues(scaled_int(c, const_scale, where), params_, a.limbs());
  for (auto& p : a.parts) poly_mul_scalar(p, r, p, params_.q_moduli(), a.limbs());
  a.scale *= const_scale;
}
Ciphertext Evaluator::mul_const(const Ciphertext& a, double c, double const_scale) const {
  Ciphertext r = a;
  mul_const_inplace(r, c, const_scale);
  return r;
}

void Evaluator::mul_const_inplace(Ciphertext& a, std::complex<double> c, double const_scale) const {
  const char* where = "Evaluator::mul_const";
  check_ct(params_, a, where, true);
  if (!(const_scale > 0) || !std::isfinite(const_scale)) {
    throw OperandError(ola::mismatch(where, "const_scale", "positive and finite", num(const_scale)));
  }
  const std::int64_t re = scaled_int(c.real(), const_scale, where);
  const std::int64_t im = scaled_int(c.imag(), const_scale, where);
  const std::size_t n = params_.n();
  for (std::size_t i = 0; i < a.limbs(); ++i) {
    const auto [lo, hi] = complex_const_ntt(re, im, params_, i);
    const u64 q = params_.q(i);
    const u64 lo_s = shoup(lo, q), hi_s = shoup(hi, q);
    for (auto& p : a.parts) {
      u64* x = p.limb(i);
      for (std::size_t j = 0; j < n / 2; ++j) x[j] = mul_shoup(x[j], lo, lo_s, q);
      for (std::size_t j = n / 2; j < n; ++j) x[j] = mul_shoup(x[j], hi, hi_s, q);
    }
  }
  a.scale *= const_scale;
}
Ciphertext Evaluator::mul_const(const Ciphertext& a, std::complex<double> c, double const_scale) const {
  Ciphertext r = a;
  mul_const_inplace(r, c, const_scale);
  return r;
}

void Evaluator::mul_monomial_inplace(Ciphertext& a, std::int64_t k) const {
  check_ct(params_, a, "Evaluator::mul_monomial", true);
  const std::size_t n = params_.n();
  const auto two_n = static_cast<std::int64_t>(2 * n);
  const std::int64_t e = ((k % two_n) + two_n) % two_n;
  for (auto& p : a.parts) {
    to_coeff(p, params_, a.limbs());
    RnsPoly out(n, a.limbs());
    for (std::size_t i = 0; i < a.limbs(); ++i) {
      const u64 q = params_.q(i);
      const u64* x = p.limb(i);
      u64* y = out.limb(i);
      for (std::size_t j = 0; j < n; ++j) {
        const auto t = static_cast<std::size_t>((static_cast<std::int64_t>(j) + e) % two_n);
        if (t < n) {
          y[t] = x[j];
        } else {
          y[t - n] = x[j] == 0 ? 0 : q - x[j];
        }
      }
    }
    to_ntt(out, params_, a.limbs());
    p = std::move(out);
  }
}
Ciphertext Evaluator::mul_monomial(const Ciphertext& a, std::int64_t k) const {
  Ciphertext r = a;
  mul_monomial_inplace(r, k);
  return r;
}

// ---------------------------------------------------------------- levels

namespace {
/// r = round(a / q_l) over q_0..q_{l-1} (l = a.level >= 1), every part; r may be a itself.
/// One parallel loop over parts x limbs (two parts: twice the tasks of a loop per part), and for
/// a distinct r each limb is copied where it is computed instead of copying a first.
/// @throws OperandError as check_ct, or if a is at level 0.
void rescale_to(const Params& params, const Ciphertext& a, Ciphertext& r) {
  const char* where = "Evaluator::rescale";
  check_ct(params, a, where);
  if (a.level == 0) throw OperandError(ola::mismatch(where, "level", ">= 1", 0));
  const detail::ParamsContext& ctx = params.context();
  const std::size_t n = params.n();
  const std::size_t l = static_cast<std::size_t>(a.level);
  const std::size_t parts = a.parts.size();
  const u64 ql = ctx.q[l].value;
  const auto& inv = ctx.q_inv[l];
  // The last limb of every part in coefficient form.
  std::vector<RnsPoly> last;
  for (std::size_t p = 0; p < parts; ++p) last.push_back(RnsPoly::uninitialized(n, 1));  // copied below
#pragma omp parallel for num_threads(threads()) if (parts > 1 && threads() > 1)
  for (std::size_t p = 0; p < parts; ++p) {
    std::copy(a.parts[p].limb(l), a.parts[p].limb(l) + n, last[p].limb(0));
    ctx.q_ntt[l].inverse(last[p].limb(0));
  }
  const bool in_place = &a == &r;
  if (!in_place) {
    r.parts.clear();
    for (std::size_t p = 0; p < parts; ++p) r.parts.push_back(RnsPoly::uninitialized(n, l));  // written below
    r.slots = a.slots;
    r.ntt = a.ntt;
    r.key_id = a.key_id;
  }
#pragma omp parallel for num_threads(threads()) if (parts * l > 1 && threads() > 1)
  for (std::size_t task = 0; task < parts * l; ++task) {
    const std::size_t p = task / l, i = task % l;
    const Modulus& m = ctx.q[i];
    const u64 q = m.value;
    const std::unique_ptr<u64[]> t(new u64[n]);  // written by centered_residue
    // Centered residue of the last limb, so the division rounds instead of flooring.
    centered_residue(last[p].limb(0), t.get(), n, ql, m);
    ctx.q_ntt[i].forward(t.get());
    u64* out = r.parts[p].limb(i);
    if (!in_place) std::copy(a.parts[p].limb(i), a.parts[p].limb(i) + n, out);
    const u64 w = inv[i];
    sub_mul_shoup(out, t.get(), n, w, shoup(w, q), q);
  }
  if (in_place) {
    for (RnsPoly& p : r.parts) p.truncate(l);
  }
  r.scale = a.scale / static_cast<double>(ql);
  r.level = a.level - 1;
}
}  // namespace

void Evaluator::rescale_inplace(Ciphertext& a) const { rescale_to(params_, a, a); }
Ciphertext Evaluator::rescale(const Ciphertext& a) const {
  Ciphertext r;
  rescale_to(params_, a, r);
  return r;
}

void Evaluator::drop_to_level_inplace(Ciphertext& a, int level) const {
  const char* where = "Evaluator::drop_to_level";
  check_ct(params_, a, where, true);
  if (level < 0 || level > a.level) {
    throw OperandError(ola::mismatch(where, "target level", "0.." + std::to_string(a.level) + " (ciphertext level)", level));
  }
  for (auto& p : a.parts) p.truncate(static_cast<std::size_t>(level) + 1);
  a.level = level;
}
Ciphertext Evaluator::drop_to_level(const Ciphertext& a, int level) const {
  Ciphertext r = a;
  drop_to_level_inplace(r, level);
  return r;
}

// ---------------------------------------------------------------- key switching and automorphisms

std::pair<RnsPoly, RnsPoly> Evaluator::key_switch(const RnsPoly& c, int level, const SwitchingKey& key) const {
  const auto digits = detail::mod_up(c, level, params_);
  RnsPoly acc0, acc1;
  detail::inner_product(digits, key, level, params_, nullptr, acc0, acc1);
  detail::mod_down(acc0, acc1, level, params_);
  return {std::move(acc0), std::move(acc1)};
}

Ciphertext Evaluator::switch_key(const Ciphertext& a, const SwitchingKey& key) const {
  constexpr const char* where = "Evaluator::switch_key";
  if (a.degree() != 1) throw OperandError(ola::mismatch(where, "ciphertext degree", 1, a.degree()));
  if (key.level < a.level) {
    throw OperandError(ola::mismatch(where, "level of the switching key", ">= " + std::to_string(a.level), key.level));
  }
  auto [d0, d1] = key_switch(a.parts[1], a.level, key);
  Ciphertext r = a;
  poly_add(r.parts[0], d0, r.parts[0], params_.q_moduli(), r.limbs());
  r.parts[1] = std::move(d1);
  return r;
}

Ciphertext Evaluator::switch_key(const Ciphertext& a, const Level0SwitchingKey& key) const {
  constexpr const char* where = "Evaluator::switch_key";
  if (a.degree() != 1) throw OperandError(ola::mismatch(where, "ciphertext degree", 1, a.degree()));
  if (a.level != 0) throw OperandError(ola::mismatch(where, "ciphertext level (a level-0 key)", 0, a.level));
  auto [d0, d1] = detail::level0_key_switch(a.parts[1], key, params_);
  Ciphertext r = a;
  poly_add(r.parts[0], d0, r.parts[0], params_.q_moduli(), 1);
  r.parts[1] = std::move(d1);
  return r;
}

namespace {
/// The Galois key of g, checked against a (key pair, level). @throws OperandError if missing or unfit.
const SwitchingKey& galois_key_or_throw(const EvaluationKeys& keys, std::uint64_t g, const std::string& what,
                                        const Ciphertext& a, const char* where) {
  const std::string name = "Galois key for " + what + " (element " + std::to_string(g) + ")";
  if (!keys.galois || !keys.galois->has(g)) throw OperandError(ola::mismatch(where, name, "present", "missing"));
  const SwitchingKey& key = keys.galois->keys.at(g);
  check_switching_key(a, key, keys.galois->key_id, name, where);
  return key;
}

/// a's image under the Galois element whose NTT-domain permutation is `perm`, from the ModUp
/// digits of a's c1 and that element's switching key: (perm(c0) + ModDown(<perm(digits), b>),
/// ModDown(<perm(digits), a_key>)). Shared by apply_galois and the hoisted rotations.
Ciphertext galois_from_digits(const Params& params, const Ciphertext& a, const std::vector<RnsPoly>& digits,
                              const SwitchingKey& key, const std::vector<std::uint32_t>& perm) {
  RnsPoly acc0, acc1;
  detail::inner_product(digits, key, a.level, params, &perm, acc0, acc1);
  detail::mod_down(acc0, acc1, a.level, params);
  Ciphertext r;
  r.key_id = a.key_id;
  r.level = a.level;
  r.scale = a.scale;
  r.slots = a.slots;
  r.parts.reserve(2);
  r.parts.push_back(RnsPoly::uninitialized(params.n(), a.limbs()));  // written by apply_galois_ntt
  r.parts.push_back(std::move(acc1));
  apply_galois_ntt(a.parts[0], r.parts[0], a.limbs(), perm);
  poly_add(r.parts[0], acc0, r.parts[0], params.q_moduli(), a.limbs());
  return r;
}
}  // namespace

Ciphertext Evaluator::apply_galois(const Ciphertext& a, std::uint64_t g) const {
  const char* where = "Evaluator::apply_galois";
  check_ct(params_, a, where);
  if (g == 1) return a;
  const SwitchingKey& key = galois_key_or_throw(keys_, g, "element", a, where);
  const auto d = decompose(a);
  std::vector<std::uint32_t> scratch;
  const std::vector<std::uint32_t>& perm = galois_permutation(g, scratch);
  return galois_from_digits(params_, a, d.digits, key, perm);
}

Ciphertext Evaluator::rotate(const Ciphertext& a, int step) const {
  const char* where = "Evaluator::rotate";
  check_ct(params_, a, where);
  const std::uint64_t g = galois_element_for_step(params_, step);
  if (g == 1) return a;
  galois_key_or_throw(keys_, g, "rotation step " + std::to_string(step), a, where);
  return apply_galois(a, g);
}
void Evaluator::rotate_inplace(Ciphertext& a, int step) const { a = rotate(a, step); }

Ciphertext Evaluator::conjugate(const Ciphertext& a) const {
  const char* where = "Evaluator::conjugate";
  check_ct(params_, a, where);
  const std::uint64_t g = galois_element_conjugate(params_);
  galois_key_or_throw(keys_, g, "conjugation", a, where);
  return apply_galois(a, g);
}
void Evaluator::conjugate_inplace(Ciphertext& a) const { a = conjugate(a); }

HoistedDecomposition Evaluator::decompose(const Ciphertext& a) const {
  check_ct(params_, a, "Evaluator::decompose");
  return HoistedDecomposition{a.level, detail::mod_up(a.parts[1], a.level, params_)};
}

Ciphertext Evaluator::rotate_hoisted(const Ciphertext& a, const HoistedDecomposition& d, int step) const {
  const char* where = "Evaluator::rotate_hoisted";
  check_ct(params_, a, where);
  if (d.level != a.level || d.digits.size() != static_cast<std::size_t>(params_.digits_at(a.level))) {
    throw OperandError(ola::mismatch(where, "decomposition level", a.level, d.level));
  }
  const std::uint64_t g = galois_element_for_step(params_, step);
  if (g == 1) return a;
  const SwitchingKey& key = galois_key_or_throw(keys_, g, "rotation step " + std::to_string(step), a, where);
  std::vector<std::uint32_t> scratch;
  const std::vector<std::uint32_t>& perm = galois_permutation(g, scratch);
  return galois_from_digits(params_, a, d.digits, key, perm);
}

std::vector<Ciphertext> Evaluator::rotate_hoisted(const Ciphertext& a, std::span<const int> steps) const {
  const char* where = "Evaluator::rotate_hoisted";
  check_ct(params_, a, where);
  for (int s : steps) {
    const std::uint64_t g = galois_element_for_step(params_, s);
    if (g != 1) galois_key_or_throw(keys_, g, "rotation step " + std::to_string(s), a, where);
  }
  const auto d = decompose(a);
  std::vector<Ciphertext> out;
  out.reserve(steps.size());
  for (int s : steps) out.push_back(rotate_hoisted(a, d, s));
  return out;
}

void Evaluator::add_rotated(RotationSum& sum, const Ciphertext& a, int step) const {
  const char* where = "Evaluator::add_rotated";
  check_ct(params_, a, where);
  Ciphertext& p = sum.partial;
  if (!p.parts.empty()) {
    check_level(p.level, a.level, where);
    check_slots(p.slots, a.slots, where);
    check_scale(p.scale, a.scale, options_.scale_tolerance, where);
    check_key_ids(p.key_id, a.key_id, where);
  }
  const auto mods = params_.q_moduli();
  const std::uint64_t g = galois_element_for_step(params_, step);
  if (g == 1) {
    if (p.parts.empty()) {
      p = a;
    } else {
      add_inplace(p, a);
    }
    return;
  }
  const SwitchingKey& key = galois_key_or_throw(keys_, g, "rotation step " + std::to_string(step), a, where);
  std::vector<std::uint32_t> scratch;
  const std::vector<std::uint32_t>& perm = galois_permutation(g, scratch);
  const auto digits = detail::mod_up(a.parts[1], a.level, params_);
  detail::inner_product(digits, key, a.level, params_, &perm, sum.ks0, sum.ks1, sum.ks0.limbs > 0);
  if (p.parts.empty()) {
    p.key_id = a.key_id;
    p.level = a.level;
    p.scale = a.scale;
    p.slots = a.slots;
    p.parts.push_back(RnsPoly::uninitialized(params_.n(), a.limbs()));  // written by apply_galois_ntt
    p.parts.push_back(RnsPoly(params_.n(), a.limbs()));
    apply_galois_ntt(a.parts[0], p.parts[0], a.limbs(), perm);
  } else {
    p.key_id = merged(p.key_id, a.key_id);
    RnsPoly moved = RnsPoly::uninitialized(params_.n(), a.limbs());
    apply_galois_ntt(a.parts[0], moved, a.limbs(), perm);
    poly_add(p.parts[0], moved, p.parts[0], mods, a.limbs());
  }
}

Ciphertext Evaluator::finish_rotations(RotationSum sum) const {
  Ciphertext& r = sum.partial;
  if (r.parts.empty()) {
    throw OperandError(ola::mismatch("Evaluator::finish_rotations", "terms", ">= 1", 0));
  }
  if (sum.ks0.limbs > 0) {
    detail::mod_down(sum.ks0, sum.ks1, r.level, params_);
    const auto mods = params_.q_moduli();
    poly_add(r.parts[0], sum.ks0, r.parts[0], mods, r.limbs());
    poly_add(r.parts[1], sum.ks1, r.parts[1], mods, r.limbs());
  }
  return std::move(r);
}

}  // namespace ola::ckks
