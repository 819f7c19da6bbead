#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_ola.h"

#include "util/atomic_file.h"

namespace {

using RunResult = ola::test::RunResult;
RunResult run(const std::string& args) { return ola::test::run_ola(args); }

// A small cost table: 26 levels, no bootstrap entry (so the bootstrap is estimated).
std::string write_costs(const std::filesystem::path& dir) {
  nlohmann::json levels = nlohmann::json::array();
  for (int l = 0; l <= 25; ++l) {
    const double n = l + 1;
    levels.push_back({{"level", l}, {"limbs", l + 1}, {"mul_relin_ms", 6.0 * n}, {"rescale_ms", 1.4 * n},
                      {"rotate_ms", 6.0 * n}, {"hoisted_rotate_ms", 3.5 * n}, {"hoist_decompose_ms", 2.7 * n},
                      {"mul_plain_ms", 0.4 * n}, {"mul_const_ms", 0.2 * n}, {"add_ms", 0.17 * n}, {"encode_ms", 0.6 * n},
                      {"interpolated", false}});
  }
  const nlohmann::json t = {{"format", "ola-cost-table"}, {"version", 1}, {"log_n", 16}, {"threads", 1},
                            {"date", "test"}, {"host", "test"}, {"levels", levels},
                            {"bootstrap", nlohmann::json::array()}};
  const auto path = dir / "costs.json";
  ola::write_file_atomic(path, t.dump());
  return path.string();
}

// A deeper chain "n16-deep" with measured-looking bootstraps that leave 16 levels, every price
// 1.5x the small table's: the alpha = 13 baseline fits one bootstrap per convolution there.
std::string write_deep_costs(const std::filesystem::path& dir) {
  nlohmann::json levels = nlohmann::json::array();
  for (int l = 0; l <= 31; ++l) {
    const double n = 1.5 * (l + 1);
    levels.push_back({{"level", l}, {"limbs", l + 1}, {"mul_relin_ms", 6.0 * n}, {"rescale_ms", 1.4 * n},
                      {"rotate_ms", 6.0 * n}, {"hoisted_rotate_ms", 3.5 * n}, {"hoist_decompose_ms", 2.7 * n},
                      {"mul_plain_ms", 0.4 * n}, {"mul_const_ms", 0.2 * n}, {"add_ms", 0.17 * n}, {"encode_ms", 0.6 * n},
                      {"interpolated", false}});
  }
  nlohmann::json boots = nlohmann::json::array();
  for (int slots : {16384, 8192, 4096}) boots.push_back({{"slots", slots}, {"seconds", 40.0}, {"levels_after", 16}, {"input_level", 0}});
  const nlohmann::json t = {{"format", "ola-cost-table"}, {"version", 1}, {"log_n", 16}, {"threads", 1},
                            {"date", "test"}, {"host", "test"}, {"levels", levels}, {"bootstrap", boots},
                            {"params", "n16-deep"}};
  const auto path = dir / "costs-deep.json";
  ola::write_file_atomic(path, t.dump());
  return path.string();
}

TEST(CliOptimize, WritesPlanReportAndJson) {
  const auto dir = std::filesystem::temp_directory_path() / "ola_cli_optimize_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string data = std::string(OLA_SOURCE_DIR) + "/data/";
  const std::string args = "optimize --model " + data + "resnet20.onnx --calib " + data +
                           "cifar10_calib_first1000.bin --calib-images 64 --heldout-count 96 --degrees 3,7,15 "
                           "--alphas 5 --budget 2 --costs " + write_costs(dir) + " --out " + (dir / "plan.json").string() +
                           " --report " + (dir / "report").string() + " --cache-dir " + (dir / "cache").string() +
                           " --baseline-costs " + write_deep_costs(dir) + " --select-count 200 --threads 2 --json";
  const auto r = run(args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  for (const char* key : {"predicted_seconds", "baseline_seconds", "bootstraps", "baseline_bootstraps", "predicted_loss"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_GT(j["predicted_seconds"].get<double>(), 0.0);
  EXPECT_LE(j["predicted_seconds"].get<double>(), j["baseline_seconds"].get<double>());
  EXPECT_LE(j["predicted_loss"].get<double>(), 2.0);
  EXPECT_EQ(j["bootstrap_cost"], "estimated");
  // Selection by simulation on the 200 records after the calibrated and held-out ones.
  EXPECT_EQ(j["select_images"], 200);
  EXPECT_GE(j["select_simulations"].get<int>(), 1);
  EXPECT_NE(j["selection"].get<std::string>().find("200"), std::string::npos) << j["selection"];
  EXPECT_TRUE(std::filesystem::exists(dir / "report" / "report.md"));
  EXPECT_TRUE(std::filesystem::exists(dir / "report" / "pareto.svg"));
  EXPECT_TRUE(std::filesystem::exists(dir / "report" / "sites" / "site_18.svg"));
  const auto plan = nlohmann::json::parse(ola::read_file_text(dir / "plan.json"));
  EXPECT_EQ(plan["format"], "ola-plan");
  EXPECT_EQ(plan["sites"].size(), 19U);
  // The alpha = 13 baseline priced on the deeper chain too; the headline is a realizable one.
  bool on_deep = false;
  for (const auto& b : plan["baselines"]) {
    if (b["name"] == "uniform_relu_alpha13_on_n16-deep") {
      on_deep = true;
      EXPECT_FALSE(b.contains("split_bootstraps")) << b;  // 16 levels: one bootstrap per convolution
      EXPECT_EQ(b["parameter_set"], "n16-deep");
      EXPECT_EQ(b["totals"]["bootstraps"], 18);  // ResNet-20: every convolution but the first
    }
  }
  EXPECT_TRUE(on_deep) << plan["baselines"].dump();
  const std::string headline = j["baseline_name"].get<std::string>();
  EXPECT_TRUE(headline == "uniform_relu_alpha13_on_n16-deep" || headline == "uniform_relu_alpha13_native" ||
              headline == "uniform_relu_alpha13_dp_on_n16-deep" || headline == "uniform_relu_alpha13_dp")
      << headline;
  EXPECT_LE(j["baseline_lower_bound_seconds"].get<double>(), j["baseline_seconds"].get<double>());
  EXPECT_NEAR(j["speedup"].get<double>(), j["baseline_seconds"].get<double>() / j["predicted_seconds"].get<double>(), 1e-9);
  // A second run hits the impact cache and gives the same plan.
  const auto again = run(args);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  const auto j2 = nlohmann::json::parse(again.output.substr(again.output.find('{')));
  EXPECT_LT(j2["impact_seconds"].get<double>(), j["impact_seconds"].get<double>());
  EXPECT_DOUBLE_EQ(j2["predicted_seconds"].get<double>(), j["predicted_seconds"].get<double>());
  // Selection images from another file (its first --select-count records); impacts from the cache.
  std::string other_args = args;
  other_args.replace(other_args.find("--select-count 200"), 18, "--select-count 50 --select-images " + data + "cifar10_calib_first1000.bin");
  const auto other = run(other_args);
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_EQ(nlohmann::json::parse(other.output.substr(other.output.find('{')))["select_images"], 50);
  // The uniform baseline simulated on the plan's intervals.
  const auto base = run("simulate --quiet --json --count 20 --plan " + (dir / "plan.json").string() + " --baseline-alpha 5");
  ASSERT_EQ(base.exit_code, 0) << base.output;
  const auto jb = nlohmann::json::parse(base.output.substr(base.output.find('{')));
  EXPECT_EQ(jb["baseline_alpha"], 5);
  for (const auto& site : jb["sites"]) {
    EXPECT_NE(site["approximation"].get<std::string>().find("a=5"), std::string::npos) << site;
    EXPECT_DOUBLE_EQ(site["lo"].get<double>(), plan["sites"][site["index"].get<std::size_t>()]["approximation"]["lo"].get<double>());
  }
  EXPECT_EQ(run("simulate --quiet --count 4 --baseline-alpha 13").exit_code, 2);  // needs --plan
  // `ola refit`: the same polynomials, levels and bootstraps, refitted sequentially on a calibration
  // JSON of the same 64 records; a plan of another model is refused, with no file written.
  const std::string calib = (dir / "calib.json").string();
  ASSERT_EQ(run("calibrate --quiet --model " + data + "resnet20.onnx --images " + data + "cifar10_calib_first1000.bin --count 64 --out " + calib).exit_code, 0);
  const std::string refit_args = "refit --quiet --json --threads 1 --model " + data + "resnet20.onnx --calib " + calib;
  const auto rr = run(refit_args + " --plan " + (dir / "plan.json").string() + " --out " + (dir / "refit.json").string());
  ASSERT_EQ(rr.exit_code, 0) << rr.output;
  const auto refit = nlohmann::json::parse(ola::read_file_text(dir / "refit.json"));
  const auto last = nlohmann::json::parse(ola::read_file_text(dir / "plan.json"));  // the last optimize run's
  ASSERT_EQ(refit["sites"].size(), 19U);
  EXPECT_EQ(refit["sites"][0]["approximation"], last["sites"][0]["approximation"]);  // sees the exact inputs
  int moved = 0;
  for (std::size_t i = 0; i < 19; ++i) {
    const auto& a = refit["sites"][i];
    const auto& b = last["sites"][i];
    EXPECT_EQ(a["approximation"]["kind"], b["approximation"]["kind"]) << i;
    EXPECT_EQ(a["approximation"]["counts"], b["approximation"]["counts"]) << i;
    EXPECT_EQ(a["level_before"], b["level_before"]) << i;
    EXPECT_EQ(a["bootstrap_before"], b["bootstrap_before"]) << i;
    moved += a["approximation"]["hi"] != b["approximation"]["hi"];
  }
  EXPECT_GE(moved, 10);
  EXPECT_EQ(refit["totals"], last["totals"]);
  auto other_model = last;
  other_model["model_fingerprint"] = std::string(64, '0');
  std::ofstream(dir / "other.json") << other_model.dump();
  const auto bad = run(refit_args + " --plan " + (dir / "other.json").string() + " --out " + (dir / "never.json").string());
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("model_fingerprint"), std::string::npos) << bad.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "never.json"));
  std::filesystem::remove_all(dir);
}

TEST(CliOptimize, MissingCostsOrBadBudgetIsUsageError) {
  const std::string data = std::string(OLA_SOURCE_DIR) + "/data/";
  auto r = run("optimize --model " + data + "resnet20.onnx --calib " + data +
               "cifar10_calib_first1000.bin --costs /nonexistent/costs.json --out /tmp/x.json");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = run("optimize --model " + data + "resnet20.onnx --calib " + data +
          "cifar10_calib_first1000.bin --impact guess --out /tmp/x.json");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--impact"), std::string::npos) << r.output;
}

}  // namespace
