// The client/server workflow through the real binary: keygen, encrypt, infer, decrypt of a small
// CNN at the test-only N = 2^13 parameters; the decrypted class must equal the plaintext
// simulation's (`ola infer --simulate`), and wrong-party / wrong-parameter files are refused.
// The model is written here as raw ONNX protobuf bytes (cli_tests link only ola_util).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "he_cli_fixture.h"

namespace {

using namespace ola::test::he_cli;

TEST(HeCli, SmallCnnThroughKeygenEncryptInferDecryptMatchesTheSimulation) {
  const Files f;
  write_text(f("small.onnx"), small_cnn_onnx());
  write_text(f("plan.json"), plan_json({6.0, 6.0}).dump());
  const std::string mp = " --model " + f("small.onnx") + " --plan " + f("plan.json");

  auto r = run_ola("keygen --params test-n13" + mp + " --out-secret " + f("sk.bin") + " --out-eval " + f("evk.bin"));
  ASSERT_EQ(r.exit_code, 0) << r.all;
  struct stat st {};
  ASSERT_EQ(::stat(f("sk.bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  for (int index : {0, 1}) {
    r = run_ola("encrypt --secret " + f("sk.bin") + " --index " + std::to_string(index) + " --out " + f("ct.bin"));
    ASSERT_EQ(r.exit_code, 0) << r.all;
    r = run_ola("infer" + mp + " --eval " + f("evk.bin") + " --in " + f("ct.bin") + " --out " + f("logits.ct"));
    ASSERT_EQ(r.exit_code, 0) << r.all;
    EXPECT_NE(r.all.find("per-layer breakdown"), std::string::npos) << r.all;
    EXPECT_NE(r.all.find("[5/5] pool_fc"), std::string::npos) << r.all;
    expect_decrypted_matches_simulation(f, mp, "test-n13", index);
  }

  // The server refuses a secret key, and a ciphertext of other parameters.
  r = run_ola("infer" + mp + " --eval " + f("sk.bin") + " --in " + f("ct.bin") + " --out " + f("x.ct"));
  EXPECT_EQ(r.exit_code, 2) << r.all;
  EXPECT_NE(r.all.find("secret key"), std::string::npos) << r.all;
  r = run_ola("infer" + mp + " --eval " + f("evk.bin") + " --in " + f("sk.bin") + " --out " + f("x.ct"));
  EXPECT_EQ(r.exit_code, 2) << r.all;
  EXPECT_NE(r.all.find("secret key"), std::string::npos) << r.all;
  r = run_ola("keygen --params test-n14" + mp + " --out-secret " + f("sk14.bin") + " --out-eval " + f("evk14.bin"));
  ASSERT_EQ(r.exit_code, 0) << r.all;
  r = run_ola("infer" + mp + " --eval " + f("evk14.bin") + " --in " + f("ct.bin") + " --out " + f("x.ct"));
  EXPECT_EQ(r.exit_code, 2) << r.all;
  EXPECT_NE(r.all.find("fingerprint"), std::string::npos) << r.all;
  EXPECT_FALSE(std::filesystem::exists(f("x.ct")));
  // Keys of another plan are refused by program fingerprint.
  write_text(f("plan2.json"), plan_json({5.0, 7.0}).dump());
  r = run_ola("infer --model " + f("small.onnx") + " --plan " + f("plan2.json") + " --eval " + f("evk.bin") +
              " --in " + f("ct.bin") + " --out " + f("x.ct"));
  EXPECT_EQ(r.exit_code, 2) << r.all;
  EXPECT_NE(r.all.find("program"), std::string::npos) << r.all;
}

TEST(HeCli, AReplacementListRunsEncryptedLikeAPlanWithTheSamePolynomials) {
  // `ola uniform-plan`'s replacement list as --plan: every site listed, bootstraps by the compiler.
  const Files f;
  write_text(f("small.onnx"), small_cnn_onnx());
  const nlohmann::json plan = plan_json({6.0, 6.0});
  nlohmann::json list = nlohmann::json::array();
  for (const auto& site : plan["sites"]) list.push_back({{"site", site["index"]}, {"approximation", site["approximation"]}});
  write_text(f("list.json"), list.dump());
  auto r = run_ola("bench infer --model " + f("small.onnx") + " --plan " + f("list.json") + " --images 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  EXPECT_EQ(nlohmann::json::parse(r.out)["agreement"], 1.0);
  list.erase(1);
  write_text(f("short.json"), list.dump());
  r = run_ola("keygen --model " + f("small.onnx") + " --plan " + f("short.json") + " --estimate-only");
  EXPECT_NE(r.exit_code, 0) << r.all;
  EXPECT_NE(r.all.find("site relu_1: expected a polynomial"), std::string::npos) << r.all;
}

TEST(HeCli, BenchInferReportsAgreementAndErrorAgainstTheSimulation) {
  const Files f;
  write_text(f("small.onnx"), small_cnn_onnx());
  write_text(f("plan.json"), plan_json({6.0, 6.0}).dump());
  const auto r = run_ola("bench infer --model " + f("small.onnx") + " --plan " + f("plan.json") + " --images 2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["images"], 2);
  EXPECT_EQ(j["bootstraps"], 0);
  EXPECT_EQ(j["agreement"], 1.0);
  EXPECT_GE(j["threads"].get<int>(), 1);  // default: all cores
  EXPECT_GT(j["seconds_per_image"].get<double>(), 0.0);
  EXPECT_GT(j["peak_rss_mb"].get<double>(), 1.0);
  EXPECT_LT(j["max_logit_error_bits"].get<double>(), -12.0);

  // Images 3 and 4 of the bundled test file, one JSON line each in the log (appended to).
  write_text(f("images.jsonl"), "");
  const auto part = run_ola("bench infer --model " + f("small.onnx") + " --plan " + f("plan.json") +
                            " --first-image 3 --images 2 --image-log " + f("images.jsonl") + " --threads 1 --json");
  ASSERT_EQ(part.exit_code, 0) << part.all;
  EXPECT_EQ(nlohmann::json::parse(part.out)["first_image"], 3);
  EXPECT_EQ(nlohmann::json::parse(part.out)["threads"], 1);
  std::ifstream test_file(std::string(OLA_SOURCE_DIR) + "/data/cifar10_test_first100.bin", std::ios::binary);
  std::vector<char> records((std::istreambuf_iterator<char>(test_file)), std::istreambuf_iterator<char>());
  std::ifstream log(f("images.jsonl"));
  std::string line;
  std::vector<int> seen;
  while (std::getline(log, line)) {
    const auto l = nlohmann::json::parse(line);
    const int index = l["image"].get<int>();
    seen.push_back(index);
    EXPECT_EQ(l["label"], static_cast<int>(records.at(static_cast<std::size_t>(index) * 3073))) << line;
    EXPECT_EQ(l["class"], l["simulated_class"]) << line;
    EXPECT_EQ(l["logits"].size(), 10u) << line;
    EXPECT_LT(l["logit_error_bits"].get<double>(), -12.0) << line;
    EXPECT_GT(l["seconds"].get<double>(), 0.0) << line;
  }
  EXPECT_EQ(seen, (std::vector<int>{3, 4}));
  const auto no_folder = run_ola("bench infer --model " + f("small.onnx") + " --plan " + f("plan.json") +
                                 " --image-log /nonexistent_ola_dir/log.jsonl");
  EXPECT_NE(no_folder.exit_code, 0) << no_folder.all;
  EXPECT_NE(no_folder.all.find("--image-log /nonexistent_ola_dir/log.jsonl"), std::string::npos) << no_folder.all;
  const auto past_end = run_ola("bench infer --model " + f("small.onnx") + " --plan " + f("plan.json") +
                                " --first-image 99 --images 2");
  EXPECT_NE(past_end.exit_code, 0) << past_end.all;

  const auto bad = run_ola("bench infer --model " + f("small.onnx") + " --plan " + f("plan.json") + " --params nope");
  EXPECT_EQ(bad.exit_code, 2) << bad.all;
  EXPECT_NE(bad.all.find("--params: name: expected test-n12, test-n13, test-n14, test-boot-n12, test-boot-n13, test-boot-n13-dense, n16, n16-dense, n16-dense-l11, n16-deep, n16-deep-dense, got nope"),
            std::string::npos)
      << bad.all;
}

}  // namespace
