#include "nn/calib/reservoir.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace ola::nn {

Reservoir::Reservoir(std::size_t capacity, const std::array<std::uint8_t, 32>& seed)
    : capacity_(capacity), seed_(seed) {
  OLA_CHECK(sodium_init() >= 0, "libsodium initialisation failed");
  sample_.reserve(capacity);
}

double Reservoir::uniform() {
  if (block_pos_ == block_.size()) {
    block_.assign(512, 0);
    std::array<std::uint8_t, 32> key = seed_;
    for (int i = 0; i < 8; ++i) key[static_cast<std::size_t>(24 + i)] ^= static_cast<std::uint8_t>(block_counter_ >> (8 * i));
    ++block_counter_;
    randombytes_buf_deterministic(block_.data(), block_.size() * sizeof(std::uint64_t), key.data());
    block_pos_ = 0;
  }
  const std::uint64_t bits = block_[block_pos_++] >> 11;  // 53 random bits
  return (static_cast<double>(bits) + 0.5) / 9007199254740992.0;
}

void Reservoir::schedule_next() {
  // Algorithm L: W <- W * exp(log(U)/k); skip floor(log(U')/log(1-W)) values.
  w_ *= std::exp(std::log(uniform()) / static_cast<double>(capacity_));
  const double skip = std::floor(std::log(uniform()) / std::log1p(-w_));
  next_ = seen_ + 1 + (skip < 1e18 ? static_cast<std::uint64_t>(skip) : std::uint64_t{1} << 62);
}

void Reservoir::add(std::span<const float> values) {
  if (capacity_ == 0) {
    seen_ += values.size();
    return;
  }
  std::size_t i = 0;
  while (i < values.size() && sample_.size() < capacity_) {
    sample_.push_back(values[i++]);
    ++seen_;
    if (sample_.size() == capacity_) {
      w_ = 1.0;
      seen_ -= 1;  // schedule_next counts from the last value taken
      schedule_next();
      seen_ += 1;
    }
  }
  while (i < values.size()) {
    const std::uint64_t jump = next_ - seen_;  // values to pass before the next replacement
    if (jump >= values.size() - i) {
      seen_ += values.size() - i;
      return;
    }
    i += static_cast<std::size_t>(jump);
    seen_ += jump;
    const auto slot = static_cast<std::size_t>(uniform() * static_cast<double>(capacity_));
    sample_[std::min(slot, capacity_ - 1)] = values[i++];
    schedule_next();
    ++seen_;
  }
}

}  // namespace ola::nn
