#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_ola.h"

namespace {

using ola::test::run_ola;

TEST(CliApprox, GeluDegree3Json) {
  const auto r = run_ola("approx --act gelu --degree 3 --range -6,6 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["kind"], "wls");
  EXPECT_EQ(j["degree"], 3);
  EXPECT_EQ(j["counts"]["depth"], 2);
  EXPECT_EQ(j["counts"]["nonscalar_mults"], 2);
  ASSERT_EQ(j["stages"].size(), 1u);
  EXPECT_EQ(j["stages"][0]["chebyshev"].size(), 4u);
  // GELU(x) - x/2 is even: on a symmetric range the odd part of the fit is exactly x/2.
  const auto& m = j["stages"][0]["monomial"];
  EXPECT_NEAR(m[1].get<double>(), 0.5, 1e-9);
  EXPECT_NEAR(m[3].get<double>(), 0.0, 1e-9);
  EXPECT_GT(j["metrics"]["max_error"].get<double>(), 0.0);
  EXPECT_LT(j["metrics"]["max_error"].get<double>(), 1.0);
  // Without --dist the fit is continuous least squares on the range: a cubic cannot follow GELU's
  // bend over [-6, 6], so the mean squared error is far from 0 (a fit through 3 nodes had 1e-7).
  EXPECT_GT(j["metrics"]["weighted_mse"].get<double>(), 1e-3);
}

TEST(CliApprox, HistogramDist) {
  const auto path = std::filesystem::temp_directory_path() / "ola_cli_approx_hist.json";
  std::ofstream(path) << R"({"edges":[-4,-2,0,2,4],"counts":[1,10,30,5]})";
  const auto r = run_ola("approx --act silu --degree 4 --range -4,4 --dist " + path.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_NE(j["distribution"].get<std::string>().find("histogram"), std::string::npos);
  EXPECT_GT(j["metrics"]["weighted_mse"].get<double>(), 0.0);
  EXPECT_EQ(j["counts"]["depth"], 3);
  std::filesystem::remove(path);
}

TEST(CliApprox, CompositeAlpha13) {
  const auto r = run_ola("approx --kind composite --alpha 13 --range -8,6 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["counts"]["depth"], 14);
  EXPECT_EQ(j["counts"]["nonscalar_mults"], 27);
  EXPECT_EQ(j["stages"].size(), 3u);
  EXPECT_TRUE(j["stages"][2].contains("chebyshev"));
  EXPECT_FALSE(j["stages"][2].contains("monomial"));  // degree 27 > 15
}

// A calibration file of `ola calibrate` (2 bundled images): one site's histogram and range.
TEST(CliApprox, CalibrationSite) {
  const auto path = std::filesystem::temp_directory_path() / "ola_cli_approx_cal.json";
  const auto cal = run_ola("calibrate --count 2 --quiet --threads 1 --out " + path.string());
  ASSERT_EQ(cal.exit_code, 0) << cal.output;
  const auto r = run_ola("approx --dist " + path.string() + " --site 0 --degree 5 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_NE(j["distribution"].get<std::string>().find("site relu_0"), std::string::npos) << r.output;
  EXPECT_LT(j["lo"].get<double>(), 0.0);  // the site's [min, max] is the default range
  EXPECT_GT(j["hi"].get<double>(), 0.0);
  EXPECT_GT(j["metrics"]["weighted_mse"].get<double>(), 0.0);
  const auto missing = run_ola("approx --dist " + path.string() + " --degree 5");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("--site"), std::string::npos) << missing.output;
  std::filesystem::remove(path);
}

TEST(CliApprox, BenchRunsAndReports) {
  const auto r = run_ola("bench approx --n 1000 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["n"], 1000);
  EXPECT_GT(j["evaluate_composite_a13_mact_per_s"].get<double>(), 0.0);
  EXPECT_GT(j["make_wls_relu_d31_ms"].get<double>(), 0.0);
}

TEST(CliApprox, BadInputIsUsageError) {
  const char* cases[] = {
      "approx --act gelu --degree 3 --range 6,-6",       // inverted
      "approx --act gelu --degree 0 --range -6,6",       // degree out of range
      "approx --act gelu --degree 3 --range nonsense",   // unparsable range
      "approx --act gelu --degree 3",                    // no range
      "approx --act tanh --degree 3 --range -1,1",       // unknown activation
      "approx --act gelu --degree 3 --range -1,1 --kind spline",
      "approx --kind composite --alpha 20 --range -1,1",
      "approx --act gelu --degree 3 --range -1,1 --dist /nonexistent/hist.json",
  };
  for (const char* c : cases) {
    const auto r = run_ola(c);
    EXPECT_EQ(r.exit_code, 2) << c << "\n" << r.output;
    EXPECT_NE(r.output.find("expected"), std::string::npos) << c << "\n" << r.output;
  }
}

}  // namespace
