// util/process_memory.h: the peak RSS follows a touched allocation, and a reset brings
// peak_rss_mb() (not the since-start peak) back down once it is freed.
#include "util/process_memory.h"

#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cstddef>
#include <cstring>
#include <new>

namespace ola {
namespace {

constexpr std::size_t kMib = std::size_t{1} << 20;
constexpr std::size_t kBlockMib = 96;

/// kBlockMib MiB mapped straight from the kernel (not malloc: sanitizer allocators keep freed
/// memory in quarantine) with every byte written, so that all of it is resident until destroyed.
class TouchedBlock {
 public:
  TouchedBlock() : data_(static_cast<char*>(mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))) {
    if (data_ == MAP_FAILED) throw std::bad_alloc();
    std::memset(data_, 1, kBytes);
  }
  ~TouchedBlock() { munmap(data_, kBytes); }
  TouchedBlock(const TouchedBlock&) = delete;
  TouchedBlock& operator=(const TouchedBlock&) = delete;
  char operator[](std::size_t i) const { return data_[i]; }

 private:
  static constexpr std::size_t kBytes = kBlockMib * kMib;
  char* data_;
};

TouchedBlock touched_block() { return {}; }

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
  }  // unmapped
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
