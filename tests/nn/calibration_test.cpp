#include "nn/calib/calibration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nn/calib/calibration_json.h"
#include "nn/calib/reservoir.h"
#include "nn/error.h"
#include "nn/onnx/onnx_import.h"
#include "nn/onnx_builder.h"
#include "nn/reference_ops.h"

namespace ola::nn {
namespace {

using test::OnnxBuilder;

TEST(Reservoir, DeterministicUniformAndComplete) {
  std::vector<float> stream(200000);
  for (std::size_t i = 0; i < stream.size(); ++i) stream[i] = static_cast<float>(i);
  Reservoir a(2000, {}), b(2000, {});
  a.add(stream);
  for (std::size_t i = 0; i < stream.size(); i += 777) b.add(std::span(stream).subspan(i, std::min<std::size_t>(777, stream.size() - i)));
  EXPECT_EQ(a.sample(), b.sample()) << "chunking must not change the sample";
  EXPECT_EQ(a.seen(), 200000u);
  ASSERT_EQ(a.sample().size(), 2000u);
  // Uniform: mean of the sample near the stream mean (sd of the mean ~ 57735/sqrt(2000) = 1291).
  double mean = 0;
  for (float v : a.sample()) mean += v;
  mean /= 2000;
  EXPECT_NEAR(mean, 99999.5, 5000.0);
  // Late values are sampled too (a sampler stuck on the prefix fails this).
  EXPECT_GT(std::count_if(a.sample().begin(), a.sample().end(), [](float v) { return v >= 150000; }), 350);
  std::array<std::uint8_t, 32> other{};
  other[0] = 1;
  Reservoir c(2000, other);
  c.add(stream);
  EXPECT_NE(a.sample(), c.sample());
  Reservoir small(10, {});
  small.add(std::span(stream).subspan(0, 4));
  EXPECT_EQ(small.sample(), (std::vector<float>{0, 1, 2, 3}));
}

TEST(Calibration, HistogramQuantileInterpolates) {
  // 100 values uniform over 10 bins on [0, 10].
  std::vector<std::uint64_t> h(10, 10);
  EXPECT_NEAR(histogram_quantile(h, 0, 10, 0.5), 5.0, 1e-12);
  EXPECT_NEAR(histogram_quantile(h, 0, 10, 0.25), 2.5, 1e-12);
  EXPECT_NEAR(histogram_quantile(h, 0, 10, 1.0), 10.0, 1e-12);
}

Graph two_relu_model() {
  OnnxBuilder b({2, 6, 6});
  b.random("w1", {3, 2, 3, 3}, 0.6f);
  b.random("b1", {3}, 0.3f);
  b.random("w2", {2, 3, 1, 1}, 0.6f);
  auto& c1 = b.node("Conv", {"input", "w1", "b1"}, "c1", "/c1");
  OnnxBuilder::attr(c1, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  b.node("Relu", {"c1"}, "r1", "/r1");
  b.node("Conv", {"r1", "w2"}, "c2", "/c2");
  b.node("Relu", {"c2"}, "r2", "/r2");
  b.node("GlobalAveragePool", {"r2"}, "p");
  b.node("Flatten", {"p"}, "y");
  b.output("y");
  return import_onnx_bytes(b.bytes(), "two.onnx");
}

TEST(Calibration, StatisticsMatchDirectComputation) {
  const Graph g = two_relu_model();
  const Tensor images = test::random_tensor({40, 2, 6, 6}, 5);
  CalibrationOptions o;
  o.reservoir_size = 500;
  o.histogram_bins = 64;
  o.exec.batch_size = 16;  // several batches
  const Calibration cal = calibrate(g, images, o);
  ASSERT_EQ(cal.sites.size(), 2u);
  // Direct: collect site 0's inputs with the observation hook in one batch.
  std::vector<float> all;
  RunHooks hooks;
  hooks.observe_site_input = [&](int site, const Tensor& x) {
    if (site == 0) all.insert(all.end(), x.data.begin(), x.data.end());
  };
  run_batch(g, images, hooks);
  std::sort(all.begin(), all.end());
  const auto& s = cal.sites[0];
  EXPECT_EQ(s.count, all.size());
  EXPECT_EQ(s.min, all.front());
  EXPECT_EQ(s.max, all.back());
  std::uint64_t total = 0;
  for (auto h : s.histogram) total += h;
  EXPECT_EQ(total, s.count);
  const double bin = (s.max - s.min) / (64.0 * kQuantileRefinement);
  for (std::size_t q = 0; q < kQuantileLevels.size(); ++q) {
    // Between the order statistics the usual definitions pick (rank q(n-1) .. qn), up to a bin.
    const double n = static_cast<double>(all.size());
    const double lo = all[static_cast<std::size_t>(std::floor(kQuantileLevels[q] * (n - 1)))];
    const double hi = all[std::min(all.size() - 1, static_cast<std::size_t>(std::ceil(kQuantileLevels[q] * n)))];
    EXPECT_GE(s.quantiles[q], lo - bin - 1e-6) << "quantile " << kQuantileLevels[q];
    EXPECT_LE(s.quantiles[q], hi + bin + 1e-6) << "quantile " << kQuantileLevels[q];
  }
  EXPECT_EQ(s.sample.size(), 500u);
  for (float v : s.sample) EXPECT_TRUE(std::binary_search(all.begin(), all.end(), v));
  // Deterministic, and independent of the batch size.
  o.exec.batch_size = 40;
  const Calibration again = calibrate(g, images, o);
  EXPECT_EQ(again.sites[1].sample, cal.sites[1].sample);
  EXPECT_EQ(again.sites[1].histogram, cal.sites[1].histogram);
}

// calibration_from_json(j) must throw a DataError whose message contains `needle`.
void expect_data_error(const nlohmann::json& j, const std::string& needle) {
  try {
    calibration_from_json(j, "c.json");
    ADD_FAILURE() << "no error; expected one containing " << needle;
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Calibration, JsonRoundTripAndFingerprintCheck) {
  const Graph g = two_relu_model();
  CalibrationOptions o;
  o.reservoir_size = 50;
  o.histogram_bins = 16;
  Calibration cal = calibrate(g, test::random_tensor({8, 2, 6, 6}, 9), o);
  cal.source.model_path = "two.onnx";
  cal.source.model_fingerprint = "ab";
  cal.source.data_path = "d.bin";
  cal.source.data_fingerprint = "cd";
  cal.source.mean = {0.1f, 0.2f, 0.3f};
  cal.source.std = {1, 1, 1};
  const nlohmann::json j = to_json(cal);
  const Calibration back = calibration_from_json(nlohmann::json::parse(j.dump()), "c.json");
  EXPECT_EQ(back.sites.size(), 2u);
  EXPECT_EQ(back.sites[1].histogram, cal.sites[1].histogram);
  EXPECT_EQ(back.sites[1].sample, cal.sites[1].sample);
  EXPECT_EQ(back.sites[0].quantiles, cal.sites[0].quantiles);
  EXPECT_EQ(back.sites[0].name, "relu_0 (/r1)");
  nlohmann::json bad = j;
  bad["data"]["images"] = 9;
  expect_data_error(bad, "c.json: fingerprint: expected");
  bad = j;
  bad["sites"][1]["histogram"][0] = 12345;
  EXPECT_THROW(calibration_from_json(bad, "c.json"), DataError);
  bad = j;
  bad["sites"][0].erase("max");
  expect_data_error(bad, "c.json: sites[0]: max: expected present, got absent");
}

// Per-channel histograms: channel c's histogram counts exactly channel c's inputs (binned over the
// site's [min, max]), they sum to the site's count, and they survive the JSON round trip, which
// checks their sum.
TEST(Calibration, ChannelHistogramsCountEachChannelsInputs) {
  const Graph g = two_relu_model();
  const Tensor images = test::random_tensor({12, 2, 6, 6}, 4);
  CalibrationOptions o;
  o.reservoir_size = 50;
  o.histogram_bins = 16;
  o.channel_histogram_bins = 8;
  o.exec.batch_size = 5;
  Calibration cal = calibrate(g, images, o);
  std::vector<std::vector<float>> per_channel(3);  // site 0: conv c1's 3 output channels
  RunHooks hooks;
  hooks.observe_site_input = [&](int site, const Tensor& x) {
    if (site != 0) return;
    const std::size_t inner = 36;
    for (std::size_t k = 0; k < x.data.size(); ++k) per_channel[(k / inner) % 3].push_back(x.data[k]);
  };
  run_batch(g, images, hooks);
  const SiteStatistics& s = cal.sites[0];
  ASSERT_EQ(s.channel_histograms.size(), 3u);
  ASSERT_EQ(cal.sites[1].channel_histograms.size(), 2u);
  std::uint64_t total = 0;
  for (std::size_t c = 0; c < 3; ++c) {
    std::vector<std::uint64_t> want(8, 0);
    for (float v : per_channel[c]) {
      const auto b = static_cast<std::size_t>(std::max(0.0, (v - s.min) * 8.0 / (s.max - s.min)));
      ++want[std::min<std::size_t>(b, 7)];
    }
    EXPECT_EQ(s.channel_histograms[c], want) << "channel " << c;
    for (auto h : s.channel_histograms[c]) total += h;
  }
  EXPECT_EQ(total, s.count);
  cal.source = {"two.onnx", "ab", "d.bin", "cd", {0, 0, 0}, {1, 1, 1}, {}, {}};
  const nlohmann::json j = to_json(cal);
  const Calibration back = calibration_from_json(nlohmann::json::parse(j.dump()), "c.json");
  EXPECT_EQ(back.channel_histogram_bins, 8);
  EXPECT_EQ(back.sites[0].channel_histograms, s.channel_histograms);
  nlohmann::json bad = j;
  bad["sites"][0]["channel_histograms"][1][0] = bad["sites"][0]["channel_histograms"][1][0].get<int>() + 1;
  expect_data_error(bad, "c.json: sites[0]: channel_histograms sum: expected");
  bad = j;
  bad["sites"][0]["channel_histograms"].erase(0);
  EXPECT_THROW(calibration_from_json(bad, "c.json"), DataError);
  // Without per-channel histograms the file and its fingerprint are as before.
  o.channel_histogram_bins = 0;
  const nlohmann::json plain = to_json(calibrate(g, images, o));
  EXPECT_FALSE(plain.contains("channel_histogram_bins"));
  EXPECT_FALSE(plain["sites"][0].contains("channel_histograms"));
}

// With replacements the statistics are those of the approximated model: site 0's inputs are
// untouched by its own polynomial, site 1's are what the polynomial at site 0 feeds it (as a direct
// run with the same replacements sees them, not as the exact model does); the file records the
// replacement list, and that changes the calibration's fingerprint.
TEST(Calibration, WithReplacementsRecordsTheApproximatedModelsInputs) {
  const Graph g = two_relu_model();
  const Tensor images = test::random_tensor({10, 2, 6, 6}, 7);
  approx::Approximation quadratic;
  quadratic.activation = approx::Activation::relu;
  quadratic.kind = approx::Kind::wls;
  quadratic.lo = -4;
  quadratic.hi = 4;
  quadratic.stages = {approx::ChebPoly{-4, 4, {1.0, 2.0, 1.5}}};  // far from relu: shifts site 1
  const SiteReplacements replacements = {quadratic, std::nullopt};
  CalibrationOptions o;
  o.reservoir_size = 50;
  o.histogram_bins = 16;
  const Calibration exact = calibrate(g, images, o);
  o.replacements = &replacements;
  Calibration approximated = calibrate(g, images, o);
  EXPECT_EQ(approximated.sites[0].histogram, exact.sites[0].histogram);
  EXPECT_EQ(approximated.sites[0].max, exact.sites[0].max);
  float lo = 1e30f, hi = -1e30f;
  RunHooks hooks;
  hooks.replacements = &replacements;
  hooks.observe_site_input = [&](int site, const Tensor& x) {
    if (site != 1) return;
    for (float v : x.data) lo = std::min(lo, v), hi = std::max(hi, v);
  };
  run_batch(g, images, hooks);
  EXPECT_EQ(approximated.sites[1].min, lo);
  EXPECT_EQ(approximated.sites[1].max, hi);
  // The polynomial is about -0.5 at 0 where relu is 0: site 1 sees a shifted mean.
  EXPECT_GT(std::abs(approximated.sites[1].mean - exact.sites[1].mean), 0.1);
  approximated.source = {"two.onnx", "ab", "d.bin", "cd", {0, 0, 0}, {1, 1, 1}, "list.json", "ef"};
  const Calibration back = calibration_from_json(nlohmann::json::parse(to_json(approximated).dump()), "c.json");
  EXPECT_EQ(back.source.replacements_path, "list.json");
  EXPECT_EQ(back.source.replacements_fingerprint, "ef");
  Calibration unmarked = approximated;
  unmarked.source.replacements_path.clear();
  unmarked.source.replacements_fingerprint.clear();
  EXPECT_NE(calibration_fingerprint(unmarked), calibration_fingerprint(approximated));
  const SiteReplacements one = {quadratic};
  o.replacements = &one;
  try {
    calibrate(g, images, o);
    ADD_FAILURE() << "a replacement list of the wrong size was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("replacements: expected 2 sites, got 1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ola::nn
