#include "he/ckks_session.h"

#include <string>
#include <tuple>
#include <utility>

#include "util/error.h"

namespace ola::he {
namespace {

std::map<int, ckks::Bootstrapper> make_boots(const ckks::Evaluator& ev, const ckks::Encoder& enc,
                                             const std::optional<ckks::BootstrapLiteral>& boot, int slots,
                                             std::span<const int> bootstrap_slots) {
  std::map<int, ckks::Bootstrapper> boots;
  if (bootstrap_slots.empty()) return boots;
  if (!boot) {
    throw Error(ola::mismatch("CkksSession", "bootstrapping settings", "present (bootstrappers requested)", "none"));
  }
  for (int n : bootstrap_slots) {
    if (n < 1 || n > slots || slots % n != 0) {
      throw Error(ola::mismatch("CkksSession", "bootstrap slot count", "a divisor of " + std::to_string(slots), n));
    }
    if (boots.count(n) != 0) continue;
    boots.emplace(std::piecewise_construct, std::forward_as_tuple(n),
                  std::forward_as_tuple(ev, enc, *boot, static_cast<std::size_t>(n)));
  }
  return boots;
}

}  // namespace

CkksSession::CkksSession(const ckks::Params& params, std::shared_ptr<const ckks::RelinKey> relin,
                         std::shared_ptr<const ckks::GaloisKeys> galois,
                         const std::optional<ckks::BootstrapLiteral>& boot, int slots,
                         std::span<const int> bootstrap_slots)
    : evaluator_(params, {std::move(relin), std::move(galois)}),
      encoder_(params),
      boots_(make_boots(evaluator_, encoder_, boot, slots, bootstrap_slots)),
      backend_(evaluator_, encoder_, slots, bind_bootstrappers(boots_)) {}

const ckks::Bootstrapper* CkksSession::bootstrapper(int n) const {
  const auto it = boots_.find(n);
  return it == boots_.end() ? nullptr : &it->second;
}

}  // namespace ola::he
