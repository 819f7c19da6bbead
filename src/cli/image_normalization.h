// The `--mean` / `--std` options of every command that reads CIFAR-10 images: the model's own
// preprocessing, (pixel / 255 - mean[c]) / std[c] (nn/data/cifar10.h). ImageNet's by default (the
// ResNet checkpoints'); the ConvNeXt of tools/train_convnext.py uses CIFAR's (tools/README.md).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "nn/data/cifar10.h"

namespace ola::cli {

/// The two options as given on the command line.
struct ImageNormalization {
  std::vector<float> mean{nn::kImageNetMean.begin(), nn::kImageNetMean.end()};
  std::vector<float> std{nn::kImageNetStd.begin(), nn::kImageNetStd.end()};
};

/// Adds `--mean R,G,B` and `--std R,G,B` to `sub`, writing into `n`.
void add_normalization_options(CLI::App& sub, ImageNormalization& n);

/// Sets co.mean and co.std from `n`.
/// @throws ola::Error naming `command` and the flag if either has other than 3 values, or a std
///         value is not > 0.
void apply_normalization(const ImageNormalization& n, nn::CifarOptions& co, const std::string& command);

}  // namespace ola::cli
