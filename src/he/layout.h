// Multiplexed channel packing of a C x H x W feature map into CKKS slots (MPCNN, Lee et al.,
// ICML 2022, Sec. 4 "multiplexed parallel packing"), with the packing and unpacking functions.
//
// Gap k: the H x W map of channel c is spread over a physical (k*H) x (k*W) grid with stride k, and
// the k*k channels c = k*k*b + k*a + e share block b at sub-position (a, e):
//   slot(c, y, x) = b * B + (k*y + a) * (k*W) + (k*x + e),   B = k*k*H*W (block size).
// Blocks 0..t-1 (t = ceil(C / k^2)) hold the channels; the block count is padded to a power of two
// t' so the period P = t' * B divides the slot count n, and the vector is repeated n / P times
// ("copies"). A stride-2 layer doubles k and halves H, W, so B stays the same through a ResNet
// (docs/packing.md). Slots of channels >= C and of padding blocks are "unused": every linear
// operation of he/ reads only used slots, so unused slots may hold anything (e.g. p(0) after an
// activation polynomial).
#pragma once

#include <span>
#include <vector>

#include "he/feature_map.h"

namespace ola::he {

/// Where every value of a C x H x W map lives in the slot vector.
///
/// Invariants (make_layout): all sizes >= 1; gap a power of two; period() a power of two dividing
/// slots.
/// Thread safety: a plain value; concurrent reads are safe.
struct Layout {
  int channels = 0;  ///< C (logical channels)
  int height = 0;    ///< H (logical rows)
  int width = 0;     ///< W (logical columns)
  int gap = 1;       ///< k
  int slots = 0;     ///< n, slots of the ciphertext (N/2, or fewer for sparse packing)

  int channels_per_block() const { return gap * gap; }
  int row_stride() const { return gap * width; }
  int block_size() const { return gap * gap * height * width; }
  /// t = ceil(C / k^2)
  int blocks() const { return (channels + channels_per_block() - 1) / channels_per_block(); }
  /// t' = the smallest power of two >= t
  int padded_blocks() const;
  /// P = t' * B; the slot vector repeats with this period.
  int period() const { return padded_blocks() * block_size(); }
  int copies() const { return slots / period(); }
};

bool operator==(const Layout& a, const Layout& b);

/// Checked constructor.
/// @throws ola::Error if a size is < 1.
/// @throws ola::Error if gap is not a power of two.
/// @throws ola::Error if the period (padded blocks x block size) is not a power of two dividing slots.
Layout make_layout(int channels, int height, int width, int gap, int slots);

/// The layout after a stride-2 layer with `channels` output channels: gap 2k, H/2, W/2.
/// @throws ola::Error if H or W is odd, or as make_layout.
Layout strided_layout(const Layout& in, int channels);

/// Slot of value (c, y, x) in the first copy, in [0, period()). @pre indices in range.
int slot_of(const Layout& l, int c, int y, int x);

/// Slot vector of `m` (length l.slots): values at slot_of(...) + j * period() for every copy j,
/// zeros in unused slots.
/// @throws ola::Error if m's dimensions differ from the layout's.
std::vector<double> pack(const Layout& l, const FeatureMap& m);

/// Reads the first copy back into a C x H x W map.
/// @throws ola::Error if slots.size() != l.slots.
FeatureMap unpack(const Layout& l, std::span<const double> slots);

}  // namespace ola::he
