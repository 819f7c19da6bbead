// ResNet-20/32 ONNX models against PyTorch: predictions equal the reference predictions written by
// tools/reference_predictions.py (the original .th checkpoints with unfolded BatchNorm, an
// independent path), and top-1 equals the published figures of ../shared/data/models/README.md.
#include <gtest/gtest.h>

#include <fstream>

#include "nn/data/cifar10.h"
#include "nn/exec/executor.h"
#include "nn/onnx/onnx_import.h"
#include "nn/sim/metrics.h"
#include "util/data_paths.h"

namespace ola::nn {
namespace {

std::vector<int> reference_predictions(const std::string& file) {
  std::ifstream in(std::string(OLA_SOURCE_DIR) + "/tests/nn/data/" + file);
  std::vector<int> p;
  for (int v; in >> v;) p.push_back(v);
  return p;
}

struct Outcome {
  std::size_t correct = 0, same_as_reference = 0;
};

Outcome evaluate(const std::filesystem::path& model, const std::filesystem::path& images, const std::vector<int>& reference) {
  const Graph g = import_onnx(model);
  const ImageSet set = load_cifar10(images);
  const auto pred = argmax_rows(run_model(g, set.images));
  Outcome o;
  for (std::size_t i = 0; i < pred.size(); ++i) {
    o.correct += pred[i] == set.labels[i];
    o.same_as_reference += i < reference.size() && pred[i] == reference[i];
  }
  return o;
}

TEST(ResNetIntegration, BundledResNet20On100ImagesMatchesPyTorch) {
  const auto dir = bundled_data_dir();
  const Graph g = import_onnx(dir / "resnet20.onnx");
  EXPECT_EQ(g.sites.size(), 19u);
  EXPECT_EQ(g.sites[6].name, "relu_6 (/layer1/layer1.2/Relu_1)");
  EXPECT_EQ(parameter_count(g), 269034);  // float initializers of the file (onnx + numpy count)
  auto ref = reference_predictions("resnet20_lossless1000_pred.txt");
  ASSERT_EQ(ref.size(), 1000u);
  ref.resize(100);
  const Outcome o = evaluate(dir / "resnet20.onnx", dir / "cifar10_test_first100.bin", ref);
  EXPECT_EQ(o.same_as_reference, 100u);
  EXPECT_EQ(o.correct, 94u);  // PyTorch: 94 of the first 100 lossless test images
}

TEST(ResNetIntegration, SharedResNet20And32OnLossless1000EqualPublishedTop1) {
  const auto dir = find_full_data_dir();
  if (!dir) GTEST_SKIP() << "full data not found (set OLA_DATA or place ../shared/data); skipping";
  const auto images = *dir / "cifar-10-lossless-subset" / "test_batch_first1000.bin";
  const Outcome r20 = evaluate(*dir / "models" / "resnet20.onnx", images, reference_predictions("resnet20_lossless1000_pred.txt"));
  EXPECT_EQ(r20.correct, 915u);  // 91.50 %
  EXPECT_GE(r20.same_as_reference, 999u);
  const Outcome r32 = evaluate(*dir / "models" / "resnet32.onnx", images, reference_predictions("resnet32_lossless1000_pred.txt"));
  EXPECT_EQ(r32.correct, 928u);  // 92.80 %
  EXPECT_GE(r32.same_as_reference, 999u);
}

}  // namespace
}  // namespace ola::nn
