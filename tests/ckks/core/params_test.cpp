#include "ckks/core/params.h"

#include <gtest/gtest.h>

#include "ckks/core/ckks.h"
#include "ckks/core/params_context.h"
#include "ckks/ring/primes.h"

namespace ola::ckks {
namespace {

TEST(Params, TestSetsBuildWithDistinctNttPrimes) {
  for (const auto& lit : {test_literal_n12(), test_literal_n13(), test_literal_n14()}) {
    const Params p(lit);
    std::vector<u64> all;
    for (const auto& m : p.q_moduli()) all.push_back(m.value);
    for (const auto& m : p.p_moduli()) all.push_back(m.value);
    for (std::size_t i = 0; i < all.size(); ++i) {
      EXPECT_TRUE(is_prime(all[i]));
      EXPECT_EQ(all[i] % (2 * p.n()), 1u);
      for (std::size_t j = 0; j < i; ++j) EXPECT_NE(all[i], all[j]);
    }
    for (std::size_t i = 0; i < p.q_count(); ++i) {
      const double bits = std::log2(static_cast<double>(p.q(i)));
      EXPECT_GT(bits, lit.log_q[i] - 1);
      EXPECT_LT(bits, lit.log_q[i]);
    }
    EXPECT_TRUE(p.test_only());
  }
}

TEST(Params, SecurityCheckRefusesTooLargeChain) {
  ParamsLiteral lit = test_literal_n13();
  lit.test_only = false;  // 60 + 7*40 + 120 = 460 > 218
  try {
    Params p(lit);
    FAIL() << "insecure set accepted";
  } catch (const ParamError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("218"), std::string::npos) << msg;
    EXPECT_NE(msg.find("460"), std::string::npos) << msg;
    EXPECT_NE(msg.find("test_only"), std::string::npos) << msg;
  }
}

TEST(Params, PeerChainIsSecureAtN16) {
  // Only checks the literal arithmetic (building N=2^16 tables is left to the one quick N16 test).
  const ParamsLiteral lit = peer_literal(16);
  int bits = 0;
  for (int b : lit.log_q) bits += b;
  for (int b : lit.log_p) bits += b;
  EXPECT_EQ(bits, 1717);
  EXPECT_LE(bits, max_log_qp_128(16));
  EXPECT_FALSE(lit.test_only);
  EXPECT_EQ(max_log_qp_128(15), 881);
  EXPECT_EQ(max_log_qp_128(14), 438);
}

TEST(Params, ValidationMessages) {
  ParamsLiteral lit = test_literal_n12();
  lit.log_n = 18;
  EXPECT_THROW({ Params p(lit); }, ParamError);
  try {
    Params p(lit);
  } catch (const ParamError& e) {
    EXPECT_STREQ(e.what(), "ParamsLiteral: log_n: expected 12..17, got 18");
  }
  lit = test_literal_n12();
  lit.log_q[2] = 62;
  EXPECT_THROW({ Params p(lit); }, ParamError);
  lit = test_literal_n12();
  lit.log_p = {30};  // smaller than a 40/55-bit digit
  EXPECT_THROW({ Params p(lit); }, ParamError);
  lit = test_literal_n12();
  lit.dnum = 9;
  EXPECT_THROW({ Params p(lit); }, ParamError);
  lit = test_literal_n12();
  lit.secret = SecretDistribution::fixed_hamming;
  lit.hamming_weight = 0;
  EXPECT_THROW({ Params p(lit); }, ParamError);
}

TEST(Params, FingerprintStableAndSensitive) {
  const Params a(test_literal_n12());
  const Params b(test_literal_n12());
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  EXPECT_EQ(a.fingerprint().size(), 64u);
  ParamsLiteral lit = test_literal_n12();
  lit.log_default_scale = 39;
  const Params c(lit);
  EXPECT_NE(a.fingerprint(), c.fingerprint());
  EXPECT_FALSE(a == c);
}

TEST(Params, DigitsAndDerivedDnum) {
  const Params p(test_literal_n13());  // 8 primes, dnum 4 -> alpha 2
  EXPECT_EQ(p.alpha(), 2);
  EXPECT_EQ(p.dnum(), 4);
  EXPECT_EQ(p.digits_at(0), 1);
  EXPECT_EQ(p.digits_at(1), 1);
  EXPECT_EQ(p.digits_at(2), 2);
  EXPECT_EQ(p.digits_at(7), 4);
  const Params q(test_literal_n12());  // 5 primes, 1 special prime -> dnum 5
  EXPECT_EQ(q.dnum(), 5);
  EXPECT_EQ(q.alpha(), 1);
}

}  // namespace
}  // namespace ola::ckks
