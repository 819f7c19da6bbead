// Key-pair ids through the client/server files of he/io: the client's secret file, the server's
// evaluation keys and the encrypted logits keep the ids of ckks/core, so `ola decrypt` refuses
// logits of another key pair (ckks::check_key_pair) with the file's name and both ids.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "ckks/core/ckks.h"
#include "he/io/party_files.h"

namespace ola::he {
namespace {

TEST(PartyFilesKeyPair, IdsSurviveTheFilesAndForeignLogitsAreRefused) {
  const auto dir = std::filesystem::temp_directory_path() / ("ola_party_key_pair_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const ckks::Params params(ckks::test_literal_n12());
  const ckks::KeyGenerator mine(params), theirs(params);
  const ckks::KeyId id = mine.secret_key().key_id;
  ASSERT_NE(id, theirs.secret_key().key_id);

  save_client_secret(dir / "sk.bin", {params, mine.secret_key(), make_layout(3, 8, 8, 1, 2048), 4, "fp"});
  const ClientSecret s = load_client_secret(dir / "sk.bin");
  EXPECT_EQ(s.secret.key_id, id);

  const std::vector<int> steps{1};
  save_evaluation_keys(dir / "evk.bin", EvaluationKeys{.params = params,
                                                       .relin = mine.relin_key(),
                                                       .galois = mine.galois_keys(steps),
                                                       .rotation_steps = steps,
                                                       .program = "fp",
                                                       .param_set = "test-n12",
                                                       .slots = 2048});
  const EvaluationKeys k = load_evaluation_keys(dir / "evk.bin");
  EXPECT_EQ(k.relin.key_id, id);
  EXPECT_EQ(k.galois.key_id, id);

  // Logits encrypted under the other key pair of the same parameters.
  const ckks::Encoder encoder(params);
  const ckks::Encryptor enc(params, theirs.public_key());
  const auto logits = dir / "logits.bin";
  save_encrypted_logits(logits, {enc.encrypt(encoder.encode(std::vector<double>{0.5}, 1, params.default_scale(), 1)), {0}, "fp"},
                        params);
  const EncryptedLogits l = load_encrypted_logits(logits, params);
  EXPECT_EQ(l.ct.key_id, theirs.secret_key().key_id);
  try {
    ckks::check_key_pair(l.ct, s.secret, logits.string() + ": ciphertext");
    ADD_FAILURE() << "logits of another key pair were accepted";
  } catch (const FormatError& e) {
    EXPECT_EQ(std::string(e.what()), logits.string() + ": ciphertext: header.key_id: expected " + id.hex() +
                                         " (the secret key's key pair), got " + theirs.secret_key().key_id.hex() +
                                         " (encrypted under another key pair)");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ola::he
