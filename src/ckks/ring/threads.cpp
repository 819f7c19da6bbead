#include "ckks/ring/threads.h"

#include <omp.h>

#include <atomic>

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

}  // namespace ola::ckks
