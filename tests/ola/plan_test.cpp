#include "ola/plan.h"

#include "ola/baselines.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "util/error.h"

namespace ola::opt {
namespace {

Plan sample_plan() {
  Plan p;
  p.model = "resnet20.onnx";
  p.model_fingerprint = "aa";
  p.calibration_fingerprint = "bb";
  p.cost_table_fingerprint = "cc";
  p.parameter_set = "test";
  p.bootstrap_cost = "estimated";
  p.loss_metric = "kl-calibrated top-1 proxy";
  p.budget = 0.5;
  p.loss_quantum = 0.005;
  for (int i = 0; i < 2; ++i) {
    PlanSite s;
    s.index = i;
    s.name = "relu_" + std::to_string(i);
    s.range_lo = -3.0;
    s.range_hi = 4.0;
    s.approximation.activation = approx::Activation::relu;
    s.approximation.kind = i == 0 ? approx::Kind::wls : approx::Kind::composite_relu;
    s.approximation.lo = -3.5;
    s.approximation.hi = 4.5;
    s.approximation.alpha = i == 0 ? 0 : 7;
    s.approximation.stages = {{-3.5, 4.5, {0.1, 0.5, 0.25}}};
    if (i == 1) s.approximation.stages = {{-1, 1, {0, 1.2, 0, -0.3}}, {-1, 1, {0, 1.1, 0, -0.2}}};
    s.approximation.counts = {2 + i, 2, 3, 4};
    s.approximation.metrics = {1e-3, 0.05};
    s.level_before = 9;
    s.level_after = 7 - i;
    s.bootstrap_before = i == 1;
    s.predicted_loss = 0.125;
    s.predicted_ms = 1500.0;
    p.sites.push_back(s);
    p.steps.push_back({StepKind::linear, "conv", -1, false, 10, 9, 250.0, 0.0});
    p.steps.push_back({StepKind::activation, s.name, i, s.bootstrap_before, 9, 7, 1500.0 + (i == 1 ? 900.0 : 0.0),
                       i == 1 ? 900.0 : 0.0});
  }
  p.totals = {5000.0, 1000.0, 3000.0, 1000.0, 1, 0.25};
  p.baselines.push_back({"uniform_relu_alpha13", "relu a=13", true, {9000.0, 4000.0, 4000.0, 1000.0, 2, 0.0}, 0, ""});
  p.baselines.push_back({"uniform_wls", "none meets the budget", false, {}, 0, ""});
  p.baselines.push_back({"uniform_relu_alpha13_native", "relu a=13, split", true, {12000.0, 6000.0, 5000.0, 1000.0, 4, 0.0}, 2, ""});
  p.baselines.push_back({"uniform_relu_alpha13_on_n16-deep", "relu a=13", true, {11000.0, 5000.0, 5000.0, 1000.0, 2, 0.0}, 0, "n16-deep"});
  p.notes = {"linear costs are estimates"};
  return p;
}

std::string error_of(const nlohmann::json& j) {
  try {
    plan_from_json(j, "plan.json");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Plan, JsonRoundTrip) {
  const Plan p = sample_plan();
  const nlohmann::json j = plan_to_json(p);
  const Plan q = plan_from_json(j, "plan.json");
  EXPECT_EQ(plan_to_json(q), j);
  ASSERT_EQ(q.sites.size(), 2U);
  EXPECT_EQ(q.sites[1].approximation.stages.size(), 2U);
  EXPECT_EQ(q.sites[1].approximation.alpha, 7);
  EXPECT_DOUBLE_EQ(q.sites[0].approximation.stages[0].coeffs[2], 0.25);
  EXPECT_DOUBLE_EQ(q.totals.predicted_ms, 5000.0);
  EXPECT_FALSE(q.baselines[1].feasible);
  EXPECT_EQ(q.baselines[2].split_bootstraps, 2);
  EXPECT_EQ(q.baselines[3].parameter_set, "n16-deep");
  EXPECT_FALSE(j["baselines"][0].contains("split_bootstraps"));  // optional fields: absent when unset
  EXPECT_EQ(j["sites"][1]["depth"], 3);
}

TEST(Plan, HeadlineBaselineIsTheFastestRealizableOne) {
  Plan p = sample_plan();
  // Only the split native baseline and the lower bound, no chain with the window: the bound.
  p.baselines.erase(p.baselines.begin() + 3);
  ASSERT_NE(headline_baseline(p), nullptr);
  EXPECT_EQ(headline_baseline(p)->name, "uniform_relu_alpha13");
  // A measured chain where it runs one bootstrap per convolution wins over the bound.
  p = sample_plan();
  EXPECT_EQ(headline_baseline(p)->name, "uniform_relu_alpha13_on_n16-deep");
  // A faster unsplit native placement wins over a slower chain.
  p.baselines[2].split_bootstraps = 0;
  p.baselines[2].totals.predicted_ms = 10000.0;
  EXPECT_EQ(headline_baseline(p)->name, "uniform_relu_alpha13_native");
  EXPECT_EQ(find_baseline(p, "uniform_relu_alpha13_on_n16-deep")->parameter_set, "n16-deep");
  EXPECT_EQ(find_baseline(p, "uniform_wls"), nullptr);  // infeasible
  p.baselines.clear();
  EXPECT_EQ(headline_baseline(p), nullptr);
}

TEST(Plan, SaveAndLoad) {
  const auto path = std::filesystem::temp_directory_path() / "ola_plan_test.json";
  save_plan(sample_plan(), path);
  EXPECT_EQ(plan_to_json(load_plan(path)), plan_to_json(sample_plan()));
  std::filesystem::remove(path);
}

TEST(Plan, ClearErrors) {
  nlohmann::json j = plan_to_json(sample_plan());
  j["format"] = "ola-cost-table";
  EXPECT_EQ(error_of(j), "plan.json: format: expected \"ola-plan\", got \"ola-cost-table\"");
  j = plan_to_json(sample_plan());
  j["sites"][1]["index"] = 5;
  EXPECT_EQ(error_of(j), "plan.json: sites[1]: index: expected 1, got 5");
  j = plan_to_json(sample_plan());
  j["sites"][0]["approximation"]["kind"] = "spline";
  EXPECT_NE(error_of(j).find("plan.json: sites[0]: approximation: "), std::string::npos) << error_of(j);
  j = plan_to_json(sample_plan());
  j["sites"][0]["approximation"]["stages"][0]["coeffs"] = nlohmann::json::array();
  EXPECT_EQ(error_of(j), "plan.json: sites[0]: approximation: stages[0]: coeffs: expected at least 1, got 0");
  j = plan_to_json(sample_plan());
  j["sites"][0]["depth"] = 9;
  EXPECT_EQ(error_of(j), "plan.json: sites[0]: depth: expected 2, got 9");
  j = plan_to_json(sample_plan());
  j["steps"][1]["site"] = 7;
  EXPECT_EQ(error_of(j), "plan.json: steps[1]: site: expected 0..1, got 7");
  j = plan_to_json(sample_plan());
  j["bootstrap_cost"] = "guessed";
  EXPECT_EQ(error_of(j), "plan.json: bootstrap_cost: expected \"measured\" or \"estimated\", got \"guessed\"");
  j = plan_to_json(sample_plan());
  j["sites"][0]["range"] = {4.0, -3.0};
  EXPECT_EQ(error_of(j), "plan.json: sites[0]: range: expected [lo, hi] with lo <= hi, got [4.0,-3.0]");
  j = plan_to_json(sample_plan());
  j["sites"][0]["approximation"]["stages"].push_back(j["sites"][0]["approximation"]["stages"][0]);
  EXPECT_EQ(error_of(j), "plan.json: sites[0]: approximation: stages: expected 1 for kind wls, got 2");
  j = plan_to_json(sample_plan());
  j["steps"][0].erase("level_after");
  EXPECT_EQ(error_of(j), "plan.json: steps[0]: level_after: expected an integer, got missing");
}

}  // namespace
}  // namespace ola::opt
