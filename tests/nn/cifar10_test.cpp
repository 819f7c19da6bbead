#include "nn/data/cifar10.h"

#include <gtest/gtest.h>

#include "nn/error.h"

namespace ola::nn {
namespace {

std::vector<std::uint8_t> records(int n) {
  std::vector<std::uint8_t> b(static_cast<std::size_t>(n * kCifarRecordBytes));
  for (int r = 0; r < n; ++r) {
    b[static_cast<std::size_t>(r * kCifarRecordBytes)] = static_cast<std::uint8_t>(r % 10);
    for (int i = 1; i < kCifarRecordBytes; ++i) b[static_cast<std::size_t>(r * kCifarRecordBytes + i)] = static_cast<std::uint8_t>((i + r) % 256);
  }
  return b;
}

TEST(Cifar10, DecodesLabelsAndNormalisesPerChannel) {
  const auto bytes = records(3);
  const ImageSet s = decode_cifar10(bytes, "t.bin");
  ASSERT_EQ(s.images.shape, (Shape{3, 3, 32, 32}));
  EXPECT_EQ(s.labels, (std::vector<int>{0, 1, 2}));
  // record 1, green plane (c = 1), pixel 5: byte 1 + 1024 + 5 of the record
  const float pixel = static_cast<float>((1 + 1024 + 5 + 1) % 256);
  EXPECT_FLOAT_EQ(s.images.data[3072 + 1024 + 5], (pixel / 255.0f - 0.456f) / 0.224f);
  EXPECT_EQ(s.fingerprint.size(), 64u);
}

TEST(Cifar10, FirstKAndCustomStatistics) {
  const auto bytes = records(5);
  CifarOptions o;
  o.first = 2;
  o.mean = {0, 0, 0};
  o.std = {1, 1, 1};
  const ImageSet s = decode_cifar10(bytes, "t.bin", o);
  EXPECT_EQ(s.labels.size(), 2u);
  EXPECT_FLOAT_EQ(s.images.data[0], 1.0f / 255.0f);
  // The fingerprint covers only the records used.
  EXPECT_EQ(s.fingerprint, decode_cifar10(std::span(bytes).subspan(0, 2 * kCifarRecordBytes), "u.bin").fingerprint);
  o.first = 6;
  EXPECT_THROW(decode_cifar10(bytes, "t.bin", o), DataError);
}

TEST(Cifar10, RejectsBadSizeAndLabelsNamingFileAndRecord) {
  auto bytes = records(2);
  bytes.pop_back();
  try {
    decode_cifar10(bytes, "short.bin");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("short.bin: size: expected a non-zero multiple of 3073 bytes, got 6145 bytes"), std::string::npos) << e.what();
  }
  bytes = records(3);
  bytes[2 * kCifarRecordBytes] = 10;
  try {
    decode_cifar10(bytes, "labels.bin");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("labels.bin: record 2 label: expected 0..9, got 10"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_cifar10("/nonexistent.bin"), ola::Error);
}

}  // namespace
}  // namespace ola::nn
