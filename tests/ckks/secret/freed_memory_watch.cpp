#include "freed_memory_watch.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OLA_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define OLA_TEST_ASAN 1
#endif

namespace ola::ckks::testing {
namespace {
std::atomic<const std::vector<std::vector<std::uint8_t>>*> g_needles{nullptr};
std::atomic<std::size_t> g_leaks{0}, g_inspected{0};

void inspect(void* p) noexcept {
  const auto* needles = g_needles.load(std::memory_order_acquire);
  if (needles == nullptr || p == nullptr) return;
  const std::size_t size = malloc_usable_size(p);
  g_inspected.fetch_add(1, std::memory_order_relaxed);
  for (const auto& n : *needles) {
    if (n.empty() || n.size() > size) continue;
    if (memmem(p, size, n.data(), n.size()) != nullptr) {
      g_leaks.fetch_add(1, std::memory_order_relaxed);
      if (std::getenv("OLA_WATCH_ABORT") != nullptr) std::abort();  // for a debugger's backtrace
      return;
    }
  }
}
}  // namespace

FreedMemoryWatch::FreedMemoryWatch(std::vector<std::vector<std::uint8_t>> needles) {
  g_leaks = 0;
  g_inspected = 0;
  g_needles.store(new std::vector<std::vector<std::uint8_t>>(std::move(needles)), std::memory_order_release);
}

FreedMemoryWatch::~FreedMemoryWatch() {
  const auto* n = g_needles.exchange(nullptr);
  delete n;  // not inspected: the watch is off
}

std::size_t FreedMemoryWatch::leaks() const { return g_leaks.load(); }
std::size_t FreedMemoryWatch::inspected() const { return g_inspected.load(); }

std::vector<std::uint8_t> needle(const void* data, std::size_t bytes) {
  const auto* b = static_cast<const std::uint8_t*>(data);
  return std::vector<std::uint8_t>(b, b + bytes);
}

#ifdef OLA_TEST_ASAN
bool freed_memory_watch_available() { return false; }
#else
bool freed_memory_watch_available() { return true; }
#endif

}  // namespace ola::ckks::testing

#ifndef OLA_TEST_ASAN
// Replacements of the global allocation functions (the array and nothrow forms call these).
void* operator new(std::size_t size) {
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  ola::ckks::testing::inspect(p);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  ola::ckks::testing::inspect(p);
  std::free(p);
}
#endif
