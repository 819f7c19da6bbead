// End to end on the bundled ResNet-20: calibrate, replace every ReLU by approx/ polynomials fitted
// to the calibrated ranges, simulate. A precise composite ReLU keeps the predictions; a degree-2
// WLS everywhere does not; the per-site suffix evaluation agrees with the full simulation.
#include <gtest/gtest.h>

#include "approx/composite.h"
#include "approx/wls.h"
#include "nn/calib/calibration.h"
#include "nn/data/cifar10.h"
#include "nn/onnx/onnx_import.h"
#include "nn/sim/simulate.h"
#include "nn/sim/site_cache.h"
#include "util/data_paths.h"

namespace ola::nn {
namespace {

struct Fixture {
  Graph g;
  ImageSet test;
  Calibration cal;
  Fixture() {
    const auto dir = bundled_data_dir();
    g = import_onnx(dir / "resnet20.onnx");
    CifarOptions o;
    o.first = 64;
    const ImageSet calib = load_cifar10(dir / "cifar10_calib_first1000.bin", o);
    CalibrationOptions co;
    co.reservoir_size = 4000;
    cal = calibrate(g, calib.images, co);
    o.first = 100;
    test = load_cifar10(dir / "cifar10_test_first100.bin", o);
  }
  /// The site's calibrated range widened by half its width on both sides (64 calibration images
  /// do not see the extremes of the 100 test images; with 20 % one test input of relu_6 falls
  /// outside and the composite polynomial overflows to infinity, as it would under HE).
  std::pair<double, double> range(int site) const {
    const auto& s = cal.sites[static_cast<std::size_t>(site)];
    const double w = s.max - s.min;
    return {s.min - 0.5 * w, s.max + 0.5 * w};
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

TEST(ResNetApprox, CompositeReluAlpha13KeepsPredictionsAndWlsDegree2DoesNot) {
  const Fixture& f = fixture();
  SiteReplacements composite(f.g.sites.size()), wls2(f.g.sites.size());
  for (const auto& s : f.g.sites) {
    const auto [lo, hi] = f.range(s.index);
    composite[static_cast<std::size_t>(s.index)] = approx::make_composite_relu(13, lo, hi);
    const auto& st = f.cal.sites[static_cast<std::size_t>(s.index)];
    const auto dist = approx::Distribution::from_samples(std::vector<double>(st.sample.begin(), st.sample.end()));
    wls2[static_cast<std::size_t>(s.index)] = approx::make_wls(approx::Activation::relu, 2, lo, hi, dist);
  }
  const SimulationResult good = simulate(f.g, f.test.images, f.test.labels, composite);
  EXPECT_GE(good.metrics.agree, 98u) << "alpha = 13 composite ReLU on calibrated ranges";
  EXPECT_LT(good.metrics.mean_kl, 0.05);
  EXPECT_EQ(good.metrics.nonfinite, 0u);
  for (const auto& s : f.g.sites) EXPECT_EQ(good.stats.out_of_range[static_cast<std::size_t>(s.index)], 0u) << s.name;
  const SimulationResult bad = simulate(f.g, f.test.images, f.test.labels, wls2);
  EXPECT_LT(bad.metrics.agree, good.metrics.agree);
  EXPECT_GT(bad.metrics.mean_kl, 10 * good.metrics.mean_kl);
}

TEST(ResNetApprox, SuffixEvaluationOfTheLastSitesEqualsFullSimulation) {
  const Fixture& f = fixture();
  const std::vector<int> sites{13, 18};
  const SiteCache cache = build_site_cache(f.g, f.test.images, f.test.labels, {}, sites);
  for (int site : sites) {
    const auto [lo, hi] = f.range(site);
    const auto& st = f.cal.sites[static_cast<std::size_t>(site)];
    const auto cand = approx::make_wls(approx::Activation::relu, 4, lo, hi,
                                       approx::Distribution::from_samples(std::vector<double>(st.sample.begin(), st.sample.end())));
    const SiteImpact impact = evaluate_site(f.g, cache, site, cand);
    SiteReplacements rep(f.g.sites.size());
    rep[static_cast<std::size_t>(site)] = cand;
    const SimulationResult full = simulate(f.g, f.test.images, f.test.labels, rep);
    EXPECT_EQ(impact.logits.data, full.logits.data) << "site " << site;
    EXPECT_EQ(impact.out_of_range, full.stats.out_of_range[static_cast<std::size_t>(site)]);
    EXPECT_DOUBLE_EQ(impact.metrics.mean_kl, full.metrics.mean_kl);
    EXPECT_GT(impact.metrics.mean_kl, 0.0);
  }
}

}  // namespace
}  // namespace ola::nn
