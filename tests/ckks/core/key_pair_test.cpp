// Key-pair identity: every key and ciphertext carries the KeyId of its secret key (in memory and
// in file headers), and a ciphertext of another key pair of the same parameter set is refused by
// the Decryptor, check_key_pair and the Evaluator instead of decrypting to noise.
#include <filesystem>
#include <unistd.h>

#include "ckks/core/serialization.h"
#include "ckks_fixture.h"

namespace ola::ckks {
namespace {
using testing::Ctx;
using testing::random_values;

using testing::error_of;

/// A second key pair of Ctx's parameter set.
const KeyGenerator& other_pair() {
  static const KeyGenerator kg(Ctx::get().params);
  return kg;
}

TEST(KeyPair, EveryKeyAndCiphertextCarriesTheSecretKeysId) {
  const Ctx& c = Ctx::get();
  const KeyId id = c.keygen.secret_key().key_id;
  ASSERT_TRUE(id.known());
  EXPECT_EQ(id.hex().size(), 32u);
  EXPECT_NE(id, other_pair().secret_key().key_id);  // 128 random bits each
  EXPECT_EQ(c.keygen.public_key().key_id, id);
  EXPECT_EQ(c.relin->key_id, id);
  EXPECT_EQ(c.galois->key_id, id);
  const Ciphertext ct = c.encrypt(random_values(8, 1), 2, 8);
  EXPECT_EQ(ct.key_id, id);
  // Carried through evaluation (fresh results of products and rotations included).
  EXPECT_EQ(c.eval->rescale(c.eval->mul(ct, ct)).key_id, id);
  EXPECT_EQ(c.eval->rotate(ct, 1).key_id, id);
  EXPECT_EQ(c.eval->rotate_hoisted(ct, std::vector<int>{1, 2})[1].key_id, id);
  // Public-key encryption too.
  const Encryptor pk_enc(c.params, c.keygen.public_key());
  EXPECT_EQ(pk_enc.encrypt_zero(1, c.params.default_scale(), 8).key_id, id);
}

TEST(KeyPair, FilesKeepTheId) {
  const Ctx& c = Ctx::get();
  const KeyId id = c.keygen.secret_key().key_id;
  const Params& p = c.params;
  EXPECT_EQ(secret_key_from_bytes(to_bytes(c.keygen.secret_key(), p), p, "sk").key_id, id);
  EXPECT_EQ(public_key_from_bytes(to_bytes(c.keygen.public_key(), p), p, "pk").key_id, id);
  EXPECT_EQ(relin_key_from_bytes(to_bytes(*c.relin, p), p, "rk").key_id, id);
  EXPECT_EQ(galois_keys_from_bytes(to_bytes(*c.galois, p), p, "gk").key_id, id);
  EXPECT_EQ(ciphertext_from_bytes(to_bytes(c.encrypt(random_values(4, 2), 1, 4), p), p, "ct").key_id, id);
  // The id sits in the header, after the fingerprint (docs/file-formats.md).
  const auto bytes = to_bytes(c.encrypt(random_values(4, 2), 1, 4), p);
  EXPECT_TRUE(std::equal(id.bytes.begin(), id.bytes.end(), bytes.begin() + 80));
}

TEST(KeyPair, DecryptingAnotherKeyPairsCiphertextIsRefused) {
  const Ctx& c = Ctx::get();
  const SecretKey& mine = c.keygen.secret_key();
  const SecretKey& theirs = other_pair().secret_key();
  const Encryptor enc(c.params, other_pair().public_key());
  const Ciphertext ct = enc.encrypt(c.encoder.encode(random_values(8, 3), 1, c.params.default_scale(), 8));
  EXPECT_EQ(error_of<OperandError>([&] { (void)c.decryptor.decrypt(ct); }),
            "Decryptor::decrypt: key pair: expected " + mine.key_id.hex() + " (the secret key's), got " +
                theirs.key_id.hex() + " (the ciphertext's: encrypted under another key pair)");
  // Through a file: the message names the file and both ids.
  const auto path = std::filesystem::temp_directory_path() / ("ola_key_pair_" + std::to_string(::getpid()) + ".ct");
  save(path, ct, c.params);
  const Ciphertext loaded = load_ciphertext(path, c.params);
  EXPECT_EQ(error_of<FormatError>([&] { check_key_pair(loaded, mine, path.string()); }),
            path.string() + ": header.key_id: expected " + mine.key_id.hex() + " (the secret key's key pair), got " +
                theirs.key_id.hex() + " (encrypted under another key pair)");
  std::filesystem::remove(path);
  // The right key pair still decrypts; an unknown id (a hand-built ciphertext) is not refused.
  EXPECT_NO_THROW(check_key_pair(loaded, theirs, "x"));
  EXPECT_NO_THROW((void)Decryptor(c.params, theirs).decrypt(loaded));
  Ciphertext anonymous = c.encrypt(random_values(8, 3), 1, 8);
  anonymous.key_id = KeyId{};
  EXPECT_NO_THROW((void)c.decryptor.decrypt(anonymous));
}

TEST(KeyPair, EvaluatorRefusesMixedKeyPairs) {
  const Ctx& c = Ctx::get();
  const Ciphertext a = c.encrypt(random_values(8, 4), 2, 8);
  const Encryptor enc(c.params, other_pair().public_key());
  const Ciphertext b = enc.encrypt(c.encoder.encode(random_values(8, 5), 2, c.params.default_scale(), 8));
  const std::string ids = a.key_id.hex() + " (first operand), got " + b.key_id.hex() + " (second operand)";
  EXPECT_EQ(error_of<OperandError>([&] { (void)c.eval->add(a, b); }), "Evaluator::add: key pair: expected " + ids);
  EXPECT_EQ(error_of<OperandError>([&] { (void)c.eval->mul(a, b); }), "Evaluator::mul: key pair: expected " + ids);
  // Keys of one pair, ciphertext of the other.
  EXPECT_NE(error_of<OperandError>([&] { (void)c.eval->rotate(b, 1); }).find("key pair of the Galois key for rotation step 1"),
            std::string::npos);
  EXPECT_NE(error_of<OperandError>([&] { (void)c.eval->mul(b, b); }).find("key pair of the relinearisation key"),
            std::string::npos);
  // Relinearisation and Galois keys of different pairs cannot be combined.
  auto other_gk = std::make_shared<const GaloisKeys>(other_pair().galois_keys(std::vector<int>{1}));
  EXPECT_NE(error_of<OperandError>([&] { Evaluator(c.params, EvaluationKeys{c.relin, other_gk}); })
                .find("Evaluator: key pair of the Galois keys"),
            std::string::npos);
}

}  // namespace
}  // namespace ola::ckks
