#include "he/layout.h"

#include <gtest/gtest.h>

#include <set>

#include "he/reference.h"
#include "util/error.h"

namespace ola::he {
namespace {

TEST(Layout, SlotsAreDistinctAndInsideThePeriod) {
  for (int gap : {1, 2, 4}) {
    const Layout l = make_layout(gap == 1 ? 16 : (gap == 2 ? 32 : 64), 32 / gap, 32 / gap, gap, 1 << 15);
    EXPECT_EQ(l.block_size(), 1024);
    std::set<int> seen;
    for (int c = 0; c < l.channels; ++c) {
      for (int y = 0; y < l.height; ++y) {
        for (int x = 0; x < l.width; ++x) {
          const int s = slot_of(l, c, y, x);
          ASSERT_GE(s, 0);
          ASSERT_LT(s, l.period());
          ASSERT_TRUE(seen.insert(s).second) << "gap " << gap << " c " << c << " y " << y << " x " << x;
        }
      }
    }
    // ResNet-20 stages fill 16, 8 and 4 blocks: the map uses the whole period.
    EXPECT_EQ(static_cast<int>(seen.size()), l.period());
  }
}

TEST(Layout, MultiplexedPositionsFollowTheFormula) {
  const Layout l = make_layout(8, 4, 4, 2, 256);  // 2 blocks of 2x2 channels, 8x8 physical grid
  EXPECT_EQ(l.blocks(), 2);
  EXPECT_EQ(l.period(), 128);
  EXPECT_EQ(slot_of(l, 0, 0, 0), 0);
  EXPECT_EQ(slot_of(l, 1, 0, 0), 1);        // e = 1: next column of the physical grid
  EXPECT_EQ(slot_of(l, 2, 0, 0), 8);        // a = 1: next physical row
  EXPECT_EQ(slot_of(l, 3, 1, 2), 8 + 1 + 2 * 8 * 1 + 2 * 2);
  EXPECT_EQ(slot_of(l, 4, 0, 0), 64);       // second block
}

TEST(Layout, PackUnpackRoundTripWithCopies) {
  const Layout l = make_layout(3, 8, 8, 1, 1024);  // 3 channels -> 4 padded blocks, 4 copies
  EXPECT_EQ(l.padded_blocks(), 4);
  EXPECT_EQ(l.copies(), 4);
  const FeatureMap m = test::random_map(3, 8, 8, 1);
  const auto v = pack(l, m);
  ASSERT_EQ(v.size(), 1024u);
  for (int i = 0; i < 1024; ++i) ASSERT_EQ(v[static_cast<std::size_t>(i)], v[static_cast<std::size_t>(i % 256)]);
  for (int i = 192; i < 256; ++i) EXPECT_EQ(v[static_cast<std::size_t>(i)], 0.0);  // padding block
  EXPECT_EQ(test::max_abs_diff(unpack(l, v), m), 0.0);
}

TEST(Layout, StridedLayoutDoublesTheGapAndKeepsTheBlock) {
  const Layout a = make_layout(16, 32, 32, 1, 1 << 15);
  const Layout b = strided_layout(a, 32);
  EXPECT_EQ(b.gap, 2);
  EXPECT_EQ(b.height, 16);
  EXPECT_EQ(b.block_size(), a.block_size());
  EXPECT_EQ(b.blocks(), 8);
  const Layout c = strided_layout(b, 64);
  EXPECT_EQ(c.gap, 4);
  EXPECT_EQ(c.blocks(), 4);
  EXPECT_EQ(c.copies(), 8);
}

TEST(Layout, RejectsInvalidShapes) {
  EXPECT_THROW(make_layout(0, 8, 8, 1, 1024), Error);
  EXPECT_THROW(make_layout(4, 8, 8, 3, 1024), Error);
  EXPECT_THROW(make_layout(4, 6, 8, 1, 1024), Error);   // period 256 * 6/8 not a power of two
  EXPECT_THROW(make_layout(64, 32, 32, 1, 1 << 15), Error);  // 65536 slots needed
  EXPECT_THROW(strided_layout(make_layout(1, 1, 1, 1, 4), 2), Error);
  EXPECT_THROW(pack(make_layout(2, 4, 4, 1, 64), test::random_map(3, 4, 4, 0)), Error);
  EXPECT_THROW(unpack(make_layout(2, 4, 4, 1, 64), std::vector<double>(63)), Error);
}

}  // namespace
}  // namespace ola::he
