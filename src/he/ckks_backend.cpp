#include "he/ckks_backend.h"

#include <string>
#include <utility>

#include "util/error.h"

namespace ola::he {
namespace {

int reduce(int step, int n) { return ((step % n) + n) % n; }

}  // namespace

static_assert(SlotBackend<CkksBackend>);

CkksBackend::CkksBackend(const ckks::Evaluator& evaluator, const ckks::Encoder& encoder, int slots,
                         Bootstrapper bootstrapper)
    : ev_(evaluator), enc_(encoder), slots_(slots), boot_(std::move(bootstrapper)) {
  if (!(evaluator.params() == encoder.params())) {
    throw Error(ola::mismatch("CkksBackend", "encoder parameters", evaluator.params().fingerprint(),
                              encoder.params().fingerprint()));
  }
  const long max_slots = static_cast<long>(evaluator.params().max_slots());
  if (slots < 1 || (slots & (slots - 1)) != 0 || slots > max_slots) {
    throw Error(ola::mismatch("CkksBackend", "slots", "a power of two in 1.." + std::to_string(max_slots), slots));
  }
}

ckks::Plaintext CkksBackend::encode_for_mul(std::span<const double> values, int level) const {
  if (values.size() != static_cast<std::size_t>(slots_)) {
    throw Error(ola::mismatch("CkksBackend::encode_for_mul", "values.size()", slots_, values.size()));
  }
  const int max_level = ev_.params().max_level();
  if (level < 1 || level > max_level) {
    throw Error(ola::mismatch("CkksBackend::encode_for_mul", "level", "1.." + std::to_string(max_level), level));
  }
  const double q = static_cast<double>(ev_.params().q(static_cast<std::size_t>(level)));
  ++stats_.encodes;
  return enc_.encode(values, level, q, static_cast<std::size_t>(slots_));
}

ckks::Plaintext CkksBackend::encode_for_mul_to_base(std::span<const double> values,
                                                    const ckks::Ciphertext& ct) const {
  if (values.size() != static_cast<std::size_t>(slots_)) {
    throw Error(ola::mismatch("CkksBackend::encode_for_mul_to_base", "values.size()", slots_, values.size()));
  }
  const int max_level = ev_.params().max_level();
  if (ct.level < 1 || ct.level > max_level) {
    throw Error(ola::mismatch("CkksBackend::encode_for_mul_to_base", "level", "1.." + std::to_string(max_level),
                              ct.level));
  }
  const double q = static_cast<double>(ev_.params().q(static_cast<std::size_t>(ct.level)));
  ++stats_.encodes;
  return enc_.encode(values, ct.level, q * (ev_.params().default_scale() / ct.scale), static_cast<std::size_t>(slots_));
}

ckks::Plaintext CkksBackend::encode_like(std::span<const double> values, const ckks::Ciphertext& like) const {
  if (values.size() != static_cast<std::size_t>(slots_)) {
    throw Error(ola::mismatch("CkksBackend::encode_like", "values.size()", slots_, values.size()));
  }
  ++stats_.encodes;
  return enc_.encode(values, like.level, like.scale, static_cast<std::size_t>(slots_));
}

ckks::Ciphertext CkksBackend::add(const ckks::Ciphertext& a, const ckks::Ciphertext& b) {
  ++stats_.additions;
  return ev_.add(a, b);
}

void CkksBackend::add_inplace(ckks::Ciphertext& a, const ckks::Ciphertext& b) {
  ++stats_.additions;
  ev_.add_inplace(a, b);
}

ckks::Ciphertext CkksBackend::sub(const ckks::Ciphertext& a, const ckks::Ciphertext& b) {
  ++stats_.additions;
  return ev_.sub(a, b);
}

ckks::Ciphertext CkksBackend::add_plain(const ckks::Ciphertext& ct, const ckks::Plaintext& pt) {
  ++stats_.additions;
  return ev_.add(ct, pt);
}

ckks::Ciphertext CkksBackend::mul_plain(const ckks::Ciphertext& ct, const ckks::Plaintext& pt) {
  ++stats_.plain_mults;
  return ev_.mul(ct, pt);
}

ckks::Ciphertext CkksBackend::mul_plain_sum(std::span<const ckks::Ciphertext* const> cts,
                                            std::span<const ckks::Plaintext> pts) {
  std::vector<const ckks::Plaintext*> p(pts.size());
  for (std::size_t k = 0; k < pts.size(); ++k) p[k] = &pts[k];
  stats_.mul_sum_terms += static_cast<long>(cts.size());
  return ev_.mul_sum(cts, p);
}

ckks::Ciphertext CkksBackend::mul_const(const ckks::Ciphertext& ct, double c) {
  if (ct.level < 1) throw Error(ola::mismatch("CkksBackend::mul_const", "level", ">= 1", ct.level));
  ++stats_.const_mults;
  return ev_.mul_const(ct, c, static_cast<double>(ev_.params().q(static_cast<std::size_t>(ct.level))));
}

ckks::Ciphertext CkksBackend::mul(const ckks::Ciphertext& a, const ckks::Ciphertext& b) {
  if (a.level != b.level || a.level < 1) {
    throw Error(ola::mismatch("CkksBackend::mul", "levels", "equal and >= 1",
                              std::to_string(a.level) + ", " + std::to_string(b.level)));
  }
  ++stats_.ct_mults;
  ++stats_.rescales;
  return ev_.rescale(&a == &b ? ev_.square(a) : ev_.mul(a, b));
}

ckks::Ciphertext CkksBackend::rescale(const ckks::Ciphertext& ct) {
  ++stats_.rescales;
  return ev_.rescale(ct);
}

ckks::Ciphertext CkksBackend::match_scale(const ckks::Ciphertext& ct, double scale) {
  if (ct.level < 1 || !(scale > 0.0)) {
    throw Error(ola::mismatch("CkksBackend::match_scale", "level, scale", ">= 1, > 0",
                              std::to_string(ct.level) + ", " + std::to_string(scale)));
  }
  const double q = static_cast<double>(ev_.params().q(static_cast<std::size_t>(ct.level)));
  ++stats_.const_mults;
  ++stats_.rescales;
  ckks::Ciphertext r = ev_.rescale(ev_.mul_const(ct, 1.0, scale * q / ct.scale));
  r.scale = scale;  // equal up to the rounding of the constant (relative 2^-52)
  return r;
}

ckks::Ciphertext CkksBackend::drop_to_level(const ckks::Ciphertext& ct, int level) {
  if (level < ct.level) ++stats_.level_drops;
  return ev_.drop_to_level(ct, level);
}

ckks::Ciphertext CkksBackend::rotate(const ckks::Ciphertext& ct, int step) {
  const int s = reduce(step, slots_);
  if (s == 0) return ct;
  ++stats_.rotations;
  return ev_.rotate(ct, s);
}

std::vector<ckks::Ciphertext> CkksBackend::rotate_hoisted(const ckks::Ciphertext& ct,
                                                          const std::vector<int>& steps) {
  std::vector<int> nonzero;
  for (int s : steps) {
    if (reduce(s, slots_) != 0) nonzero.push_back(reduce(s, slots_));
  }
  std::vector<ckks::Ciphertext> rotated;
  if (!nonzero.empty()) {
    rotated = ev_.rotate_hoisted(ct, nonzero);
    stats_.hoisted_rotations += static_cast<long>(nonzero.size());
    ++stats_.hoist_batches;
  }
  std::vector<ckks::Ciphertext> out;
  out.reserve(steps.size());
  std::size_t next = 0;
  for (int s : steps) {
    if (reduce(s, slots_) == 0) {
      out.push_back(ct);
    } else {
      out.push_back(std::move(rotated[next++]));
    }
  }
  return out;
}

void CkksBackend::add_rotated(ckks::RotationSum& sum, const ckks::Ciphertext& ct, int step) {
  const int s = reduce(step, slots_);
  const bool adds = !sum.partial.parts.empty();
  ev_.add_rotated(sum, ct, s);
  if (s != 0) ++stats_.lazy_rotations;
  if (adds) ++stats_.additions;
}

ckks::Ciphertext CkksBackend::finish_rotations(ckks::RotationSum sum) {
  const bool mod_down = sum.ks0.limbs > 0;  // a key-switched term: the sum's one ModDown
  ckks::Ciphertext out = ev_.finish_rotations(std::move(sum));
  if (mod_down) ++stats_.rotation_sums;
  return out;
}

ckks::Ciphertext CkksBackend::bootstrap(const ckks::Ciphertext& ct, int n) {
  if (!boot_) throw Error(ola::mismatch("CkksBackend::bootstrap", "bootstrapper", "configured", "none"));
  if (n < 1 || (n & (n - 1)) != 0 || n > slots_) {
    throw Error(ola::mismatch("CkksBackend::bootstrap", "slot count", "a power of two in 1.." + std::to_string(slots_), n));
  }
  ++stats_.bootstraps;
  return boot_(ct, n);
}

}  // namespace ola::he
