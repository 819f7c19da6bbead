// Secret key memory is wiped before it is freed: the SecretKey destructor and assignments, and the
// secret temporaries of key generation, encryption, decryption and key files. The global operator
// delete of this executable searches every freed block for bytes of s, s^2 and s(X^g)
// (freed_memory_watch.h), so a missing wipe fails the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "ckks/core/ckks.h"
#include "ckks/core/poly_transform.h"
#include "freed_memory_watch.h"
#include "util/secure_memory.h"

namespace ola::ckks {
namespace {
using testing::FreedMemoryWatch;
using testing::needle;

constexpr std::size_t kNeedleBytes = 64;

/// N = 2^12, two q and one p (test-only): small and fast, with a P limb and a second level.
const Params& small_params() {
  static const Params p(ParamsLiteral{.log_n = 12, .log_q = {50, 40}, .log_p = {50}, .test_only = true});
  return p;
}

/// Byte strings of the secret that must never reach free(): the coefficients, and limb 0 and the
/// P limb of s, s^2 and s(X^g) (NTT form) for the Galois element g.
std::vector<std::vector<std::uint8_t>> secret_needles(const SecretKey& sk, const Params& params, std::uint64_t g) {
  const auto mods = params.qp_moduli(params.max_level());
  RnsPoly s2(params.n(), mods.size()), sg(params.n(), mods.size());
  poly_mul(sk.s_qp, sk.s_qp, s2, mods, mods.size());
  apply_galois_ntt(sk.s_qp, sg, mods.size(), galois_permutation_ntt(params.n(), g));
  std::vector<std::vector<std::uint8_t>> out{needle(sk.coeffs.data(), kNeedleBytes)};
  for (const RnsPoly* p : {&sk.s_qp, static_cast<const RnsPoly*>(&s2), static_cast<const RnsPoly*>(&sg)}) {
    out.push_back(needle(p->limb(0), kNeedleBytes));
    out.push_back(needle(p->limb(params.q_count()), kNeedleBytes));
  }
  // The test's own copies are wiped too: a plain std::fill before free may be optimised away, and
  // the stale block, reused and freed later while the watch is on, would be reported.
  secure_wipe(s2.data);
  secure_wipe(sg.data);
  return out;
}

TEST(SecretWipe, WipeZerosCoefficientsAndNttForm) {
  KeyGenerator kg(small_params());
  SecretKey sk = kg.secret_key();
  ASSERT_NE(std::count(sk.coeffs.begin(), sk.coeffs.end(), 0), static_cast<std::ptrdiff_t>(sk.coeffs.size()));
  sk.wipe();
  EXPECT_EQ(std::count(sk.coeffs.begin(), sk.coeffs.end(), 0), static_cast<std::ptrdiff_t>(sk.coeffs.size()));
  EXPECT_EQ(std::count(sk.s_qp.data.begin(), sk.s_qp.data.end(), 0u), static_cast<std::ptrdiff_t>(sk.s_qp.data.size()));
  EXPECT_EQ(sk.coeffs.size(), small_params().n());  // sizes kept
}

TEST(SecretWipe, NoFreedBlockHoldsTheSecret) {
  if (!testing::freed_memory_watch_available()) GTEST_SKIP() << "operator delete is the sanitizer's";
  const Params& params = small_params();
  auto kg = std::make_unique<KeyGenerator>(params);
  const std::uint64_t g = galois_element_for_step(params, 1);
  const auto dir = std::filesystem::temp_directory_path() / ("ola_secret_wipe_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Encoder encoder(params);
  const Plaintext pt = encoder.encode(std::vector<double>{0.5, -0.25}, params.max_level(), params.default_scale(), 2);
  {
    FreedMemoryWatch watch(secret_needles(kg->secret_key(), params, g));
    // Key generation: s restricted per level, s^2, s(X^g), a*s, and the keys themselves.
    (void)kg->public_key();
    (void)kg->relin_key();
    (void)kg->galois_keys(std::vector<int>{1}, true, 0);
    // Copies, assignments and moves of the secret key.
    {
      SecretKey copy = kg->secret_key();
      SecretKey other = kg->secret_key();
      other = copy;             // copy-assign over a key
      other = SecretKey(copy);  // move-assign over a key
      SecretKey moved(std::move(copy));
    }
    // Encryption and decryption (degree 2: s^2) with their own copies of the key.
    {
      const Encryptor enc(params, kg->secret_key());
      const Decryptor dec(params, kg->secret_key());
      const Evaluator ev(params);
      const Ciphertext ct = enc.encrypt(pt);
      (void)dec.decrypt(ev.mul_no_relin(ct, ct));
    }
    // Files: the serialised bytes on save, the file's bytes on load.
    save(dir / "sk.bin", kg->secret_key(), params);
    { const SecretKey loaded = load_secret_key(dir / "sk.bin", params); }
    { const KeyGenerator again(params, kg->secret_key()); }
    kg.reset();  // the generator's own key
    EXPECT_GT(watch.inspected(), 0u);
    EXPECT_EQ(watch.leaks(), 0u) << "freed blocks still holding bytes of s, s^2 or s(X^g)";
  }
  std::filesystem::remove_all(dir);
}

TEST(SecretWipe, TheWatchSeesAnUnwipedSecret) {
  // The check above can fail: a plain copy of the coefficients freed without a wipe is found.
  if (!testing::freed_memory_watch_available()) GTEST_SKIP() << "operator delete is the sanitizer's";
  KeyGenerator kg(small_params());
  FreedMemoryWatch watch(secret_needles(kg.secret_key(), small_params(), 5));
  { const std::vector<std::int8_t> plain = kg.secret_key().coeffs; }
  EXPECT_EQ(watch.leaks(), 1u);
}

}  // namespace
}  // namespace ola::ckks
