#include "ckks/ring/threads.h"

#include <omp.h>

#include <malloc.h>

#include <atomic>
#include <mutex>

#include "util/error.h"

namespace ola::ckks {

namespace {
std::atomic<int> g_threads{1};
}

void set_threads(int n) {
  if (n < 0) throw Error(ola::mismatch("ckks::set_threads", "n", ">= 0", n));
  g_threads = n == 0 ? omp_get_num_procs() : n;
}

int threads() { return g_threads.load(); }

void tune_allocator_once() {
  static std::once_flag flag;
  std::call_once(flag, [] {
    // 32 MiB is glibc's maximum mmap threshold on 64-bit; polys of up to 64 limbs x 2^16 stay in
    // the heap. A high trim threshold keeps freed memory for the next operation.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  });
}

}  // namespace ola::ckks
