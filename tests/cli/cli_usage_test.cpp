// Every subcommand of the real binary: `--help`, unknown options and bad values are usage errors
// (exit 2, with a message naming the option or file), an internal failure exits 1, and
// `ola bench bootstrap` runs at a test-only ring. The happy paths of the other subcommands are in
// nn_cli_test.cpp, approx_test.cpp, optimize_test.cpp, bench_costs_test.cpp, he_cli*_test.cpp and
// demo_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/run_ola.h"

namespace {

using ola::test::run_ola;

const std::vector<std::string>& subcommands() {
  static const std::vector<std::string> all = {
      "inspect", "calibrate", "approx",          "optimize",     "simulate",    "keygen",      "encrypt",
      "infer",   "decrypt",   "bench costs",     "bench bootstrap", "bench infer", "bench approx", "demo",
      "uniform-plan", "refit"};
  return all;
}

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("ola_cli_usage_" + std::to_string(::getpid()) + "_" + name);
}

TEST(CliUsage, EverySubcommandHasHelp) {
  const auto top = run_ola("--help");
  ASSERT_EQ(top.exit_code, 0) << top.output;
  const auto bench = run_ola("bench --help");
  ASSERT_EQ(bench.exit_code, 0) << bench.output;
  for (const auto& sub : subcommands()) {
    const bool is_bench = sub.rfind("bench ", 0) == 0;
    const std::string leaf = is_bench ? sub.substr(6) : sub;
    EXPECT_NE((is_bench ? bench : top).output.find(leaf), std::string::npos) << sub << " not listed";
    const auto r = run_ola(sub + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub << "\n" << r.output;
    EXPECT_NE(r.output.find("Usage:"), std::string::npos) << sub << "\n" << r.output;
    EXPECT_NE(r.output.find("ola " + sub), std::string::npos) << sub << "\n" << r.output;
    EXPECT_NE(r.output.find("--help"), std::string::npos) << sub << "\n" << r.output;
  }
}

TEST(CliUsage, EverySubcommandRejectsAnUnknownOption) {
  // The required options are given (with names of files that are never read): CLI11 reports a
  // missing required option before an unexpected one.
  const std::map<std::string, std::string> required = {
      {"calibrate", " --out x.json"},        {"optimize", " --model m --calib c --out o"},
      {"keygen", " --model m --plan p"},      {"encrypt", " --secret s --out o"},
      {"infer", " --model m --plan p"},       {"decrypt", " --secret s --in i"},
      {"bench infer", " --model m --plan p"}, {"uniform-plan", " --model m --calib c --out o"},
      {"refit", " --model m --plan p --calib c --out o"}};
  for (const auto& sub : subcommands()) {
    const auto it = required.find(sub);
    const auto r = run_ola(sub + (it == required.end() ? "" : it->second) + " --no-such-option");
    EXPECT_EQ(r.exit_code, 2) << sub << "\n" << r.output;
    EXPECT_NE(r.output.find("--no-such-option"), std::string::npos) << sub << "\n" << r.output;
  }
}

TEST(CliUsage, BadValuesAreUsageErrorsNamingTheOptionOrFile) {
  const std::string data = std::string(OLA_SOURCE_DIR) + "/data/";
  const std::string model = " --model " + data + "resnet20.onnx";
  const auto blocker = temp_path("a_file");
  std::ofstream(blocker) << "not a folder";
  // {arguments, text the message must contain}
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"calibrate --count 2 --quiet", "--out"},
      {"calibrate --count 2 --quiet --bins 0 --out " + temp_path("c.json").string(), "--bins"},
      {"simulate --quiet --count 2 --plan /nonexistent/plan.json", "/nonexistent/plan.json"},
      {"keygen --params nope" + model + " --plan /nonexistent/plan.json --estimate-only", "nope"},
      {"keygen --params test-n13" + model + " --plan /nonexistent/plan.json --estimate-only", "/nonexistent/plan.json"},
      {"encrypt --secret /nonexistent/sk.bin --out " + temp_path("ct.bin").string(), "/nonexistent/sk.bin"},
      {"encrypt --secret /nonexistent/sk.bin --index -1 --out " + temp_path("ct.bin").string(), "--index"},
      {"infer" + model + " --plan /nonexistent/plan.json --in x.ct --out y.ct", "--eval"},
      {"decrypt --secret /nonexistent/sk.bin --in /nonexistent/logits.ct", "/nonexistent/sk.bin"},
      {"decrypt --secret /nonexistent/sk.bin", "--in"},
      {"bench bootstrap --logn 15", "--logn"},
      {"bench bootstrap --logn 12 --slots 3", "--slots"},
      {"bench approx --n 0", "--n"},
      {"bench infer --plan /nonexistent/plan.json", "--model"},
      {"demo --encrypt maybe", "--encrypt"},
      {"demo --encrypt no --out " + (blocker / "sub").string(), "--out"},
  };
  for (const auto& [args, needle] : cases) {
    const auto r = run_ola(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\n" << r.output;
  }
  std::filesystem::remove(blocker);
  EXPECT_FALSE(std::filesystem::exists(temp_path("c.json")));
  EXPECT_FALSE(std::filesystem::exists(temp_path("ct.bin")));
}

// Exit code 1 is for failures that are not the input's fault: here an allocation of 10^15
// reservoir samples per site fails (std::bad_alloc).
TEST(CliUsage, InternalFailureExitsOneNotTwo) {
  const auto out = temp_path("oom.json");
  const auto r = run_ola("calibrate --count 1 --quiet --reservoir 1000000000000000 --out " + out.string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("internal error"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CliBenchBootstrap, TestRingBootstrapsWithPrecisionAndRecordsTheCost) {
  const auto costs = temp_path("costs.json");
  ASSERT_EQ(run_ola("bench costs --logn 12 --samples 2 --repeat 1 --out " + costs.string()).exit_code, 0);
  const auto r = run_ola("bench bootstrap --logn 12 --slots 64 --json --costs " + costs.string(), /*merge_stderr=*/false);
  ASSERT_EQ(r.exit_code, 0) << r.all();
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["log_n"], 12);
  EXPECT_EQ(j["slots"], 64);
  EXPECT_TRUE(j["test_only"].get<bool>());
  EXPECT_GT(j["seconds"].get<double>(), 0.0);
  EXPECT_GT(j["precision_bits"].get<double>(), 15.0);
  EXPECT_GE(j["levels_after"].get<int>(), 1);
  std::ifstream in(costs);
  const auto table = nlohmann::json::parse(in);
  std::filesystem::remove(costs);
  ASSERT_EQ(table["bootstrap"].size(), 1u);
  EXPECT_EQ(table["bootstrap"][0]["slots"], 64);
  EXPECT_EQ(table["bootstrap"][0]["levels_after"], j["levels_after"]);
  EXPECT_EQ(j["repeat"], 1);
  EXPECT_EQ(j["runs_seconds"].size(), 1u);
  EXPECT_EQ(j["seconds"], j["first_seconds"]);
  // --repeat 3: three timed bootstraps, the reported time the median of the last two (the cold
  // first one apart); --repeat 0 is refused.
  const auto rep = run_ola("bench bootstrap --logn 12 --slots 64 --repeat 3 --json", /*merge_stderr=*/false);
  ASSERT_EQ(rep.exit_code, 0) << rep.all();
  const auto jr = nlohmann::json::parse(rep.output);
  ASSERT_EQ(jr["runs_seconds"].size(), 3u);
  EXPECT_DOUBLE_EQ(jr["seconds"].get<double>(),
                   0.5 * (jr["runs_seconds"][1].get<double>() + jr["runs_seconds"][2].get<double>()));
  EXPECT_EQ(jr["first_seconds"], jr["runs_seconds"][0]);
  EXPECT_GT(jr["precision_bits"].get<double>(), 15.0);
  const auto zero = run_ola("bench bootstrap --logn 12 --slots 64 --repeat 0");
  EXPECT_NE(zero.exit_code, 0);
  EXPECT_NE(zero.output.find("--repeat"), std::string::npos) << zero.output;
  // Without --slots: N/2 slots of the ring (2048 at N = 2^12); a cost table of another ring is refused.
  const auto full = run_ola("bench bootstrap --logn 12 --json", /*merge_stderr=*/false);
  ASSERT_EQ(full.exit_code, 0) << full.all();
  EXPECT_EQ(nlohmann::json::parse(full.output)["slots"], 2048);
  ASSERT_EQ(run_ola("bench costs --logn 13 --samples 2 --repeat 1 --out " + costs.string()).exit_code, 0);
  const auto other = run_ola("bench bootstrap --logn 12 --slots 64 --costs " + costs.string());
  std::filesystem::remove(costs);
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("log_n"), std::string::npos) << other.output;
}

}  // namespace
