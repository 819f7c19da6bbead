// A watch on freed heap memory for the secret-wiping tests: this test executable replaces the
// global operator delete, which (while a FreedMemoryWatch is active) searches every block being
// freed for the watched byte strings ("needles") before the memory is returned to malloc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ola::ckks::testing {

/// Counts freed blocks containing any needle while alive. One at a time per process.
/// Thread safety: the hook reads the watch without locking; use from one thread (the code
/// under test may still free from OpenMP threads: counters are atomic).
class FreedMemoryWatch {
 public:
  /// Each needle should be long and random enough (>= 32 bytes) never to appear by chance.
  explicit FreedMemoryWatch(std::vector<std::vector<std::uint8_t>> needles);
  ~FreedMemoryWatch();
  FreedMemoryWatch(const FreedMemoryWatch&) = delete;
  FreedMemoryWatch& operator=(const FreedMemoryWatch&) = delete;

  /// Blocks freed so far that held a needle (0 = every secret was wiped before its free).
  std::size_t leaks() const;
  /// Blocks inspected so far (> 0 shows the hook is live).
  std::size_t inspected() const;
};

/// Whether the replaced operator delete is compiled in (not under AddressSanitizer, which owns
/// operator new/delete itself).
bool freed_memory_watch_available();

/// The first `bytes` bytes of a buffer, as a needle.
std::vector<std::uint8_t> needle(const void* data, std::size_t bytes);

}  // namespace ola::ckks::testing
