// A plaintext C x H x W feature map (one image), the value the packing functions move into and out
// of slot vectors and the tests use as the float reference.
#pragma once

#include <cstddef>
#include <vector>

namespace ola::he {

/// Row-major C x H x W tensor of doubles: data[(c * height + y) * width + x].
///
/// Invariants: channels, height, width >= 0 and data.size() == channels * height * width (checked
/// by validate_feature_map).
/// Thread safety: a plain value; concurrent reads are safe, writes need external locking.
struct FeatureMap {
  int channels = 0;
  int height = 0;
  int width = 0;
  std::vector<double> data;

  double& at(int c, int y, int x) {
    return data[(static_cast<std::size_t>(c) * height + y) * width + x];
  }
  double at(int c, int y, int x) const {
    return data[(static_cast<std::size_t>(c) * height + y) * width + x];
  }
};

/// A zero-filled map. @throws ola::Error if a dimension is negative.
FeatureMap zero_feature_map(int channels, int height, int width);

/// @throws ola::Error naming `where` if data.size() does not match the dimensions.
void validate_feature_map(const FeatureMap& m, const char* where);

}  // namespace ola::he
