#include "he/slot_sim_backend.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "util/error.h"

namespace ola::he {
namespace {

bool same_scale(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(a, b); }

int normalize(int step, int n) { return ((step % n) + n) % n; }

}  // namespace

static_assert(SlotBackend<SlotSimBackend>);

OpStats operator-(const OpStats& a, const OpStats& b) {
  return {a.rotations - b.rotations,   a.hoisted_rotations - b.hoisted_rotations,
          a.hoist_batches - b.hoist_batches, a.lazy_rotations - b.lazy_rotations,
          a.rotation_sums - b.rotation_sums, a.plain_mults - b.plain_mults,
          a.mul_sum_terms - b.mul_sum_terms,
          a.ct_mults - b.ct_mults,
          a.encodes - b.encodes,
          a.const_mults - b.const_mults, a.additions - b.additions,
          a.rescales - b.rescales,     a.level_drops - b.level_drops,
          a.bootstraps - b.bootstraps};
}

SlotSimBackend::SlotSimBackend(SlotSimConfig config) : config_(std::move(config)) {
  const int n = config_.slots;
  if (n < 1 || (n & (n - 1)) != 0) throw Error(ola::mismatch("SlotSimConfig", "slots", "a power of two", n));
  if (config_.max_level < 0) throw Error(ola::mismatch("SlotSimConfig", "max_level", ">= 0", config_.max_level));
  if (config_.boot_level < 0 || config_.boot_level > config_.max_level) {
    throw Error(ola::mismatch("SlotSimConfig", "boot_level", "0..max_level = " + std::to_string(config_.max_level),
                         config_.boot_level));
  }
  if (config_.log_scale < 10 || config_.log_scale > 60) {
    throw Error(ola::mismatch("SlotSimConfig", "log_scale", "10..60", config_.log_scale));
  }
  if (config_.rotation_keys) {
    std::set<int> normalized;
    for (int s : *config_.rotation_keys) normalized.insert(normalize(s, n));
    config_.rotation_keys = std::move(normalized);
  }
}

double SlotSimBackend::prime(int level) const {
  OLA_CHECK(level >= 1 && level <= config_.max_level, "prime: level " << level);
  return std::ldexp(1.0, config_.log_scale) * (1.0 + (level + 1) * std::ldexp(1.0, -20));
}

SimCiphertext SlotSimBackend::encrypt(std::span<const double> values) const {
  if (values.size() != static_cast<std::size_t>(config_.slots)) {
    throw Error(ola::mismatch("SlotSimBackend::encrypt", "values.size()", config_.slots, values.size()));
  }
  return {std::vector<double>(values.begin(), values.end()), config_.max_level,
          std::ldexp(1.0, config_.log_scale)};
}

SimPlaintext SlotSimBackend::encode_for_mul(std::span<const double> values, int level) const {
  if (values.size() != static_cast<std::size_t>(config_.slots)) {
    throw Error(ola::mismatch("SlotSimBackend::encode_for_mul", "values.size()", config_.slots, values.size()));
  }
  if (level < 1 || level > config_.max_level) {
    throw Error(ola::mismatch("SlotSimBackend::encode_for_mul", "level",
                         "1.." + std::to_string(config_.max_level), level));
  }
  ++stats_.encodes;
  return {std::vector<double>(values.begin(), values.end()), level, prime(level)};
}

SimPlaintext SlotSimBackend::encode_for_mul_to_base(std::span<const double> values, const SimCiphertext& ct) const {
  SimPlaintext pt = encode_for_mul(values, ct.level);
  pt.scale *= std::ldexp(1.0, config_.log_scale) / ct.scale;
  return pt;
}

SimPlaintext SlotSimBackend::encode_like(std::span<const double> values, const SimCiphertext& like) const {
  if (values.size() != static_cast<std::size_t>(config_.slots)) {
    throw Error(ola::mismatch("SlotSimBackend::encode_like", "values.size()", config_.slots, values.size()));
  }
  ++stats_.encodes;
  return {std::vector<double>(values.begin(), values.end()), like.level, like.scale};
}

SimCiphertext SlotSimBackend::add(const SimCiphertext& a, const SimCiphertext& b) {
  SimCiphertext r = a;
  add_inplace(r, b);
  return r;
}

void SlotSimBackend::add_inplace(SimCiphertext& a, const SimCiphertext& b) {
  OLA_CHECK(a.level == b.level, "add: levels " << a.level << " and " << b.level);
  OLA_CHECK(same_scale(a.scale, b.scale), "add: scales " << a.scale << " and " << b.scale);
  for (std::size_t i = 0; i < a.slots.size(); ++i) a.slots[i] += b.slots[i];
  ++stats_.additions;
}

SimCiphertext SlotSimBackend::sub(const SimCiphertext& a, const SimCiphertext& b) {
  OLA_CHECK(a.level == b.level, "sub: levels " << a.level << " and " << b.level);
  OLA_CHECK(same_scale(a.scale, b.scale), "sub: scales " << a.scale << " and " << b.scale);
  SimCiphertext r = a;
  for (std::size_t i = 0; i < r.slots.size(); ++i) r.slots[i] -= b.slots[i];
  ++stats_.additions;
  return r;
}

SimCiphertext SlotSimBackend::add_plain(const SimCiphertext& ct, const SimPlaintext& pt) {
  OLA_CHECK(ct.level == pt.level, "add_plain: levels " << ct.level << " and " << pt.level);
  OLA_CHECK(same_scale(ct.scale, pt.scale), "add_plain: scales " << ct.scale << " and " << pt.scale);
  SimCiphertext r = ct;
  for (std::size_t i = 0; i < r.slots.size(); ++i) r.slots[i] += pt.slots[i];
  ++stats_.additions;
  return r;
}

SimCiphertext SlotSimBackend::mul_plain(const SimCiphertext& ct, const SimPlaintext& pt) {
  OLA_CHECK(ct.level == pt.level, "mul_plain: levels " << ct.level << " and " << pt.level);
  SimCiphertext r = ct;
  for (std::size_t i = 0; i < r.slots.size(); ++i) r.slots[i] *= pt.slots[i];
  r.scale = ct.scale * pt.scale;
  ++stats_.plain_mults;
  return r;
}

SimCiphertext SlotSimBackend::mul_plain_sum(std::span<const SimCiphertext* const> cts,
                                           std::span<const SimPlaintext> pts) {
  OLA_CHECK(!cts.empty() && cts.size() == pts.size(), "mul_plain_sum: " << cts.size() << " ciphertexts, "
                                                                         << pts.size() << " plaintexts");
  SimCiphertext r = *cts[0];
  r.scale = cts[0]->scale * pts[0].scale;
  std::fill(r.slots.begin(), r.slots.end(), 0.0);
  for (std::size_t k = 0; k < cts.size(); ++k) {
    const SimCiphertext& ct = *cts[k];
    OLA_CHECK(ct.level == r.level && pts[k].level == r.level,
              "mul_plain_sum: term " << k << " at levels " << ct.level << ", " << pts[k].level << " (term 0: " << r.level << ")");
    OLA_CHECK(same_scale(ct.scale * pts[k].scale, r.scale), "mul_plain_sum: scale of term " << k);
    for (std::size_t i = 0; i < r.slots.size(); ++i) r.slots[i] += ct.slots[i] * pts[k].slots[i];
  }
  stats_.mul_sum_terms += static_cast<long>(cts.size());
  return r;
}

SimCiphertext SlotSimBackend::mul_const(const SimCiphertext& ct, double c) {
  OLA_CHECK(ct.level >= 1, "mul_const: level " << ct.level);
  SimCiphertext r = ct;
  for (double& v : r.slots) v *= c;
  r.scale = ct.scale * prime(ct.level);
  ++stats_.const_mults;
  return r;
}

SimCiphertext SlotSimBackend::mul(const SimCiphertext& a, const SimCiphertext& b) {
  OLA_CHECK(a.level == b.level && a.level >= 1, "mul: levels " << a.level << ", " << b.level);
  SimCiphertext r = a;
  for (std::size_t i = 0; i < r.slots.size(); ++i) r.slots[i] *= b.slots[i];
  r.scale = a.scale * b.scale / prime(a.level);
  r.level = a.level - 1;
  ++stats_.ct_mults;
  ++stats_.rescales;
  return r;
}

SimCiphertext SlotSimBackend::rescale(const SimCiphertext& ct) {
  OLA_CHECK(ct.level >= 1, "rescale: level " << ct.level);
  SimCiphertext r = ct;
  r.scale = ct.scale / prime(ct.level);
  r.level = ct.level - 1;
  ++stats_.rescales;
  return r;
}

SimCiphertext SlotSimBackend::match_scale(const SimCiphertext& ct, double scale) {
  OLA_CHECK(ct.level >= 1 && scale > 0.0, "match_scale: level " << ct.level << " scale " << scale);
  SimCiphertext r = ct;
  r.level = ct.level - 1;
  r.scale = scale;
  ++stats_.const_mults;
  ++stats_.rescales;
  return r;
}

SimCiphertext SlotSimBackend::with_scale_factor(const SimCiphertext& ct, double f) const {
  SimCiphertext r = ct;
  r.scale *= f;
  return r;
}

SimCiphertext SlotSimBackend::drop_to_level(const SimCiphertext& ct, int level) {
  OLA_CHECK(level >= 0 && level <= ct.level, "drop_to_level: " << level << " from " << ct.level);
  SimCiphertext r = ct;
  if (level < ct.level) ++stats_.level_drops;
  r.level = level;
  return r;
}

void SlotSimBackend::check_key(int step) const {
  const int s = normalize(step, config_.slots);
  if (s != 0 && config_.rotation_keys && config_.rotation_keys->count(s) == 0) {
    throw Error(ola::mismatch("SlotSimBackend::rotate", "rotation key", "a generated step",
                         std::to_string(step) + " (mod n = " + std::to_string(s) + ")"));
  }
}

SimCiphertext SlotSimBackend::rotated(const SimCiphertext& ct, int step) const {
  const int n = config_.slots;
  const int s = normalize(step, n);
  SimCiphertext r = ct;
  for (int i = 0; i < n; ++i) r.slots[static_cast<std::size_t>(i)] = ct.slots[static_cast<std::size_t>((i + s) % n)];
  return r;
}

SimCiphertext SlotSimBackend::rotate(const SimCiphertext& ct, int step) {
  check_key(step);
  if (normalize(step, config_.slots) == 0) return ct;
  ++stats_.rotations;
  return rotated(ct, step);
}

std::vector<SimCiphertext> SlotSimBackend::rotate_hoisted(const SimCiphertext& ct,
                                                          const std::vector<int>& steps) {
  std::vector<SimCiphertext> out;
  out.reserve(steps.size());
  bool any = false;
  for (int s : steps) {
    check_key(s);
    if (normalize(s, config_.slots) == 0) {
      out.push_back(ct);
    } else {
      ++stats_.hoisted_rotations;
      any = true;
      out.push_back(rotated(ct, s));
    }
  }
  if (any) ++stats_.hoist_batches;
  return out;
}

void SlotSimBackend::add_rotated(RotationSum& sum, const SimCiphertext& ct, int step) {
  check_key(step);
  const bool rotates = normalize(step, config_.slots) != 0;
  SimCiphertext r = rotates ? rotated(ct, step) : ct;
  if (sum.sum) {
    add_inplace(*sum.sum, r);
  } else {
    sum.sum = std::move(r);
  }
  if (rotates) {
    ++stats_.lazy_rotations;
    sum.rotated = true;
  }
}

SimCiphertext SlotSimBackend::finish_rotations(RotationSum sum) {
  if (!sum.sum) throw Error(ola::mismatch("SlotSimBackend::finish_rotations", "terms", ">= 1", 0));
  if (sum.rotated) ++stats_.rotation_sums;
  return std::move(*sum.sum);
}

SimCiphertext SlotSimBackend::bootstrap(const SimCiphertext& ct, int n) {
  const int slots = config_.slots;
  if (n < 1 || (n & (n - 1)) != 0 || n > slots) {
    throw Error(ola::mismatch("SlotSimBackend::bootstrap", "slot count", "a power of two in 1.." + std::to_string(slots), n));
  }
  const auto un = static_cast<std::size_t>(n);
  const double copies = static_cast<double>(slots / n);
  std::vector<double> mean(un, 0.0);
  double peak = 0.0;
  for (std::size_t i = 0; i < ct.slots.size(); ++i) {
    mean[i % un] += ct.slots[i] / copies;
    peak = std::max(peak, std::abs(ct.slots[i]));
  }
  SimCiphertext r{ct.slots, config_.boot_level, std::ldexp(1.0, config_.log_scale)};
  for (std::size_t i = 0; i < r.slots.size(); ++i) {
    OLA_CHECK(std::abs(ct.slots[i] - ct.slots[i % un]) <= 1e-9 * peak,
              "bootstrap with " << n << " slots: slot " << i << " = " << ct.slots[i] << " but slot " << i % un << " = "
                                << ct.slots[i % un] << " (the values do not repeat with period " << n << ")");
    r.slots[i] = mean[i % un];
  }
  ++stats_.bootstraps;
  return r;
}

SimCiphertext SlotSimBackend::map_slots(const SimCiphertext& ct, const std::function<double(double)>& f,
                                        int depth) {
  OLA_CHECK(depth >= 0 && ct.level >= depth, "map_slots: depth " << depth << " at level " << ct.level);
  SimCiphertext r = ct;
  for (double& v : r.slots) v = f(v);
  r.level = ct.level - depth;
  return r;
}

ActivationFn<SlotSimBackend> sim_activation(std::function<double(double)> f, int depth) {
  return [f = std::move(f), depth](SlotSimBackend& b, const SimCiphertext& ct) {
    return b.map_slots(ct, f, depth);
  };
}

}  // namespace ola::he
