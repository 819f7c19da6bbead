#include "ola/cost_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "util/atomic_file.h"
#include "util/error.h"

namespace ola::opt {
namespace {

nlohmann::json level(int l) {
  return {{"level", l},          {"limbs", l + 1},          {"mul_relin_ms", 10.0 + l},
          {"rescale_ms", 1.0},   {"rotate_ms", 9.0 + l},    {"hoisted_rotate_ms", 5.0},
          {"hoist_decompose_ms", 4.0}, {"lazy_rotate_ms", 7.0 + l}, {"mod_down_ms", 1.75}, {"mul_plain_ms", 0.5}, {"mul_sum_term_ms", 0.3}, {"mul_const_ms", 0.25},
          {"add_ms", 0.125},     {"encode_ms", 1.5},     {"encode_rep2_ms", 0.8},
          {"encode_rep4_ms", 0.4}, {"encode_rep8_ms", 0.2}, {"interpolated", l == 2}};
}

nlohmann::json good_table() {
  return {{"format", "ola-cost-table"},
          {"version", 1},
          {"log_n", 16},
          {"threads", 1},
          {"date", "2026-11-29"},
          {"host", "test"},
          {"levels", {level(0), level(1), level(2), level(3)}},
          {"bootstrap", {{{"slots", 32768}, {"seconds", 30.5}, {"levels_after", 3}, {"input_level", 0}}}}};
}

std::string error_of(const nlohmann::json& j) {
  try {
    cost_table_from_json(j, "costs.json");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CostTable, ParsesAndRoundTrips) {
  const CostTable t = cost_table_from_json(good_table(), "costs.json");
  EXPECT_EQ(t.min_level(), 0);
  EXPECT_EQ(t.max_level(), 3);
  EXPECT_DOUBLE_EQ(t.at(3).mul_relin_ms, 13.0);
  EXPECT_TRUE(t.at(2).interpolated);
  ASSERT_EQ(t.bootstrap.size(), 1U);
  EXPECT_DOUBLE_EQ(t.bootstrap[0].seconds, 30.5);
  EXPECT_EQ(cost_table_to_json(t), good_table());
  EXPECT_EQ(cost_table_fingerprint(t), cost_table_fingerprint(cost_table_from_json(good_table(), "x")));
  EXPECT_THROW(t.at(4), Error);
}

// Tables written before the encoder's subring path and the fused product sums have neither price:
// they default to the full encode and to a product plus an addition (upper bounds); given ones
// must be valid times.
TEST(CostTable, PeriodicEncodePricesDefaultToTheFullEncode) {
  auto j = good_table();
  for (auto& l : j["levels"]) {
    l.erase("encode_rep2_ms");
    l.erase("encode_rep4_ms");
    l.erase("encode_rep8_ms");
  }
  for (auto& l : j["levels"]) l.erase("mul_sum_term_ms");
  const CostTable old = cost_table_from_json(j, "x");
  EXPECT_DOUBLE_EQ(old.at(1).encode_ms_for(8), 1.5);
  EXPECT_DOUBLE_EQ(old.at(1).mul_sum_term_ms, 0.5 + 0.125);  // unfused: product + addition
  const CostTable t = cost_table_from_json(good_table(), "x");
  EXPECT_DOUBLE_EQ(t.at(1).encode_ms_for(2), 0.8);
  EXPECT_DOUBLE_EQ(t.at(1).encode_ms_for(4), 0.4);
  EXPECT_DOUBLE_EQ(t.at(1).encode_ms_for(16), 0.2);
  auto bad = good_table();
  bad["levels"][1]["encode_rep4_ms"] = -1.0;
  EXPECT_NE(error_of(bad).find("encode_rep4_ms"), std::string::npos) << error_of(bad);
}

// Tables written before lazy rotation sums price a giant step as a whole rotation and the sum's
// ModDown as nothing (the eager price, an upper bound); given prices must be valid times.
TEST(CostTable, LazyRotationPricesDefaultToTheEagerRotation) {
  auto j = good_table();
  for (auto& l : j["levels"]) {
    l.erase("lazy_rotate_ms");
    l.erase("mod_down_ms");
  }
  const CostTable old = cost_table_from_json(j, "x");
  EXPECT_DOUBLE_EQ(old.at(2).lazy_rotate_ms, old.at(2).rotate_ms);
  EXPECT_DOUBLE_EQ(old.at(2).mod_down_ms, 0.0);
  const CostTable t = cost_table_from_json(good_table(), "x");
  EXPECT_DOUBLE_EQ(t.at(2).lazy_rotate_ms, 9.0);
  EXPECT_DOUBLE_EQ(t.at(2).mod_down_ms, 1.75);
  auto bad = good_table();
  bad["levels"][3]["mod_down_ms"] = -0.5;
  EXPECT_NE(error_of(bad).find("mod_down_ms"), std::string::npos) << error_of(bad);
  bad = good_table();
  bad["levels"][0]["lazy_rotate_ms"] = "fast";
  EXPECT_NE(error_of(bad).find("lazy_rotate_ms"), std::string::npos) << error_of(bad);
  bad = good_table();
  bad["levels"][2].erase("mod_down_ms");  // a lazy term without its sum's ModDown: refused
  EXPECT_NE(error_of(bad).find("levels[2]: mod_down_ms"), std::string::npos) << error_of(bad);
}

TEST(CostTable, ParameterSetNameIsOptionalAndRoundTrips) {
  EXPECT_TRUE(cost_table_from_json(good_table(), "x").params.empty());
  auto j = good_table();
  j["params"] = "n16-deep";
  const CostTable t = cost_table_from_json(j, "x");
  EXPECT_EQ(t.params, "n16-deep");
  EXPECT_EQ(cost_table_to_json(t), j);
  j["params"] = 16;
  EXPECT_NE(error_of(j).find("params"), std::string::npos) << error_of(j);
}

TEST(CostTable, FingerprintChangesWithContent) {
  auto j = good_table();
  const std::string a = cost_table_fingerprint(cost_table_from_json(j, "x"));
  j["levels"][1]["rescale_ms"] = 1.5;
  EXPECT_NE(a, cost_table_fingerprint(cost_table_from_json(j, "x")));
}

TEST(CostTable, EmptyBootstrapIsAllowed) {
  auto j = good_table();
  j["bootstrap"] = nlohmann::json::array();
  EXPECT_TRUE(cost_table_from_json(j, "x").bootstrap.empty());
}

TEST(CostTable, ClearErrors) {
  auto j = good_table();
  j["format"] = "something";
  EXPECT_EQ(error_of(j), "costs.json: format: expected \"ola-cost-table\", got \"something\"");
  j = good_table();
  j["version"] = 2;
  EXPECT_EQ(error_of(j), "costs.json: version: expected 1, got 2");
  j = good_table();
  j["levels"][1]["limbs"] = 7;
  EXPECT_EQ(error_of(j), "costs.json: levels[1]: limbs: expected 2, got 7");
  j = good_table();
  j["levels"][2]["rotate_ms"] = -1.0;
  EXPECT_EQ(error_of(j), "costs.json: levels[2]: rotate_ms: expected a time >= 0, got -1");
  j = good_table();
  j["levels"][2].erase("add_ms");
  EXPECT_EQ(error_of(j), "costs.json: levels[2]: add_ms: expected a number, got missing");
  j = good_table();
  j["levels"][2]["level"] = 5;
  j["levels"][2]["limbs"] = 6;
  EXPECT_EQ(error_of(j), "costs.json: levels[2]: level: expected 2, got 5");
  j = good_table();
  j["levels"] = nlohmann::json::array();
  EXPECT_EQ(error_of(j), "costs.json: levels: expected at least one level, got an empty array");
  j = good_table();
  j["bootstrap"][0]["slots"] = 1000;
  EXPECT_EQ(error_of(j), "costs.json: bootstrap[0]: slots: expected a power of two, got 1000");
  j = good_table();
  j["bootstrap"][0]["levels_after"] = 0;
  EXPECT_EQ(error_of(j), "costs.json: bootstrap[0]: levels_after: expected > input_level = 0, got 0");
  j = good_table();
  j["threads"] = "one";
  EXPECT_EQ(error_of(j), "costs.json: threads: expected an integer, got \"one\"");
}

TEST(CostTable, LoadReportsBadFiles) {
  const auto dir = std::filesystem::temp_directory_path() / "ola_cost_table_test";
  std::filesystem::create_directories(dir);
  write_file_atomic(dir / "bad.json", std::string("{not json"));
  try {
    load_cost_table(dir / "bad.json");
    FAIL() << "expected FormatError";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: JSON"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_cost_table(dir / "missing.json"), Error);
  write_file_atomic(dir / "good.json", good_table().dump());
  EXPECT_EQ(load_cost_table(dir / "good.json").levels.size(), 4U);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ola::opt
