// he/io party files: round trips, the 0600 secret file, and refusals (secret key given to the
// server, truncated file, other parameters, wrong kind).
#include "he/io/party_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "util/atomic_file.h"
#include "util/error.h"

namespace ola::he {
namespace {

struct Dir {
  std::filesystem::path p = std::filesystem::temp_directory_path() / ("he_io_" + std::to_string(::getpid()));
  Dir() { std::filesystem::create_directories(p); }
  ~Dir() { std::filesystem::remove_all(p); }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const FormatError& e) {
    return e.what();
  }
  return "no FormatError";
}

TEST(IoPartyFiles, RoundTripsAndRefusals) {
  const Dir d;
  const ckks::Params params(ckks::test_literal_n12());
  const ckks::KeyGenerator kg(params);
  const std::vector<int> steps{1, 2, 16};
  const Layout l = make_layout(3, 8, 8, 1, 2048);
  save_client_secret(d.p / "sk.bin", {params, kg.secret_key(), l, 4, "fp1"});
  save_evaluation_keys(d.p / "evk.bin",
                       {params, kg.relin_key(), kg.galois_keys(steps), steps, "fp1", "test-n12", 2048, true, {}, {}});

  struct stat st {};
  ASSERT_EQ(::stat((d.p / "sk.bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const ClientSecret s = load_client_secret(d.p / "sk.bin");
  EXPECT_EQ(s.params, params);
  EXPECT_EQ(s.secret.coeffs, kg.secret_key().coeffs);
  EXPECT_EQ(s.input_layout, l);
  EXPECT_EQ(s.fresh_level, 4);
  EXPECT_EQ(s.program, "fp1");
  const EvaluationKeys k = load_evaluation_keys(d.p / "evk.bin");
  EXPECT_EQ(k.rotation_steps, steps);
  EXPECT_EQ(k.galois.keys.size(), 3u);
  EXPECT_EQ(k.program, "fp1");
  EXPECT_EQ(k.param_set, "test-n12");
  EXPECT_EQ(k.slots, 2048);
  EXPECT_TRUE(k.stage_bootstraps);

  // The server refuses secret keys (ours and a plain CKKS secret key file) by kind.
  EXPECT_NE(error_of([&] { load_evaluation_keys(d.p / "sk.bin"); }).find("kind: expected evaluation keys"),
            std::string::npos);
  ckks::save(d.p / "raw_sk.bin", kg.secret_key(), params);
  EXPECT_NE(error_of([&] { load_evaluation_keys(d.p / "raw_sk.bin"); }).find("CKKS secret key file"), std::string::npos);
  EXPECT_NE(error_of([&] { load_input_ciphertext(d.p / "sk.bin", params); }).find("secret key"), std::string::npos);
  // The client refuses evaluation keys as its secret file.
  EXPECT_NE(error_of([&] { load_client_secret(d.p / "evk.bin"); }).find("got an evaluation key file"), std::string::npos);

  // Truncation is reported, not read past.
  auto bytes = read_file_bytes(d.p / "evk.bin");
  bytes.resize(bytes.size() / 2);
  write_file_atomic(d.p / "cut.bin", bytes);
  EXPECT_NE(error_of([&] { load_evaluation_keys(d.p / "cut.bin"); }).find("truncated"), std::string::npos);

  // Stage key sets: sections of their own, read one at a time, checked against the key pair.
  const std::vector<int> one{1}, two_steps{4, 8}, last{16};
  EvaluationKeys staged{params, kg.relin_key(), kg.galois_keys(one), one, "fp1", "test-n12", 2048, true, {256, 512}, {}};
  staged.stage_galois.emplace(256, kg.galois_keys(two_steps));
  EXPECT_THROW(save_evaluation_keys(d.p / "staged.bin", staged), Error);  // 512's set is missing
  EXPECT_FALSE(std::filesystem::exists(d.p / "staged.bin"));
  staged.stage_galois.emplace(512, kg.galois_keys(last));
  save_evaluation_keys(d.p / "staged.bin", staged);
  // The client's way: each stage set made as its section is written (one alive at a time), the
  // same file byte for byte.
  EvaluationKeys made = staged;
  made.stage_galois.clear();
  std::vector<int> asked;
  save_evaluation_keys(d.p / "made.bin", made, [&](int slots) {
    asked.push_back(slots);
    return staged.stage_galois.at(slots);
  });
  EXPECT_EQ(asked, (std::vector<int>{256, 512}));
  EXPECT_EQ(read_file_bytes(d.p / "made.bin"), read_file_bytes(d.p / "staged.bin"));
  EXPECT_THROW(save_evaluation_keys(d.p / "made2.bin", staged, [&](int) { return kg.galois_keys(one); }), Error);
  EXPECT_THROW(save_evaluation_keys(d.p / "made2.bin", made, [](int) -> ckks::GaloisKeys { throw Error("maker failed"); }),
               Error);
  EXPECT_FALSE(std::filesystem::exists(d.p / "made2.bin"));
  const EvaluationKeys ks = load_evaluation_keys(d.p / "staged.bin");
  EXPECT_EQ(ks.stage_slots, (std::vector<int>{256, 512}));
  EXPECT_TRUE(ks.stage_galois.empty());  // not read
  EXPECT_EQ(ks.galois.keys.size(), 1u);
  const ckks::GaloisKeys g256 = load_stage_galois_keys(d.p / "staged.bin", params, ks.relin.key_id, 256);
  EXPECT_EQ(g256.keys.size(), 2u);
  EXPECT_TRUE(g256.has(ckks::galois_element_for_step(params, 8)));
  EXPECT_EQ(load_stage_galois_keys(d.p / "staged.bin", params, ks.relin.key_id, 512).keys.size(), 1u);
  EXPECT_NE(error_of([&] { load_stage_galois_keys(d.p / "staged.bin", params, ks.relin.key_id, 128); })
                .find("stage_slots: expected a key set for 128 slots"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_stage_galois_keys(d.p / "evk.bin", params, ks.relin.key_id, 256); })
                .find("keys made without --keys-per-stage"),
            std::string::npos);
  const ckks::KeyGenerator other_pair(params);
  EXPECT_NE(error_of([&] { load_stage_galois_keys(d.p / "staged.bin", params, other_pair.relin_key().key_id, 256); })
                .find("key_id"),
            std::string::npos);
  // A cut stage section is reported when the file is opened, before any key is read.
  std::filesystem::resize_file(d.p / "staged.bin", std::filesystem::file_size(d.p / "staged.bin") - 8);
  EXPECT_NE(error_of([&] { load_evaluation_keys(d.p / "staged.bin"); }).find("(truncated)"), std::string::npos);

  // Logits: round trip, and refused under other parameters (fingerprint).
  const ckks::Encoder enc(params);
  const ckks::Encryptor encryptor(params, kg.secret_key());
  const std::vector<double> v(2048, 0.25);
  const ckks::Ciphertext ct = encryptor.encrypt(enc.encode(v, params.max_level(), params.default_scale(), v.size()));
  save_encrypted_logits(d.p / "logits.ct", {ct, {0, 5, 9}, "fp1"}, params);
  const EncryptedLogits back = load_encrypted_logits(d.p / "logits.ct", params);
  EXPECT_EQ(back.logit_slots, (std::vector<int>{0, 5, 9}));
  EXPECT_EQ(back.ct.level, ct.level);
  const ckks::Params other(ckks::test_literal_n13());
  EXPECT_NE(error_of([&] { load_encrypted_logits(d.p / "logits.ct", other); }).find("fingerprint"), std::string::npos);
}

}  // namespace
}  // namespace ola::he
