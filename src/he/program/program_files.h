// Builds a Program from files: an ONNX model and an OLA plan (docs/plan-format.md), compiled for a
// CKKS parameter set; and packs a CIFAR-10 image into the program's input layout.
#pragma once

#include <filesystem>
#include <vector>

#include "he/feature_map.h"
#include "he/program/program.h"
#include "nn/ir/tensor.h"

namespace ola::he {

/// import_onnx(model) + load_plan(plan) + compile_program(graph, plan, options). `plan` may also be
/// a replacement list (`ola uniform-plan`, nn/sim/approximation_json.h) that lists every site:
/// compiled with the compiler's bootstrap placement.
/// @throws ola::Error / nn::ModelError / ola::FormatError as those functions, or if a list leaves a
///         site out.
Program load_program(const std::filesystem::path& model, const std::filesystem::path& plan,
                     const ProgramOptions& options);

/// Image `index` of an [N, C, H, W] tensor as a feature map.
/// @throws ola::Error if images is not 4-D or index is not in 0..N-1.
FeatureMap image_map(const nn::Tensor& images, std::int64_t index);

}  // namespace ola::he
