#include "he/layout.h"

#include <string>

#include "util/error.h"

namespace ola::he {
namespace {

bool is_pow2(long v) { return v > 0 && (v & (v - 1)) == 0; }

std::string dims(const Layout& l) {
  return std::to_string(l.channels) + "x" + std::to_string(l.height) + "x" + std::to_string(l.width);
}

}  // namespace

int Layout::padded_blocks() const {
  int t = 1;
  while (t < blocks()) t *= 2;
  return t;
}

bool operator==(const Layout& a, const Layout& b) {
  return a.channels == b.channels && a.height == b.height && a.width == b.width && a.gap == b.gap &&
         a.slots == b.slots;
}

Layout make_layout(int channels, int height, int width, int gap, int slots) {
  const Layout l{channels, height, width, gap, slots};
  if (channels < 1 || height < 1 || width < 1 || slots < 1) {
    throw Error(ola::mismatch("make_layout", "CxHxW, slots", ">= 1",
                         dims(l) + ", " + std::to_string(slots)));
  }
  if (!is_pow2(gap)) throw Error(ola::mismatch("make_layout", "gap", "a power of two", gap));
  const long period = static_cast<long>(l.padded_blocks()) * l.block_size();
  if (!is_pow2(period) || period > slots || slots % period != 0) {
    throw Error(ola::mismatch("make_layout", "period (padded blocks x gap^2 x H x W) of " + dims(l),
                         "a power of two dividing slots = " + std::to_string(slots),
                         std::to_string(period)));
  }
  return l;
}

Layout strided_layout(const Layout& in, int channels) {
  if (in.height % 2 != 0 || in.width % 2 != 0) {
    throw Error(ola::mismatch("strided_layout", "input H x W", "even", dims(in)));
  }
  return make_layout(channels, in.height / 2, in.width / 2, in.gap * 2, in.slots);
}

int slot_of(const Layout& l, int c, int y, int x) {
  const int kk = l.channels_per_block();
  const int b = c / kk;
  const int a = (c % kk) / l.gap;
  const int e = c % l.gap;
  return b * l.block_size() + (l.gap * y + a) * l.row_stride() + (l.gap * x + e);
}

std::vector<double> pack(const Layout& l, const FeatureMap& m) {
  validate_feature_map(m, "pack");
  if (m.channels != l.channels || m.height != l.height || m.width != l.width) {
    throw Error(ola::mismatch("pack", "feature map CxHxW", dims(l),
                         std::to_string(m.channels) + "x" + std::to_string(m.height) + "x" +
                             std::to_string(m.width)));
  }
  std::vector<double> v(static_cast<std::size_t>(l.slots), 0.0);
  const int period = l.period();
  for (int c = 0; c < l.channels; ++c) {
    for (int y = 0; y < l.height; ++y) {
      for (int x = 0; x < l.width; ++x) {
        const int s = slot_of(l, c, y, x);
        for (int j = s; j < l.slots; j += period) v[static_cast<std::size_t>(j)] = m.at(c, y, x);
      }
    }
  }
  return v;
}

FeatureMap unpack(const Layout& l, std::span<const double> slots) {
  if (slots.size() != static_cast<std::size_t>(l.slots)) {
    throw Error(ola::mismatch("unpack", "slots.size()", l.slots, slots.size()));
  }
  FeatureMap m = zero_feature_map(l.channels, l.height, l.width);
  for (int c = 0; c < l.channels; ++c) {
    for (int y = 0; y < l.height; ++y) {
      for (int x = 0; x < l.width; ++x) {
        m.at(c, y, x) = slots[static_cast<std::size_t>(slot_of(l, c, y, x))];
      }
    }
  }
  return m;
}

}  // namespace ola::he
