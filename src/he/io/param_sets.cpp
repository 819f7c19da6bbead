#include "he/io/param_sets.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "ckks/boot/boot_params.h"
#include "ckks/boot/eval_mod.h"
#include "util/error.h"
#include "util/keep_max.h"

namespace ola::he {
namespace {

/// bootstrap_test_params(log_n) with `compute` compute levels of 40 bits, and enough 61-bit special
/// primes for the widest key-switching digit (alpha primes of up to 60 bits each).
ckks::ParamsLiteral boot_test_literal(int log_n, int compute) {
  ckks::ParamsLiteral lit = ckks::bootstrap_test_params(log_n);
  const auto first = std::find(lit.log_q.begin() + 1, lit.log_q.end(), 40);
  const auto have = std::count(lit.log_q.begin(), lit.log_q.end(), 40);
  lit.log_q.insert(first, static_cast<std::size_t>(compute - have), 40);
  const int nq = static_cast<int>(lit.log_q.size());
  const int alpha = (nq + lit.dnum - 1) / lit.dnum;
  lit.log_p.assign(static_cast<std::size_t>(alpha), 61);
  return lit;
}

/// `lit` with a uniform ternary secret.
ckks::ParamsLiteral dense(ckks::ParamsLiteral lit) {
  lit.secret = ckks::SecretDistribution::uniform_ternary;
  return lit;
}

/// `boot` with sparse-secret encapsulation through an ephemeral secret of weight 32.
ckks::BootstrapLiteral encapsulated(ckks::BootstrapLiteral boot) {
  boot.ephemeral_hamming_weight = 32;
  return boot;
}

/// Every known set, in the order the name lists give them: the one place a set is defined.
std::vector<ParamSet> all_param_sets() {
  return {{"test-n12", ckks::test_literal_n12(), std::nullopt},
          {"test-n13", ckks::test_literal_n13(), std::nullopt},
          {"test-n14", ckks::test_literal_n14(), std::nullopt},
          {"test-boot-n12", boot_test_literal(12, 4), ckks::bootstrap_test_literal()},
          {"test-boot-n13", boot_test_literal(13, 4), ckks::bootstrap_test_literal()},
          {"test-boot-n13-dense", dense(boot_test_literal(13, 4)), encapsulated(ckks::bootstrap_test_literal())},
          {"n16", ckks::bootstrap_params_n16(), ckks::BootstrapLiteral{}},
          {"n16-dense", ckks::bootstrap_params_n16_dense(), encapsulated(ckks::BootstrapLiteral{})},
          {"n16-dense-l11", ckks::bootstrap_params_n16_dense_l11(), ckks::bootstrap_literal_n16_dense_l11()},
          {"n16-deep", ckks::bootstrap_params_n16_deep(), ckks::BootstrapLiteral{}},
          {"n16-deep-dense", ckks::bootstrap_params_n16_deep_dense(), ckks::bootstrap_literal_n16_dense_l11()}};
}

std::string join_names(bool bootstrapping_only) {
  std::string out;
  for (const ParamSet& set : all_param_sets()) {
    if (bootstrapping_only && !set.boot) continue;
    out += (out.empty() ? "" : ", ") + set.name;
  }
  return out;
}

}  // namespace

std::string param_set_names() { return join_names(false); }

std::string bootstrapping_param_set_names() { return join_names(true); }

ParamSet param_set_by_name(const std::string& name) {
  for (ParamSet& set : all_param_sets()) {
    if (set.name == name) return std::move(set);
  }
  throw Error(ola::mismatch("--params", "name", param_set_names(), name));
}

int bootstrap_output_level(const ckks::Params& params, const ckks::BootstrapLiteral& boot) {
  const int depth = boot.cts_levels + ckks::make_eval_mod(boot.eval_mod).depth() + boot.stc_levels;
  if (depth >= params.max_level()) {
    throw Error(ola::mismatch("bootstrap_output_level", "chain levels", "> bootstrapping depth " + std::to_string(depth),
                              params.max_level()));
  }
  return params.max_level() - depth;
}

ProgramOptions program_options_for(const ckks::Params& params, const std::optional<ckks::BootstrapLiteral>& boot,
                                   int slots, bool stage_bootstraps) {
  const int max_slots = static_cast<int>(params.max_slots());
  if (slots == 0) slots = max_slots;
  if (slots < 1 || slots > max_slots || (slots & (slots - 1)) != 0) {
    throw Error(ola::mismatch("--slots", "slot count", "0 or a power of two in 1.." + std::to_string(max_slots), slots));
  }
  ProgramOptions o;
  o.slots = slots;
  o.stage_bootstraps = stage_bootstraps;
  if (boot) {
    o.fresh_level = bootstrap_output_level(params, *boot);
    o.boot_level = o.fresh_level;
    o.allow_bootstrap = true;
  } else {
    o.fresh_level = params.max_level();
    o.boot_level = 1;
    o.allow_bootstrap = false;
  }
  return o;
}

double switching_key_bytes(const ckks::Params& params, int level) {
  if (level == -1) level = params.max_level();
  if (level < 0 || level > params.max_level()) {
    throw Error(ola::mismatch("switching_key_bytes", "level", "-1..max_level = " + std::to_string(params.max_level()),
                              level));
  }
  const double limbs = static_cast<double>(level + 1) + static_cast<double>(params.p_count());
  return 2.0 * params.digits_at(level) * limbs * static_cast<double>(params.n()) * 8.0;
}

double encapsulation_key_bytes(const ckks::Params& params) {
  // s -> s_e: b and a over q_0, p_0; s_e -> s: a switching key at max_level.
  return 2.0 * 2.0 * static_cast<double>(params.n()) * 8.0 + switching_key_bytes(params);
}

std::string describe_key_plan(const ckks::Params& params, const Program& p, const KeyPlan& k) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(3);
  os << params.summary() << ", " << p.options.slots << " slots, " << p.bootstraps << " bootstraps";
  const std::map<int, int> by_slots = bootstraps_by_slots(p);
  for (auto it = by_slots.begin(); it != by_slots.end(); ++it) {
    os << (it == by_slots.begin() ? " (" : ", ") << it->second << " at " << it->first << " slots";
  }
  os << (by_slots.empty() ? "" : ")") << ": relin + " << k.galois_keys << " Galois keys"
     << (k.conjugation || !k.stage_key_level.empty() ? " (with conjugation)" : "") << ", each at its highest level of use (";
  std::map<int, int> per_level;  // level -> rotation keys made there
  for (const auto& [step, level] : k.key_level) ++per_level[level];
  for (const auto& [slots, levels] : k.stage_key_level) {
    for (const auto& [step, level] : levels) ++per_level[level];
  }
  for (auto it = per_level.rbegin(); it != per_level.rend(); ++it) {
    os << (it == per_level.rbegin() ? "" : ", ") << it->second << " at " << it->first;
  }
  os << "): " << k.bytes / 1e9 << " GB of evaluation keys (" << k.bytes_full_level / 1e9 << " GB at full level)";
  if (!k.stage_key_level.empty()) {
    os << ", per stage (";
    for (auto it = k.stage_key_level.begin(); it != k.stage_key_level.end(); ++it) {
      os << (it == k.stage_key_level.begin() ? "" : ", ") << it->first << " slots: " << it->second.size() + 1 << " keys";
    }
    os << "): at most " << k.resident_bytes / 1e9 << " GB held at once";
  }
  return os.str();
}

KeyPlan key_plan(const ckks::Params& params, const std::optional<ckks::BootstrapLiteral>& boot, const Program& p,
                 KeyResidency residency) {
  KeyPlan k;
  k.residency = residency;
  std::set<int> steps(p.rotation_steps.begin(), p.rotation_steps.end());
  std::set<int> boot_steps;
  const std::map<int, int> by_slots = bootstraps_by_slots(p);
  const bool staged = residency == KeyResidency::per_stage && !by_slots.empty();
  if (!by_slots.empty()) {
    if (!boot) {
      throw Error(ola::mismatch("key_plan", "bootstrapping", "a parameter set with a bootstrapping chain",
                                std::to_string(p.bootstraps) + " bootstraps on a set without one"));
    }
    const int n = static_cast<int>(params.max_slots());
    for (const auto& [slots, count] : by_slots) {
      std::map<int, int>& levels = staged ? k.stage_key_level[slots] : k.key_level;
      for (const auto& [s, level] : ckks::bootstrap_rotation_levels(params, *boot, static_cast<std::size_t>(slots))) {
        const int r = ((s % n) + n) % n;
        if (r == 0) continue;
        boot_steps.insert(r);
        keep_max(levels, r, level);
      }
      k.bootstrap_slots.push_back(slots);
    }
    k.conjugation = !staged;
  }
  for (int s : steps) {
    if (boot_steps.count(s) == 0) k.linear_only_steps.push_back(s);
  }
  if (!staged) steps.insert(boot_steps.begin(), boot_steps.end());
  k.rotation_steps.assign(steps.begin(), steps.end());
  for (const ProgramStep& s : p.steps) {
    const bool conv = s.op == ProgramOp::conv || s.op == ProgramOp::shortcut;
    if (!conv && s.op != ProgramOp::pool_fc) continue;
    k.linear_level = std::max(k.linear_level, s.level_before);
    const bool compiled = conv ? s.index >= 0 && static_cast<std::size_t>(s.index) < p.convs.size() : p.head.classes > 0;
    if (!compiled) continue;  // a program without its layers' data: its steps get linear_level below
    const std::vector<int> used =
        conv ? rotation_steps(p.convs[static_cast<std::size_t>(s.index)].transform) : rotation_steps(p.head);
    for (int r : used) keep_max(k.key_level, r, s.level_before);
  }
  // Steps no layer or bootstrapper claimed (only in hand-made programs): the highest linear level.
  for (int r : k.rotation_steps) k.key_level.emplace(r, k.linear_level);  // no-op where claimed
  const double full = switching_key_bytes(params);
  const auto set_bytes = [&params](const std::map<int, int>& levels) {
    double bytes = 0.0;
    for (const auto& [step, level] : levels) bytes += switching_key_bytes(params, level);
    return bytes;
  };
  k.galois_keys = k.rotation_steps.size() + (k.conjugation ? 1 : 0);
  k.bytes = (k.conjugation ? 2.0 : 1.0) * full + set_bytes(k.key_level);  // relin (+ conjugation) at the top
  k.encapsulation = boot && !k.bootstrap_slots.empty() && boot->ephemeral_hamming_weight > 0;
  if (k.encapsulation) k.bytes += encapsulation_key_bytes(params);
  k.resident_bytes = k.bytes;
  double largest_stage = 0.0;
  for (const auto& [slots, levels] : k.stage_key_level) {
    k.galois_keys += levels.size() + 1;  // + its conjugation key
    const double stage = full + set_bytes(levels);
    k.bytes += stage;
    largest_stage = std::max(largest_stage, stage);
  }
  k.resident_bytes += largest_stage;
  k.bytes_full_level = static_cast<double>(k.galois_keys + 1) * full;
  return k;
}

}  // namespace ola::he
