// util/process_memory.h: the peak RSS follows a touched allocation, and a reset brings
// peak_rss_mb() (not the since-start peak) back down once it is freed.
#include "util/process_memory.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <memory>

namespace ola {
namespace {

constexpr std::size_t kMib = std::size_t{1} << 20;
constexpr std::size_t kBlockMib = 96;

/// Allocates kBlockMib MiB and writes every byte, so that all of it becomes resident.
std::unique_ptr<char[]> touched_block() {
  auto block = std::make_unique<char[]>(kBlockMib * kMib);
  std::memset(block.get(), 1, kBlockMib * kMib);
  return block;
}

TEST(ProcessMemory, PeakFollowsATouchedAllocation) {
  reset_peak_rss();  // where it works, the peak is now the current RSS; else the small start-up peak
  const double before = peak_rss_mb();
  EXPECT_GT(before, 0.0);
  auto block = touched_block();
  volatile char sink = block[kBlockMib * kMib - 1];
  (void)sink;
  EXPECT_GE(peak_rss_mb(), before + static_cast<double>(kBlockMib) * 0.9);
  EXPECT_GE(peak_rss_since_start_mb(), static_cast<double>(kBlockMib) * 0.9);
}

TEST(ProcessMemory, ResetForgetsAFreedPeakButNotTheSinceStartPeak) {
  {
    auto block = touched_block();
    volatile char sink = block[0];
    (void)sink;
  }  // freed (a block this large is returned to the system)
  const double since_start = peak_rss_since_start_mb();
  const double peak = peak_rss_mb();
  if (!reset_peak_rss()) GTEST_SKIP() << "/proc/self/clear_refs is not writable here";
  const double after = peak_rss_mb();
  EXPECT_LT(after, peak - static_cast<double>(kBlockMib) * 0.5);
  EXPECT_GE(peak_rss_since_start_mb(), since_start);
  // A new allocation raises the reset peak again.
  auto block = touched_block();
  volatile char sink = block[1];
  (void)sink;
  EXPECT_GE(peak_rss_mb(), after + static_cast<double>(kBlockMib) * 0.9);
}

}  // namespace
}  // namespace ola
