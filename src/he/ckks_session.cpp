#include "he/ckks_session.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "util/error.h"

namespace ola::he {
namespace {

std::string slot_list(const std::map<int, int>& uses) {
  std::string s;
  for (const auto& [n, count] : uses) s += (s.empty() ? "" : ", ") + std::to_string(n);
  return s;
}

}  // namespace

BootstrapperMemory bootstrapper_memory(const ckks::Params& params, const std::optional<ckks::BootstrapLiteral>& boot,
                                       const Program& p) {
  BootstrapperMemory m;
  std::map<int, int> remaining = bootstraps_by_slots(p);
  if (remaining.empty()) return m;
  if (!boot) throw Error(ola::mismatch("bootstrapper_memory", "bootstrapping settings", "present (the program bootstraps)", "none"));
  for (const auto& [n, count] : remaining) {
    m.bytes_by_slots[n] = ckks::bootstrapper_matrix_bytes(params, *boot, static_cast<std::size_t>(n));
    m.total_bytes += m.bytes_by_slots[n];
  }
  // The session's rule: the first bootstrap's bootstrapper up front, each other one built at its
  // first bootstrap and, with several counts, freed after its last.
  std::map<int, bool> live;
  for (const ProgramStep& s : p.steps) {
    if (s.op != ProgramOp::bootstrap) continue;
    live[s.slots] = true;
    double bytes = 0.0;
    for (const auto& [n, alive] : live) bytes += alive ? m.bytes_by_slots.at(n) : 0.0;
    m.peak_bytes = std::max(m.peak_bytes, bytes);
    if (--remaining.at(s.slots) == 0 && m.bytes_by_slots.size() > 1) live[s.slots] = false;
  }
  return m;
}

CkksSession::CkksSession(const ckks::Params& params, std::shared_ptr<const ckks::RelinKey> relin,
                         std::shared_ptr<const ckks::GaloisKeys> galois,
                         const std::optional<ckks::BootstrapLiteral>& boot, const Program& program,
                         StageKeyLoader stage_keys, std::shared_ptr<const ckks::EncapsulationKeys> encapsulation)
    : evaluator_(params, {std::move(relin), std::move(galois), std::move(encapsulation)}),
      encoder_(params),
      boot_(boot),
      stage_keys_(std::move(stage_keys)),
      uses_(bootstraps_by_slots(program)),
      remaining_(uses_),
      backend_(evaluator_, encoder_, program.options.slots,
               uses_.empty() ? Bootstrapper{}
                             : Bootstrapper([this](const ckks::Ciphertext& ct, int n) { return bootstrap(ct, n); })) {
  if (uses_.empty()) return;
  if (!boot_) {
    throw Error(ola::mismatch("CkksSession", "bootstrapping settings", "present (the program bootstraps)", "none"));
  }
  const int slots = program.options.slots;
  for (const auto& [n, count] : uses_) {
    if (n < 1 || n > slots || slots % n != 0) {
      throw Error(ola::mismatch("CkksSession", "bootstrap slot count", "a divisor of " + std::to_string(slots), n));
    }
  }
  for (const ProgramStep& s : program.steps) {
    if (s.op == ProgramOp::bootstrap) {
      build(s.slots);
      break;
    }
  }
}

const ckks::Bootstrapper& CkksSession::build(int n) {
  const auto it = live_.find(n);
  if (it != live_.end()) return *it->second;
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<const ckks::Bootstrapper> b;
  if (stage_keys_) {  // its own evaluator over the stage's keys: they go when the bootstrapper goes
    const ckks::Evaluator stage(evaluator_.params(),
                                {evaluator_.keys().relin, stage_keys_(n), evaluator_.keys().encapsulation});
    b = std::make_unique<const ckks::Bootstrapper>(stage, encoder_, *boot_, static_cast<std::size_t>(n));
  } else {
    b = std::make_unique<const ckks::Bootstrapper>(evaluator_, encoder_, *boot_, static_cast<std::size_t>(n));
  }
  build_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ++builds_;
  return *live_.emplace(n, std::move(b)).first->second;
}

ckks::Ciphertext CkksSession::bootstrap(const ckks::Ciphertext& ct, int n) {
  const auto it = remaining_.find(n);
  if (it == remaining_.end()) {
    throw Error(ola::mismatch("CkksBackend::bootstrap", "bootstrapper slot count", "one of " + slot_list(uses_), n));
  }
  ckks::Ciphertext out = build(n).bootstrap(ct);
  if (--it->second == 0) {  // the run's last bootstrap at n
    it->second = uses_.at(n);
    if (uses_.size() > 1) live_.erase(n);
  }
  return out;
}

std::vector<int> CkksSession::bootstrap_slots() const {
  std::vector<int> v;
  for (const auto& [n, count] : uses_) v.push_back(n);
  return v;
}

std::vector<int> CkksSession::live_bootstrappers() const {
  std::vector<int> v;
  for (const auto& [n, b] : live_) v.push_back(n);
  return v;
}

const ckks::Bootstrapper* CkksSession::bootstrapper(int n) const {
  const auto it = live_.find(n);
  return it == live_.end() ? nullptr : it->second.get();
}

}  // namespace ola::he
