// Wrong-party checks: the server-side types cannot be handed a secret key, key files cannot be
// read as another kind, and keys or ciphertexts of another parameter set are refused by
// fingerprint (ckks/core: Encryptor, Decryptor, Evaluator, KeyGenerator, serialization).
#include <type_traits>

#include "he/ckks_backend.h"
#include "security_fixture.h"

namespace ola::security_test {
namespace {

using namespace ola::ckks;

// The server holds an Evaluator (evaluation keys only) and the he backend over it. Neither has a
// constructor taking a SecretKey, and EvaluationKeys has no room for one: a server API cannot be
// handed the secret by mistake (a compile error, checked here so a new overload cannot slip in).
static_assert(!std::is_constructible_v<Evaluator, Params, SecretKey>);
static_assert(!std::is_constructible_v<Evaluator, Params, EvaluationKeys, SecretKey>);
static_assert(!std::is_constructible_v<EvaluationKeys, SecretKey>);
static_assert(!std::is_constructible_v<EvaluationKeys, std::shared_ptr<const SecretKey>>);
static_assert(!std::is_constructible_v<he::CkksBackend, const Evaluator&, const Encoder&, int, SecretKey>);
static_assert(!std::is_convertible_v<SecretKey, RelinKey> && !std::is_convertible_v<SecretKey, GaloisKeys>);

TEST(WrongParty, SecretKeyFileIsNotAcceptedAsAnEvaluationKey) {
  const Party& a = Party::a();
  const auto sk = to_bytes(a.keygen.secret_key(), a.params);
  for (const auto& msg : {error_of<FormatError>([&] { (void)relin_key_from_bytes(sk, a.params, "sk.bin"); }),
                          error_of<FormatError>([&] { (void)galois_keys_from_bytes(sk, a.params, "sk.bin"); }),
                          error_of<FormatError>([&] { (void)public_key_from_bytes(sk, a.params, "sk.bin"); }),
                          error_of<FormatError>([&] { (void)ciphertext_from_bytes(sk, a.params, "sk.bin"); })}) {
    EXPECT_TRUE(contains(msg, "sk.bin: header.kind: expected ")) << msg;
    EXPECT_TRUE(contains(msg, "got 2")) << msg;  // FileKind::secret_key
  }
  // And the reverse: a public key is not a secret key.
  const auto pk = to_bytes(a.keygen.public_key(), a.params);
  EXPECT_TRUE(contains(error_of<FormatError>([&] { (void)secret_key_from_bytes(pk, a.params, "pk.bin"); }),
                       "pk.bin: header.kind: expected secret_key (2), got 3"));
}

TEST(WrongParty, KeysOfAnotherParameterSetAreRefusedByFingerprint) {
  const Party& a = Party::a();
  const Party& b = Party::b();
  ASSERT_NE(a.params.fingerprint(), b.params.fingerprint());
  const std::string fa = a.params.fingerprint(), fb = b.params.fingerprint();
  EXPECT_EQ(error_of<OperandError>([&] { Decryptor(a.params, b.keygen.secret_key()); }),
            "Decryptor: key parameters: expected " + fa + ", got " + fb);
  EXPECT_EQ(error_of<OperandError>([&] { Encryptor(a.params, b.keygen.public_key()); }),
            "Encryptor: key parameters: expected " + fa + ", got " + fb);
  EXPECT_EQ(error_of<OperandError>([&] { Encryptor(a.params, b.keygen.secret_key()); }),
            "Encryptor: key parameters: expected " + fa + ", got " + fb);
  EXPECT_EQ(error_of<OperandError>([&] { KeyGenerator(a.params, b.keygen.secret_key()); }),
            "KeyGenerator: secret key parameters: expected " + fa + ", got " + fb);
  auto rk = std::make_shared<const RelinKey>(b.keygen.relin_key());
  EXPECT_EQ(error_of<OperandError>([&] { Evaluator(a.params, EvaluationKeys{rk, nullptr}); }),
            "Evaluator: relin key parameters: expected " + fa + ", got " + fb);
  const std::vector<int> steps = {1};
  auto gk = std::make_shared<const GaloisKeys>(b.keygen.galois_keys(steps));
  EXPECT_EQ(error_of<OperandError>([&] { Evaluator(a.params, EvaluationKeys{nullptr, gk}); }),
            "Evaluator: Galois key parameters: expected " + fa + ", got " + fb);
}

TEST(WrongParty, FilesOfAnotherParameterSetAreRefusedByFingerprint) {
  const Party& a = Party::a();
  const Party& b = Party::b();
  const std::string want = "x.bin: header.fingerprint: expected " + a.params.fingerprint() + ", got " +
                           b.params.fingerprint();
  EXPECT_EQ(error_of<FormatError>([&] { (void)secret_key_from_bytes(to_bytes(b.keygen.secret_key(), b.params), a.params, "x.bin"); }), want);
  EXPECT_EQ(error_of<FormatError>([&] { (void)public_key_from_bytes(to_bytes(b.keygen.public_key(), b.params), a.params, "x.bin"); }), want);
  EXPECT_EQ(error_of<FormatError>([&] { (void)relin_key_from_bytes(to_bytes(b.keygen.relin_key(), b.params), a.params, "x.bin"); }), want);
  EXPECT_EQ(error_of<FormatError>([&] { (void)ciphertext_from_bytes(to_bytes(b.encrypt({0.5}), b.params), a.params, "x.bin"); }), want);
}

}  // namespace
}  // namespace ola::security_test
