// Params files: test-only sets need the reader's opt-in, and a file asking for a huge ring is
// refused from its sizes, or by fingerprint, before any NTT table is built.
#include "ckks/core/serialization.h"
#include "ckks_fixture.h"
#include "fuzz/fuzz_params.h"

namespace ola::ckks {
namespace {

using testing::contains;

std::string format_error_of(const std::function<void()>& f) { return testing::error_of<FormatError>(f); }

TEST(ParamsFile, TestOnlySetsNeedTheReadersOptIn) {
  const Params p(test_literal_n12());
  const auto bytes = to_bytes(p);
  EXPECT_EQ(format_error_of([&] { (void)params_from_bytes(bytes, "p.bin"); }),
            "p.bin: test_only: expected 0 (a 128-bit set; this reader does not accept test-only sets), got 1 (an "
            "insecure test-only set)");
  EXPECT_EQ(params_from_bytes(bytes, "p.bin", {.allow_test_only = true}).fingerprint(), p.fingerprint());
  // A 128-bit set needs no opt-in.
  const Params secure(ParamsLiteral{.log_n = 12, .log_q = {50}, .log_p = {50}, .log_default_scale = 40});
  ASSERT_FALSE(secure.test_only());
  EXPECT_EQ(params_from_bytes(to_bytes(secure), "p.bin").fingerprint(), secure.fingerprint());
}

TEST(ParamsFile, HugeRingsAreRefusedFromTheirSizes) {
  const ParamsFileOptions allow{.allow_test_only = true};
  // 256 q primes at N = 2^17 (1,401 bytes): took 21.4 s and 1.45 GB before the caps.
  EXPECT_EQ(format_error_of([&] { (void)params_from_bytes(fuzz::params_file(17, 256, 64), "huge.bin", allow); }),
            "huge.bin: log_q.size: expected 1..64, got 256");
  EXPECT_EQ(format_error_of([&] { (void)params_from_bytes(fuzz::params_file(12, 1, 17), "huge.bin", allow); }),
            "huge.bin: log_p.size: expected 1..16, got 17");
  EXPECT_EQ(format_error_of([&] { (void)params_from_bytes(fuzz::params_file(17, 64, 16), "huge.bin", allow); }),
            "huge.bin: N x (L + 1 + k): expected <= 4194304, got 10485760 (2^17 x 80 primes)");
  EXPECT_EQ(format_error_of([&] { (void)params_from_bytes(fuzz::params_file(18, 1, 1), "huge.bin", allow); }),
            "huge.bin: log_n: expected 12..17, got 18");
}

TEST(ParamsFile, FingerprintIsCheckedFromThePrimesAlone) {
  // literal_fingerprint (primes only, no tables) is the fingerprint Params builds.
  for (const auto& lit : {test_literal_n12(), test_literal_n13(), fuzz::fuzz_literal()}) {
    EXPECT_EQ(literal_fingerprint(lit), Params(lit).fingerprint());
  }
  // Within the caps (2^16 x 64 limbs) but with a fingerprint of no set: refused by fingerprint.
  const std::string msg = format_error_of(
      [&] { (void)params_from_bytes(fuzz::params_file(16, 60, 4), "big.bin", {.allow_test_only = true}); });
  EXPECT_TRUE(contains(msg, "big.bin: header.fingerprint: expected ")) << msg;
  EXPECT_TRUE(contains(msg, ", got " + std::string(64, '0'))) << msg;
}

}  // namespace
}  // namespace ola::ckks
