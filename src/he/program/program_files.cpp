#include "he/program/program_files.h"

#include <algorithm>

#include "nn/onnx/onnx_import.h"
#include "ola/plan.h"
#include "util/error.h"

namespace ola::he {

Program load_program(const std::filesystem::path& model, const std::filesystem::path& plan,
                     const ProgramOptions& options) {
  const nn::Graph g = nn::import_onnx(model);
  return compile_program(g, opt::load_plan(plan), options);
}

FeatureMap image_map(const nn::Tensor& images, std::int64_t index) {
  if (images.shape.size() != 4) {
    throw Error(ola::mismatch("image_map", "images", "[N,C,H,W]", nn::to_string(images.shape)));
  }
  if (index < 0 || index >= images.shape[0]) {
    throw Error(ola::mismatch("image_map", "index", "0.." + std::to_string(images.shape[0] - 1), index));
  }
  FeatureMap m = zero_feature_map(static_cast<int>(images.shape[1]), static_cast<int>(images.shape[2]),
                                  static_cast<int>(images.shape[3]));
  const auto n = static_cast<std::int64_t>(m.data.size());
  std::copy_n(images.data.begin() + index * n, n, m.data.begin());
  return m;
}

}  // namespace ola::he
