#include "cli/image_normalization.h"

#include <array>

#include "util/error.h"

namespace ola::cli {

void add_normalization_options(CLI::App& sub, ImageNormalization& n) {
  sub.add_option("--mean", n.mean, "per-channel mean R,G,B of the model's preprocessing (default ImageNet)")->delimiter(',');
  sub.add_option("--std", n.std, "per-channel std R,G,B of the model's preprocessing (default ImageNet)")->delimiter(',');
}

namespace {

std::array<float, 3> three(const std::vector<float>& v, const std::string& command, const std::string& flag) {
  if (v.size() != 3) throw Error(ola::mismatch(command, flag, "3 values (R,G,B)", v.size()));
  return {v[0], v[1], v[2]};
}

}  // namespace

void apply_normalization(const ImageNormalization& n, nn::CifarOptions& co, const std::string& command) {
  co.mean = three(n.mean, command, "--mean");
  co.std = three(n.std, command, "--std");
  for (float s : co.std) {
    if (!(s > 0.0f)) throw Error(ola::mismatch(command, "--std", "values > 0", s));
  }
}

}  // namespace ola::cli
