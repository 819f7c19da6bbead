#include "he/ckks_session.h"

#include <utility>

namespace ola::he {
namespace {

std::optional<ckks::Bootstrapper> make_boot(const ckks::Evaluator& ev, const ckks::Encoder& enc,
                                            const std::optional<ckks::BootstrapLiteral>& boot, int slots) {
  if (!boot) return std::nullopt;
  return std::optional<ckks::Bootstrapper>(std::in_place, ev, enc, *boot, static_cast<std::size_t>(slots));
}

}  // namespace

CkksSession::CkksSession(const ckks::Params& params, std::shared_ptr<const ckks::RelinKey> relin,
                         std::shared_ptr<const ckks::GaloisKeys> galois,
                         const std::optional<ckks::BootstrapLiteral>& boot, int slots)
    : evaluator_(params, {std::move(relin), std::move(galois)}),
      encoder_(params),
      boot_(make_boot(evaluator_, encoder_, boot, slots)),
      backend_(evaluator_, encoder_, slots, bind_bootstrapper(bootstrapper())) {}

}  // namespace ola::he
