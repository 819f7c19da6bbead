// `ola bench costs` on the small test-only chains: schema of the cost table, measured versus
// interpolated levels, kept bootstrap entries, bad options.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_ola.h"

namespace {

/// `quiet_stderr`: stdout alone in `output` (the JSON object); otherwise stderr is merged into it.
ola::test::RunResult run_ola(const std::string& args, bool quiet_stderr = false) {
  return ola::test::run_ola(args, /*merge_stderr=*/!quiet_stderr);
}

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("ola_bench_costs_" + std::to_string(::getpid()) + "_" + name);
}

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

constexpr const char* kFields[] = {"mul_relin_ms",   "rescale_ms",     "rotate_ms",     "hoisted_rotate_ms",
                                   "hoist_decompose_ms", "mul_plain_ms", "mul_const_ms", "add_ms",
                                   "encode_ms",      "encode_rep2_ms", "encode_rep4_ms", "encode_rep8_ms",
                                   "mul_sum_term_ms", "lazy_rotate_ms", "mod_down_ms"};

TEST(CliBenchCosts, Logn13TableHasSchemaAndSampledLevels) {
  const auto out = temp_path("n13.json");
  const auto r = run_ola("bench costs --logn 13 --samples 3 --repeat 3 --json --out " + out.string(), /*quiet_stderr=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j, read_json(out));  // the file holds exactly what --json printed
  std::filesystem::remove(out);
  EXPECT_EQ(j["format"], "ola-cost-table");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["log_n"], 13);
  EXPECT_EQ(j["threads"], 1);
  EXPECT_FALSE(j["date"].get<std::string>().empty());
  EXPECT_FALSE(j["host"].get<std::string>().empty());
  EXPECT_TRUE(j["bootstrap"].is_array() && j["bootstrap"].empty());
  const auto& levels = j["levels"];
  ASSERT_GE(levels.size(), 4u);
  const std::size_t top = levels.size() - 1;
  int measured = 0;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const auto& e = levels[i];
    EXPECT_EQ(e["level"], static_cast<int>(i));
    EXPECT_EQ(e["limbs"], static_cast<int>(i) + 1);
    for (const char* f : kFields) {
      const double v = e[f].get<double>();
      EXPECT_TRUE(std::isfinite(v) && v >= 0) << f << " at level " << i << ": " << v;
    }
    if (!e["interpolated"].get<bool>()) ++measured;
  }
  // --samples 3: levels 0, L/2 and L measured, every other one interpolated.
  EXPECT_EQ(measured, 3);
  EXPECT_FALSE(levels[0]["interpolated"].get<bool>());
  EXPECT_FALSE(levels[top]["interpolated"].get<bool>());
  EXPECT_TRUE(levels[1]["interpolated"].get<bool>());
  // Interpolated values lie between the measured neighbours (linear in the limb count).
  const auto mid = static_cast<std::size_t>(std::lround(static_cast<double>(top) / 2.0));
  ASSERT_FALSE(levels[mid]["interpolated"].get<bool>()) << mid;
  for (const char* f : kFields) {
    const double lo = levels[0][f].get<double>(), hi = levels[mid][f].get<double>();
    const double v = levels[1][f].get<double>();
    EXPECT_GE(v, std::min(lo, hi) - 1e-12) << f;
    EXPECT_LE(v, std::max(lo, hi) + 1e-12) << f;
  }
  // Key switching grows with the limbs, and a hoisted rotation skips the decomposition.
  EXPECT_GT(levels[top]["mul_relin_ms"].get<double>(), levels[0]["mul_relin_ms"].get<double>());
  EXPECT_GT(levels[top]["rotate_ms"].get<double>(), levels[top]["hoisted_rotate_ms"].get<double>());
  // A rotation sum's terms and its ModDown are measured (not the eager defaults: 0 for the ModDown).
  EXPECT_GT(levels[top]["mod_down_ms"].get<double>(), 0.0);
  EXPECT_GT(levels[top]["lazy_rotate_ms"].get<double>(), 0.0);
  // A vector repeating 8 times is encoded in a subring of 1/8 the size.
  EXPECT_LT(levels[top]["encode_rep8_ms"].get<double>(), levels[top]["encode_ms"].get<double>());
}

TEST(CliBenchCosts, EveryLevelIsMeasuredByDefault) {
  // Key switching's cost steps where a level needs another special prime, so by default no level
  // is interpolated.
  const auto r = run_ola("bench costs --logn 12 --repeat 1 --json", /*quiet_stderr=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto levels = nlohmann::json::parse(r.output)["levels"];
  ASSERT_GE(levels.size(), 2u);
  for (const auto& e : levels) EXPECT_FALSE(e["interpolated"].get<bool>()) << e["level"];
}

TEST(CliBenchCosts, OverwriteKeepsBootstrapEntries) {
  const auto out = temp_path("keep.json");
  ASSERT_EQ(run_ola("bench costs --logn 12 --samples 2 --repeat 1 --out " + out.string()).exit_code, 0);
  auto j = read_json(out);
  j["bootstrap"] = nlohmann::json::array({{{"slots", 1024}, {"seconds", 2.5}, {"levels_after", 3}, {"input_level", 0}}});
  for (auto& level : j["levels"]) level.erase("encode_ms");  // an older table layout hands them over too
  std::ofstream(out) << j.dump(2);
  const auto r = run_ola("bench costs --logn 12 --samples 2 --repeat 1 --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto k = read_json(out);
  std::filesystem::remove(out);
  ASSERT_EQ(k["bootstrap"].size(), 1u);
  EXPECT_EQ(k["bootstrap"][0]["slots"], 1024);
  EXPECT_EQ(k["log_n"], 12);
}

TEST(CliBenchCosts, NamedSetIsRecordedAndMustHaveBootstrapping) {
  const auto out = temp_path("named.json");
  ASSERT_EQ(run_ola("bench costs --params test-boot-n12 --samples 2 --repeat 1 --out " + out.string()).exit_code, 0);
  const auto j = read_json(out);
  EXPECT_EQ(j["params"], "test-boot-n12");
  EXPECT_EQ(j["log_n"], 12);
  EXPECT_EQ(j["levels"].size(), 18u);  // test-boot-n12: q_0, 4 compute and 2 + 9 + 2 bootstrapping primes
  // A bootstrap of another chain is refused by the table.
  const auto r = run_ola("bench bootstrap --logn 12 --slots 64 --costs " + out.string());
  std::filesystem::remove(out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("params"), std::string::npos) << r.output;
  const auto bad = run_ola("bench costs --params test-n12");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("bootstrapping chain"), std::string::npos) << bad.output;
}

TEST(CliBenchCosts, BadOptionsAreUsageErrors) {
  auto r = run_ola("bench costs --logn 15");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--logn"), std::string::npos) << r.output;
  r = run_ola("bench costs --logn 12 --samples 1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--samples"), std::string::npos) << r.output;
}

}  // namespace
