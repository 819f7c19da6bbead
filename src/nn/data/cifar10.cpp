#include "nn/data/cifar10.h"

#include "nn/error.h"
#include "util/atomic_file.h"
#include "util/hash.h"

namespace ola::nn {

ImageSet decode_cifar10(std::span<const std::uint8_t> bytes, const std::string& where, const CifarOptions& options) {
  const auto size = static_cast<std::int64_t>(bytes.size());
  if (size == 0 || size % kCifarRecordBytes != 0) {
    throw DataError(ola::mismatch(where, "size", "a non-zero multiple of " + std::to_string(kCifarRecordBytes) + " bytes",
                             std::to_string(size) + " bytes"));
  }
  for (int c = 0; c < 3; ++c) {
    if (!(options.std[static_cast<std::size_t>(c)] > 0.0f)) {
      throw DataError(ola::mismatch(where, "std[" + std::to_string(c) + "]", "> 0", options.std[static_cast<std::size_t>(c)]));
    }
  }
  const std::int64_t records = size / kCifarRecordBytes;
  if (static_cast<std::int64_t>(options.first) > records) {
    throw DataError(ola::mismatch(where, "count", "at most " + std::to_string(records) + " records", options.first));
  }
  const std::int64_t n = options.first ? static_cast<std::int64_t>(options.first) : records;
  ImageSet set;
  set.source = where;
  set.images = zeros({n, 3, 32, 32});
  set.labels.resize(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) {
    const std::uint8_t* rec = bytes.data() + r * kCifarRecordBytes;
    if (rec[0] > 9) throw DataError(ola::mismatch(where, "record " + std::to_string(r) + " label", "0..9", static_cast<int>(rec[0])));
    set.labels[static_cast<std::size_t>(r)] = rec[0];
    float* out = set.images.data.data() + r * 3072;
    for (int c = 0; c < 3; ++c) {
      const float m = options.mean[static_cast<std::size_t>(c)], sd = options.std[static_cast<std::size_t>(c)];
      for (int i = 0; i < 1024; ++i) out[c * 1024 + i] = (static_cast<float>(rec[1 + c * 1024 + i]) / 255.0f - m) / sd;
    }
  }
  set.fingerprint = hash_hex(bytes.subspan(0, static_cast<std::size_t>(n * kCifarRecordBytes)));
  return set;
}

ImageSet load_cifar10(const std::filesystem::path& path, const CifarOptions& options) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  return decode_cifar10(bytes, path.string(), options);
}

}  // namespace ola::nn
