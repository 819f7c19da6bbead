// Reproducible uniform reservoir sampling (Li, "Reservoir-sampling algorithms of time complexity
// O(n(1 + log(N/n)))", ACM TOMS 20(4), 1994: Algorithm L), driven by libsodium's deterministic
// generator so a calibration file is the same on every run and machine.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace ola::nn {

/// Keeps a uniform sample of `capacity` values out of a stream.
/// Randomness: randombytes_buf_deterministic (ChaCha20) keyed by `seed`, in 4 KiB blocks whose
/// key has the block counter XORed into bytes 24..31; equal seeds and streams give equal samples.
/// Invariant: sample().size() == min(capacity, seen()).
/// Thread safety: none (one sampler per site, fed from one thread).
class Reservoir {
 public:
  Reservoir(std::size_t capacity, const std::array<std::uint8_t, 32>& seed);
  /// Offers every value of `values` in order.
  void add(std::span<const float> values);
  const std::vector<float>& sample() const { return sample_; }
  std::uint64_t seen() const { return seen_; }

 private:
  double uniform();  // in (0, 1)
  void schedule_next();
  std::size_t capacity_;
  std::array<std::uint8_t, 32> seed_;
  std::vector<float> sample_;
  std::uint64_t seen_ = 0;
  std::uint64_t next_ = 0;  // index of the next stream value that enters the sample
  double w_ = 1.0;
  std::vector<std::uint64_t> block_;
  std::size_t block_pos_ = 0;
  std::uint64_t block_counter_ = 0;
};

}  // namespace ola::nn
