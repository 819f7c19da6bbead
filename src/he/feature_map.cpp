#include "he/feature_map.h"

#include <string>

#include "util/error.h"

namespace ola::he {

FeatureMap zero_feature_map(int channels, int height, int width) {
  if (channels < 0 || height < 0 || width < 0) {
    throw Error(ola::mismatch("zero_feature_map", "dimensions", "non-negative",
                         std::to_string(channels) + "x" + std::to_string(height) + "x" +
                             std::to_string(width)));
  }
  FeatureMap m{channels, height, width, {}};
  m.data.assign(static_cast<std::size_t>(channels) * height * width, 0.0);
  return m;
}

void validate_feature_map(const FeatureMap& m, const char* where) {
  if (m.channels < 0 || m.height < 0 || m.width < 0) {
    throw Error(ola::mismatch(where, "dimensions", "non-negative",
                         std::to_string(m.channels) + "x" + std::to_string(m.height) + "x" +
                             std::to_string(m.width)));
  }
  const std::size_t want = static_cast<std::size_t>(m.channels) * m.height * m.width;
  if (m.data.size() != want) throw Error(ola::mismatch(where, "data.size()", want, m.data.size()));
}

}  // namespace ola::he
