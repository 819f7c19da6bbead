// Fuzz target: the CIFAR-10 binary loader (nn::decode_cifar10) on arbitrary bytes, with the
// default options and with `first` taken from the input's first byte.
#include <cstddef>
#include <cstdint>
#include <span>

#include "nn/data/cifar10.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  try {
    const ola::nn::ImageSet s = ola::nn::decode_cifar10(bytes, "fuzz.bin");
    if (s.labels.size() * static_cast<std::size_t>(ola::nn::kCifarRecordBytes) != size) __builtin_trap();
  } catch (const ola::Error&) {
  }
  if (size > 0) {
    try {
      (void)ola::nn::decode_cifar10(bytes, "fuzz.bin", ola::nn::CifarOptions{.first = data[0] % 8u});
    } catch (const ola::Error&) {
    }
  }
  return 0;
}
