// `ola uniform-plan` on the bundled ResNet-20 with a small calibration of its own: per-site and
// global intervals, the three fitting rules against each other, the list read by `ola simulate`,
// and bad input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_ola.h"

namespace {

ola::test::RunResult run_ola(const std::string& args) { return ola::test::run_ola(args, /*merge_stderr=*/false); }

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("ola_uniform_plan_" + std::to_string(::getpid()) + "_" + name);
}

const std::string& model() {
  static const std::string m = std::string(OLA_SOURCE_DIR) + "/data/resnet20.onnx";
  return m;
}

// A file removed when the test program exits.
struct RemovedAtExit {
  std::filesystem::path path;
  ~RemovedAtExit() { std::filesystem::remove(path); }
};

// One calibration for the whole suite (24 images, 256 bins).
const std::filesystem::path& calibration() {
  static const RemovedAtExit file{temp_file("calib.json")};
  [[maybe_unused]] static const bool made = [] {
    const auto r = run_ola("calibrate --count 24 --bins 256 --reservoir 100 --quiet --out " + file.path.string());
    EXPECT_EQ(r.exit_code, 0) << r.all();
    return true;
  }();
  return file.path;
}

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// Runs uniform-plan with `args` into a fresh file; returns {printed JSON, written list}.
std::pair<nlohmann::json, nlohmann::json> uniform_plan(const std::string& args) {
  const auto out = temp_file("list.json");
  const auto r = run_ola("uniform-plan --json --model " + model() + " --calib " + calibration().string() + " --out " + out.string() + " " + args);
  EXPECT_EQ(r.exit_code, 0) << r.all();
  if (r.exit_code != 0) return {};
  auto list = read_json(out);
  std::filesystem::remove(out);
  return {nlohmann::json::parse(r.output), list};
}

TEST(CliUniformPlan, WlsPerSiteUsesEachSitesRangePlusMargin) {
  const auto cal = read_json(calibration());
  const auto [summary, list] = uniform_plan("--kind wls --degree 3 --margin 0.1");
  ASSERT_EQ(list.size(), 19u);
  ASSERT_EQ(summary["sites"].size(), 19u);
  for (std::size_t i = 0; i < 19; ++i) {
    const double mn = cal["sites"][i]["min"], mx = cal["sites"][i]["max"];
    const auto& a = list[i]["approximation"];
    // The list names a site by its short name, the calibration by "<short> (<ONNX node>)".
    EXPECT_EQ(cal["sites"][i]["name"].get<std::string>().rfind(list[i]["site"].get<std::string>() + " (", 0), 0u);
    EXPECT_EQ(a["kind"], "wls");
    EXPECT_EQ(a["activation"], "relu");
    EXPECT_NEAR(a["lo"].get<double>(), mn - 0.1 * (mx - mn), 1e-12);
    EXPECT_NEAR(a["hi"].get<double>(), mx + 0.1 * (mx - mn), 1e-12);
    ASSERT_EQ(a["stages"].size(), 1u);
    EXPECT_EQ(a["stages"][0]["coeffs"].size(), 4u);  // degree 3
  }
}

TEST(CliUniformPlan, GlobalRangeIsTheUnionOfTheSiteIntervals) {
  const auto cal = read_json(calibration());
  double lo = 1e300, hi = -1e300;
  for (const auto& s : cal["sites"]) {
    const double mn = s["min"], mx = s["max"];
    lo = std::min(lo, mn - 0.2 * (mx - mn));
    hi = std::max(hi, mx + 0.2 * (mx - mn));
  }
  const auto [summary, list] = uniform_plan("--kind minimax --global-range");
  ASSERT_EQ(list.size(), 19u);
  EXPECT_EQ(summary["global_range"], true);
  for (const auto& e : list) {
    EXPECT_EQ(e["approximation"]["kind"], "minimax");
    EXPECT_NEAR(e["approximation"]["lo"].get<double>(), lo, 1e-12);
    EXPECT_NEAR(e["approximation"]["hi"].get<double>(), hi, 1e-12);
  }
}

// Same intervals, three rules: WLS has the least error on the calibrated distribution, minimax the
// least worst-case error on the interval; least squares sits between on both.
TEST(CliUniformPlan, EachRuleWinsOnItsOwnCriterion) {
  const auto wls = uniform_plan("--kind wls").first["sites"];
  const auto ls = uniform_plan("--kind ls").first["sites"];
  const auto mm = uniform_plan("--kind minimax").first["sites"];
  ASSERT_EQ(wls.size(), 19u);
  ASSERT_EQ(ls.size(), 19u);
  ASSERT_EQ(mm.size(), 19u);
  for (std::size_t i = 0; i < 19; ++i) {
    EXPECT_LT(wls[i]["weighted_mse"].get<double>(), ls[i]["weighted_mse"].get<double>()) << i;
    EXPECT_LT(mm[i]["max_error"].get<double>(), ls[i]["max_error"].get<double>()) << i;
    EXPECT_LT(ls[i]["max_error"].get<double>(), wls[i]["max_error"].get<double>()) << i;
  }
}

TEST(CliUniformPlan, ListRunsInSimulate) {
  const auto out = temp_file("sim.json");
  auto r = run_ola("uniform-plan --model " + model() + " --calib " + calibration().string() + " --kind wls --degree 15 --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.output.find("wls degree 15"), std::string::npos) << r.output;
  r = run_ola("simulate --json --quiet --count 16 --plan " + out.string());
  std::filesystem::remove(out);
  ASSERT_EQ(r.exit_code, 0) << r.all();
  const auto j = nlohmann::json::parse(r.output);
  for (const auto& s : j["sites"]) EXPECT_TRUE(s["replaced"].get<bool>()) << s["name"];
  EXPECT_GT(j["mean_kl"].get<double>(), 0.0);
}

// `ola calibrate --plan L`: the statistics of the model with L's polynomials in place (a refit's
// input). The first site's inputs are untouched, a later site's are not; the file names L and its
// digest; a list that does not exist, or one whose polynomials drive later inputs to infinity, is
// refused naming it, with no calibration written.
TEST(CliUniformPlan, CalibrateUnderAListRecordsTheApproximatedInputs) {
  const auto list = temp_file("refit_list.json");
  const auto refit = temp_file("refit_calib.json");
  auto r = run_ola("uniform-plan --model " + model() + " --calib " + calibration().string() +
                   " --kind wls --degree 15 --out " + list.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  r = run_ola("calibrate --count 24 --bins 256 --reservoir 100 --quiet --plan " + list.string() + " --out " + refit.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  const auto exact = read_json(calibration());
  const auto approximated = read_json(refit);
  EXPECT_EQ(approximated["replacements"]["path"], list.string());
  EXPECT_EQ(approximated["replacements"]["fingerprint"].get<std::string>().size(), 64u);
  EXPECT_NE(approximated["fingerprint"], exact["fingerprint"]);
  EXPECT_EQ(approximated["sites"][0]["histogram"], exact["sites"][0]["histogram"]);
  EXPECT_NE(approximated["sites"][18]["histogram"], exact["sites"][18]["histogram"]);
  std::filesystem::remove(refit);
  r = run_ola("calibrate --count 2 --quiet --plan /nonexistent/list.json --out " + refit.string());
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.err.find("/nonexistent/list.json"), std::string::npos) << r.all();
  EXPECT_FALSE(std::filesystem::exists(refit));
  r = run_ola("uniform-plan --model " + model() + " --calib " + calibration().string() + " --kind wls --degree 2 --out " +
              list.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  r = run_ola("calibrate --count 24 --quiet --plan " + list.string() + " --out " + refit.string());
  EXPECT_NE(r.exit_code, 0) << r.all();
  EXPECT_NE(r.err.find("inputs: expected finite values (with the replacements in place"), std::string::npos) << r.all();
  EXPECT_FALSE(std::filesystem::exists(refit));
  std::filesystem::remove(list);
}

// `--sequential`: the first site keeps its one-calibration fit, later sites are refitted on the
// approximated model's inputs; a calibration made under a plan, or whose recorded images changed,
// is refused with the field named.
TEST(CliUniformPlan, SequentialRefitsLaterSitesFromTheCalibrationsOwnImages) {
  // (Degree 15: lower degrees drive ResNet-20's deeper inputs to infinity, which calibrate refuses.)
  const auto [plain_summary, plain] = uniform_plan("--kind wls --degree 15");
  const auto [seq_summary, seq] = uniform_plan("--kind wls --degree 15 --sequential --threads 1 --quiet");
  ASSERT_EQ(seq.size(), 19u);
  EXPECT_TRUE(seq_summary["sequential"].get<bool>());
  EXPECT_EQ(seq[0]["approximation"], plain[0]["approximation"]);
  int changed = 0;
  for (std::size_t i = 1; i < 19; ++i) changed += seq[i]["approximation"] != plain[i]["approximation"];
  EXPECT_GE(changed, 17);  // the inputs of every later site move (allow one that happens to agree)

  const auto out = temp_file("seq_bad_out.json");
  const auto moved = temp_file("seq_moved_calib.json");
  auto cal = read_json(calibration());
  cal["data"]["path"] = std::string(OLA_SOURCE_DIR) + "/data/cifar10_test_first100.bin";
  std::ofstream(moved) << cal.dump();
  auto r = run_ola("uniform-plan --model " + model() + " --calib " + moved.string() + " --sequential --quiet --out " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.err.find("data.fingerprint"), std::string::npos) << r.all();
  const auto list = temp_file("seq_list.json");
  const auto under_plan = temp_file("seq_under_plan.json");
  r = run_ola("uniform-plan --model " + model() + " --calib " + calibration().string() + " --degree 15 --out " + list.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  r = run_ola("calibrate --count 24 --bins 256 --reservoir 100 --quiet --plan " + list.string() + " --out " + under_plan.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  r = run_ola("uniform-plan --model " + model() + " --calib " + under_plan.string() + " --sequential --quiet --out " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.all();
  EXPECT_NE(r.err.find("a calibration of the exact model"), std::string::npos) << r.all();
  EXPECT_FALSE(std::filesystem::exists(out));
  for (const auto& p : {moved, list, under_plan}) std::filesystem::remove(p);
}

TEST(CliUniformPlan, BadInputIsAUsageErrorNamingIt) {
  const auto out = temp_file("bad.json");
  const auto notjson = temp_file("calib.bin");
  std::ofstream(notjson) << "x";
  const auto broken = temp_file("broken.json");
  std::ofstream(broken) << "{\"format\": \"ola-calibration\"";
  const std::string base = "uniform-plan --model " + model() + " --out " + out.string();
  // {arguments, text the message must contain}
  const std::vector<std::pair<std::string, std::string>> cases = {
      {base + " --calib " + calibration().string() + " --kind spline", "ola uniform-plan: --kind: expected wls, ls or minimax, got 'spline'"},
      {base + " --calib " + calibration().string() + " --degree 0", "degree"},
      {base + " --calib " + calibration().string() + " --margin -1", "margin"},
      {base + " --calib " + notjson.string(), "--calib: expected a calibration JSON"},
      {base + " --calib " + broken.string(), broken.string()},
      {base + " --calib /nonexistent/calib.json", "/nonexistent/calib.json"},
      {"uniform-plan --model /nonexistent/m.onnx --out " + out.string() + " --calib " + calibration().string(), "/nonexistent/m.onnx"},
  };
  for (const auto& [args, needle] : cases) {
    const auto r = run_ola(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.all();
    EXPECT_NE(r.err.find(needle), std::string::npos) << args << "\n" << r.all();
  }
  EXPECT_FALSE(std::filesystem::exists(out));
  std::filesystem::remove(notjson);
  std::filesystem::remove(broken);
}

}  // namespace
