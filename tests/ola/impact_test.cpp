#include "ola/impact.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "approx/wls.h"
#include "nn/data/cifar10.h"
#include "nn/onnx/onnx_import.h"
#include "util/atomic_file.h"
#include "util/data_paths.h"
#include "util/error.h"

namespace ola::opt {
namespace {

struct Fixture {
  nn::Graph g = nn::import_onnx(bundled_data_dir() / "resnet20.onnx");
  nn::ImageSet images = nn::load_cifar10(bundled_data_dir() / "cifar10_test_first100.bin", {16});
  std::vector<std::vector<approx::Approximation>> cands;
  Fixture() {
    cands.resize(g.sites.size());
    std::vector<double> xs;
    for (int i = 0; i <= 400; ++i) xs.push_back(-10.0 + 25.0 * i / 400.0);
    const auto dist = approx::Distribution::from_samples(xs);
    // The last site (short suffix): a degree-2 and a degree-7 WLS ReLU on [-10, 15].
    cands.back() = {approx::make_wls(approx::Activation::relu, 7, -10, 15, dist),
                    approx::make_wls(approx::Activation::relu, 2, -10, 15, dist)};
  }
};

TEST(Impact, MeasuresAndCaches) {
  Fixture f;
  const auto dir = std::filesystem::temp_directory_path() / "ola_impact_test";
  std::filesystem::remove_all(dir);
  ImpactOptions o;
  o.cache_dir = dir;
  o.kl_cutoff = 0.0;
  o.exec.threads = 1;
  const std::string key = impact_cache_key("model", "calib", f.images.fingerprint);
  const ImpactTable t = measure_impacts(f.g, f.images.images, f.images.labels, f.cands, key, o);
  const auto& last = t.back();
  ASSERT_EQ(last.size(), 2U);
  ASSERT_TRUE(last[0].measured && last[1].measured);
  EXPECT_GT(last[1].mean_kl, last[0].mean_kl);  // degree 2 is worse than degree 7
  EXPECT_GT(last[0].inputs, 0U);
  EXPECT_GE(last[1].disagreement, 0.0);
  EXPECT_LE(last[1].disagreement, 100.0);
  EXPECT_TRUE(t.front().empty());

  // A second run reads the cache file: change a stored value and see it come back.
  ASSERT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 1);
  const auto file = std::filesystem::directory_iterator(dir)->path();
  auto j = nlohmann::json::parse(read_file_text(file));
  for (auto& e : j["entries"]) e["mean_kl"] = 123.0;
  write_file_atomic(file, j.dump());
  const ImpactTable again = measure_impacts(f.g, f.images.images, f.images.labels, f.cands, key, o);
  EXPECT_DOUBLE_EQ(again.back()[0].mean_kl, 123.0);
  // Another key does not see those entries; a malformed cache file is a FormatError.
  const ImpactTable other = measure_impacts(f.g, f.images.images, f.images.labels, f.cands,
                                            impact_cache_key("model2", "calib", f.images.fingerprint), o);
  EXPECT_NEAR(other.back()[0].mean_kl, last[0].mean_kl, 1e-12);
  write_file_atomic(file, std::string("{\"format\": \"ola-impact-cache\", \"version\": 1, \"key\": \"x\"}"));
  EXPECT_THROW(measure_impacts(f.g, f.images.images, f.images.labels, f.cands, key, o), FormatError);
  std::filesystem::remove_all(dir);
}

TEST(Impact, CutoffSkipsCheaperCandidatesOfTheFamily) {
  Fixture f;
  ImpactOptions o;
  o.kl_cutoff = 1e-12;  // anything measurable exceeds it
  o.exec.threads = 1;
  const ImpactTable t = measure_impacts(f.g, f.images.images, f.images.labels, f.cands, "k", o);
  EXPECT_TRUE(t.back()[0].measured);   // degree 7, most expensive, measured first
  EXPECT_FALSE(t.back()[1].measured);  // degree 2 skipped
}

}  // namespace
}  // namespace ola::opt
