// `ola inspect`, `ola calibrate` and `ola simulate` on the bundled data (the real binary).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_ola.h"

namespace {

/// stdout in `output` (JSON), stderr apart in `err`.
ola::test::RunResult run_ola(const std::string& args) { return ola::test::run_ola(args, /*merge_stderr=*/false); }

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "_" + name);
}

TEST(NnCli, InspectJsonListsSitesShapesAndParameters) {
  const auto r = run_ola("inspect --json");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["parameters"], 269034);
  ASSERT_EQ(j["sites"].size(), 19u);
  EXPECT_EQ(j["sites"][3]["name"], "relu_3 (/layer1/layer1.1/Relu)");
  EXPECT_EQ(j["sites"][13]["shape"], nlohmann::json({-1, 64, 8, 8}));
  EXPECT_EQ(j["op_counts"]["conv"], 19);
  EXPECT_EQ(j["output"]["shape"], nlohmann::json({-1, 10}));
  const auto text = run_ola("inspect");
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.output.find("activation sites: 19"), std::string::npos) << text.output;
}

TEST(NnCli, InspectRejectsMissingAndTruncatedModels) {
  auto r = run_ola("inspect /nonexistent/model.onnx");
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.all().find("/nonexistent/model.onnx"), std::string::npos) << r.all();
  const auto cut = temp_file("cut.onnx");
  {
    std::ifstream in(std::string(OLA_SOURCE_DIR) + "/data/resnet20.onnx", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  r = run_ola("inspect " + cut.string());
  std::filesystem::remove(cut);
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.all().find("expected an ONNX ModelProto"), std::string::npos) << r.all();
}

TEST(NnCli, CalibrateWritesFingerprintedStatistics) {
  const auto out = temp_file("calib.json");
  const auto r = run_ola("calibrate --count 24 --reservoir 100 --bins 64 --quiet --json --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  const auto summary = nlohmann::json::parse(r.output);
  std::ifstream in(out);
  const auto j = nlohmann::json::parse(in);
  std::filesystem::remove(out);
  EXPECT_EQ(j["format"], "ola-calibration");
  EXPECT_EQ(j["fingerprint"], summary["fingerprint"]);
  EXPECT_EQ(j["data"]["images"], 24);
  EXPECT_EQ(j["model"]["fingerprint"].get<std::string>().size(), 64u);
  ASSERT_EQ(j["sites"].size(), 19u);
  const auto& s = j["sites"][18];
  EXPECT_EQ(s["histogram"].size(), 64u);
  EXPECT_EQ(s["sample"].size(), 100u);
  EXPECT_EQ(s["count"], 24 * 64 * 8 * 8);
  EXPECT_LT(s["min"].get<double>(), s["quantiles"][0].get<double>());
  EXPECT_LT(s["quantiles"][4].get<double>(), s["max"].get<double>());
}

TEST(NnCli, CalibrateRejectsABadImageFile) {
  const auto bad = temp_file("bad.bin");
  std::ofstream(bad, std::ios::binary) << std::string(3000, '\0');
  const auto r = run_ola("calibrate --quiet --images " + bad.string() + " --out " + temp_file("x.json").string());
  std::filesystem::remove(bad);
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.all().find("size: expected a non-zero multiple of 3073 bytes, got 3000 bytes"), std::string::npos) << r.all();
}

TEST(NnCli, SimulateExactAndWithPlan) {
  auto r = run_ola("simulate --json --quiet --count 40");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["count"], 40);
  EXPECT_EQ(j["agreement"], 1.0);
  EXPECT_EQ(j["mean_kl"], 0.0);
  EXPECT_EQ(j["top1"], j["exact_top1"]);
  EXPECT_EQ(j["sites"].size(), 19u);
  // The last ReLU replaced by the identity polynomial on [-1, 1] (c0 + c1 T1, a degree-1 "wls").
  const auto plan = temp_file("plan.json");
  std::ofstream(plan) << R"([{"site": "relu_18", "approximation": {"activation": "relu", "kind": "wls",
      "lo": -1, "hi": 1, "stages": [{"lo": -1, "hi": 1, "coeffs": [0, 1]}]}}])";
  r = run_ola("simulate --json --quiet --count 40 --plan " + plan.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  j = nlohmann::json::parse(r.output);
  const auto& s = j["sites"][18];
  EXPECT_TRUE(s["replaced"].get<bool>());
  EXPECT_GT(s["out_of_range"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(s["inputs"], 40 * 64 * 8 * 8);
  EXPECT_DOUBLE_EQ(s["out_of_range_fraction"].get<double>(),
                   s["out_of_range"].get<double>() / s["inputs"].get<double>());
  EXPECT_EQ(j["sites"][17]["out_of_range"], 0);
  EXPECT_GT(j["mean_kl"].get<double>(), 0.0);
  std::ofstream(plan) << R"([{"site": "relu_99", "approximation": {}}])";
  r = run_ola("simulate --json --quiet --count 4 --plan " + plan.string());
  std::filesystem::remove(plan);
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.all().find("relu_99"), std::string::npos) << r.all();
}

TEST(NnCli, CommandsReadingImagesRejectAMalformedNormalization) {
  // One helper serves calibrate, simulate, encrypt and bench infer (cli/image_normalization.h).
  auto r = run_ola("simulate --quiet --count 4 --mean 0.5,0.5");
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.all().find("ola simulate: --mean: expected 3 values (R,G,B), got 2"), std::string::npos) << r.all();
  r = run_ola("calibrate --quiet --count 4 --std 0.2,0,0.2 --out " + temp_file("never.json").string());
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.all().find("ola calibrate: --std: expected values > 0, got 0"), std::string::npos) << r.all();
  EXPECT_FALSE(std::filesystem::exists(temp_file("never.json")));
  r = run_ola("bench infer --model resnet20.onnx --plan none.json --mean 1,2,3,4");
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.all().find("ola bench infer: --mean: expected 3 values (R,G,B), got 4"), std::string::npos) << r.all();
  // CIFAR's statistics instead of ImageNet's reach the images: the first ReLU sees other inputs.
  const auto out = temp_file("calib.json");
  const auto imagenet = nlohmann::json::parse(run_ola("calibrate --json --quiet --count 4 --out " + out.string()).output);
  r = run_ola("calibrate --json --quiet --count 4 --mean 0.4914,0.4822,0.4465 --std 0.2470,0.2435,0.2616 --out " +
              out.string());
  std::filesystem::remove(out);
  ASSERT_EQ(r.exit_code, 0) << r.all();
  const auto cifar = nlohmann::json::parse(r.output);
  EXPECT_NE(cifar["sites"][0]["max"], imagenet["sites"][0]["max"]);
  EXPECT_NE(cifar["fingerprint"], imagenet["fingerprint"]);  // it covers the preprocessing
}

}  // namespace
