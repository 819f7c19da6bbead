// CIFAR-10 binary files (official layout: 3073 bytes a record, <label><1024 R><1024 G><1024 B>)
// loaded as normalised float images.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "nn/ir/tensor.h"

namespace ola::nn {

inline constexpr std::int64_t kCifarRecordBytes = 3073;
/// ImageNet statistics the akamaster ResNets were trained with (data/README.md, models/README.md).
inline constexpr std::array<float, 3> kImageNetMean = {0.485f, 0.456f, 0.406f};
inline constexpr std::array<float, 3> kImageNetStd = {0.229f, 0.224f, 0.225f};

struct CifarOptions {
  std::size_t first = 0;  ///< keep only the first `first` records (0: all)
  std::array<float, 3> mean = kImageNetMean;
  std::array<float, 3> std = kImageNetStd;
};

/// Images with labels. Invariant: images.shape == [labels.size(), 3, 32, 32].
/// Thread safety: a const ImageSet may be read from many threads.
struct ImageSet {
  Tensor images;             ///< (pixel / 255 - mean[c]) / std[c], NCHW
  std::vector<int> labels;   ///< 0..9
  std::string fingerprint;   ///< util/hash.h hex digest of the record bytes used
  std::string source;        ///< file name (for messages and reports)
};

/// Loads a CIFAR-10 binary file.
/// @throws ola::Error if the file cannot be read.
/// @throws DataError "<file>: size: expected a multiple of 3073 bytes, got N" if the size is wrong,
///         "<file>: record R label: expected 0..9, got L" for a bad label, or if a std entry is not
///         positive or `first` exceeds the record count.
ImageSet load_cifar10(const std::filesystem::path& path, const CifarOptions& options = {});

/// As load_cifar10 from bytes in memory (`where` names them in messages).
ImageSet decode_cifar10(std::span<const std::uint8_t> bytes, const std::string& where, const CifarOptions& options = {});

}  // namespace ola::nn
