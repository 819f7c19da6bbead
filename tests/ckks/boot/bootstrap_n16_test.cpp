// The one N = 2^16 bootstrapping test (the proposed 128-bit chain, full slots): precision,
// levels left and key memory against the targets of docs/bootstrapping.md.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>

#include "ckks/boot/boot_params.h"
#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"

namespace ola::ckks {
namespace {

double key_bytes(const SwitchingKey& k) {
  double b = 0;
  for (const auto& p : k.b) b += static_cast<double>(p.data.size()) * 8.0;
  for (const auto& p : k.a) b += static_cast<double>(p.data.size()) * 8.0;
  return b;
}

TEST(BootstrapN16, FullSlotsMeetPrecisionLevelAndKeyTargets) {
  const Params params(bootstrap_params_n16());
  EXPECT_FALSE(params.test_only());
  EXPECT_LE(params.log_qp(), max_log_qp_128(16));
  const BootstrapLiteral lit;
  const std::size_t slots = params.max_slots();
  const KeyGenerator keygen(params);
  auto relin = std::make_shared<RelinKey>(keygen.relin_key());
  auto galois = std::make_shared<GaloisKeys>(keygen.galois_keys(bootstrap_rotation_steps(params, lit, slots), true));
  double bytes = key_bytes(relin->key);
  for (const auto& [g, k] : galois->keys) bytes += key_bytes(k);
  EXPECT_LE(bytes, 8e9);

  const Encoder encoder(params);
  const Evaluator ev(params, EvaluationKeys{relin, galois});
  const Bootstrapper boot(ev, encoder, lit, slots);
  EXPECT_GE(boot.levels_after(), 10);

  std::mt19937_64 rng(16);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> x(slots);
  for (auto& v : x) v = u(rng);
  const Encryptor enc(params, keygen.secret_key());
  const Ciphertext ct = enc.encrypt(encoder.encode(std::span<const double>(x), 0, params.default_scale(), slots));
  const Ciphertext out = boot.bootstrap(ct);
  EXPECT_EQ(out.level, boot.levels_after());
  const auto got = encoder.decode(Decryptor(params, keygen.secret_key()).decrypt(out));
  double err = 0;
  for (std::size_t i = 0; i < slots; ++i) err = std::max(err, std::abs(got[i] - std::complex<double>(x[i], 0)));
  EXPECT_GE(-std::log2(err), 20.0) << "max error " << err;
}

}  // namespace
}  // namespace ola::ckks
