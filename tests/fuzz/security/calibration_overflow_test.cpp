// Calibration files: counts and sizes are read as int64 and range-checked, so a huge or negative
// value is reported as written (not wrapped by a narrower conversion), and histogram counts are
// summed with an overflow check (a wrapped sum could otherwise equal `count`).
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "fuzz/samples.h"
#include "nn/calib/calibration_json.h"
#include "security_fixture.h"

namespace ola::security_test {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::string load_error(const nlohmann::json& j) {
  return error_of([&] { (void)nn::calibration_from_json(j, "c.json"); });
}

TEST(CalibrationOverflow, SizesAreCheckedAsInt64) {
  const nlohmann::json valid = nn::to_json(fuzz::small_calibration());
  ASSERT_NO_THROW((void)nn::calibration_from_json(valid, "c.json"));
  nlohmann::json j = valid;
  j["histogram_bins"] = std::int64_t{1} << 40;  // was read as int: wrapped to 0
  EXPECT_EQ(load_error(j), "c.json: histogram_bins: expected 1..1048576, got 1099511627776");
  j = valid;
  j["version"] = (std::int64_t{1} << 32) + 1;  // was read as int: wrapped to 1, the right version
  EXPECT_EQ(load_error(j), "c.json: version: expected 1, got 4294967297");
  j = valid;
  j["data"]["images"] = -1;  // was read as size_t: wrapped to 2^64 - 1
  EXPECT_EQ(load_error(j), "c.json: data: images: expected 0..9223372036854775807, got -1");
  j = valid;
  j["sites"][0]["count"] = 1.5;
  EXPECT_EQ(load_error(j), "c.json: sites[0]: count: expected an integer in 0..9223372036854775807, got 1.5");
}

TEST(CalibrationOverflow, HistogramCountsCannotWrapTheirSum) {
  const nlohmann::json valid = nn::to_json(fuzz::small_calibration());
  ASSERT_GE(valid["sites"][0]["histogram"].size(), 2u);
  // Two counts of 2^63 summed to 0 in uint64: with count 0 the site passed the sum check.
  nlohmann::json j = valid;
  j["sites"][0]["count"] = 0;
  for (auto& h : j["sites"][0]["histogram"]) h = 0;
  j["sites"][0]["histogram"][0] = std::uint64_t{1} << 63;
  j["sites"][0]["histogram"][1] = std::uint64_t{1} << 63;
  EXPECT_EQ(load_error(j), "c.json: sites[0]: histogram[0]: expected 0..9223372036854775807, got 9223372036854775808");
  // Within int64 each, but the sum overflows.
  j["sites"][0]["histogram"][0] = kMax;
  j["sites"][0]["histogram"][1] = 1;
  EXPECT_EQ(load_error(j),
            "c.json: sites[0]: histogram sum: expected <= 9223372036854775807 (int64), got an overflow at bin 1");
  j["sites"][0]["histogram"][1] = -1;
  EXPECT_EQ(load_error(j), "c.json: sites[0]: histogram[1]: expected 0..9223372036854775807, got -1");
}

TEST(CalibrationOverflow, CalibrateRefusesTooManyBins) {
  nn::CalibrationOptions o;
  o.histogram_bins = nn::kMaxHistogramBins + 1;
  const auto bytes = fuzz::small_cnn().bytes();
  const nn::Graph g = nn::import_onnx_bytes(bytes, "small_cnn.onnx");
  EXPECT_EQ(error_of([&] { (void)nn::calibrate(g, nn::zeros({1, 3, 8, 8}), o); }),
            "calibrate: histogram_bins: expected 1..1048576, got 1048577");
}

}  // namespace
}  // namespace ola::security_test
