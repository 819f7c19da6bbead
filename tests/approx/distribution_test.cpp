#include "approx/distribution.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "approx/fit_error.h"

namespace ola::approx {
namespace {

TEST(Distribution, DegenerateInputsAreRejected) {
  EXPECT_THROW(Distribution::histogram({}, {}), FitError);
  EXPECT_THROW(Distribution::histogram({0.0, 1.0}, {0.0}), FitError);          // all weight zero
  EXPECT_THROW(Distribution::histogram({0.0, 1.0, 2.0}, {1.0}), FitError);     // size mismatch
  EXPECT_THROW(Distribution::histogram({1.0, 0.0}, {1.0}), FitError);          // inverted edges
  EXPECT_THROW(Distribution::histogram({0.0, 1.0}, {-1.0}), FitError);         // negative count
  EXPECT_THROW(Distribution::histogram({0.0, INFINITY}, {1.0}), FitError);
  EXPECT_THROW(Distribution::from_samples({}), FitError);
  EXPECT_THROW(Distribution::from_samples({0.5}), FitError);                   // one point
  EXPECT_THROW(Distribution::from_samples({0.5, 0.5, 0.5}), FitError);         // one distinct point
  EXPECT_THROW(Distribution::from_samples({0.5, NAN}), FitError);
  try {
    Distribution::histogram({0.0, 1.0, 2.0}, {1.0});
  } catch (const FitError& e) {
    EXPECT_STREQ(e.what(), "Distribution::histogram: edges.size(): expected 2, got 3");
  }
}

TEST(Distribution, QuadratureIsNormalisedAndClipped) {
  const Distribution d = Distribution::histogram({-2.0, 0.0, 2.0}, {1.0, 3.0});
  const auto all = quadrature(d, -2.0, 2.0);
  double w = 0.0, mean = 0.0;
  for (const auto& p : all) {
    w += p.w;
    mean += p.w * p.x;
  }
  EXPECT_NEAR(w, 1.0, 1e-15);
  EXPECT_NEAR(mean, 0.25 * -1.0 + 0.75 * 1.0, 1e-15);
  const auto half = quadrature(d, -1.0, 1.0);  // keeps half of each bin: same 1:3 ratio
  double left = 0.0;
  for (const auto& p : half) {
    EXPECT_GE(p.x, -1.0);
    EXPECT_LE(p.x, 1.0);
    if (p.x < 0) left += p.w;
  }
  EXPECT_NEAR(left, 0.25, 1e-15);
  EXPECT_THROW(quadrature(d, 3.0, 4.0), FitError);
  EXPECT_THROW(quadrature(d, 1.0, -1.0), FitError);
}

// The uniform distribution integrates polynomials like the continuous mean on [lo, hi]:
// E[x^2] = 1/3 and E[x^4] = 1/5 on [-1, 1] (3 Gauss nodes a bin are exact to degree 5).
TEST(Distribution, UniformIsTheContinuousMean) {
  const Distribution d = Distribution::uniform(-1.0, 1.0, 8);
  EXPECT_EQ(d.counts.size(), 8u);
  double m2 = 0.0, m4 = 0.0;
  for (const auto& p : quadrature(d, -1.0, 1.0)) {
    m2 += p.w * p.x * p.x;
    m4 += p.w * p.x * p.x * p.x * p.x;
  }
  EXPECT_NEAR(m2, 1.0 / 3.0, 1e-14);
  EXPECT_NEAR(m4, 1.0 / 5.0, 1e-14);
  EXPECT_EQ(Distribution::uniform(0.0, 3.0).counts.size(), Distribution::kUniformBins);
  EXPECT_THROW(Distribution::uniform(1.0, 1.0), FitError);
  EXPECT_THROW(Distribution::uniform(0.0, 1.0, 0), FitError);
  EXPECT_THROW(Distribution::uniform(0.0, INFINITY), FitError);
}

TEST(Distribution, HistogramJson) {
  const auto path = std::filesystem::temp_directory_path() / "ola_approx_hist_test.json";
  {
    std::ofstream(path) << R"({"edges":[-1,0,1],"counts":[2,6]})";
  }
  const Distribution d = read_histogram_json(path);
  EXPECT_EQ(d.counts, (std::vector<double>{2, 6}));
  {
    std::ofstream(path) << R"({"edges":[-1,0,1]})";
  }
  EXPECT_THROW(read_histogram_json(path), FormatError);
  {
    std::ofstream(path) << R"({"edges":[-1,0,1],"counts":[2,"x"]})";
  }
  EXPECT_THROW(read_histogram_json(path), FormatError);
  {
    std::ofstream(path) << "not json";
  }
  EXPECT_THROW(read_histogram_json(path), FormatError);
  std::filesystem::remove(path);
  EXPECT_THROW(read_histogram_json(path), FormatError);
}

}  // namespace
}  // namespace ola::approx
