#include "util/process_memory.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <string>

namespace ola {
namespace {

constexpr double kKibPerMib = 1024.0;

/// VmHWM of /proc/self/status in KiB, or a negative value if absent.
double vm_hwm_kib() {
  std::ifstream f("/proc/self/status");
  std::string key;
  while (f >> key) {
    if (key == "VmHWM:") {
      double kib = 0.0;
      return f >> kib ? kib : -1.0;
    }
    std::string rest;
    std::getline(f, rest);
  }
  return -1.0;
}

/// getrusage's ru_maxrss in MB (KiB on Linux), or 0 if it fails.
double ru_maxrss_mb() {
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0.0;
  return static_cast<double>(ru.ru_maxrss) / kKibPerMib;
}

/// The highest peak_rss_mb() that reset_peak_rss() saw before resetting it.
std::atomic<double> g_peak_before_resets{0.0};

}  // namespace

double peak_rss_mb() {
  const double kib = vm_hwm_kib();
  return kib >= 0.0 ? kib / kKibPerMib : ru_maxrss_mb();
}

double peak_rss_since_start_mb() {
  return std::max({peak_rss_mb(), ru_maxrss_mb(), g_peak_before_resets.load()});
}

bool reset_peak_rss() {
  // Keep the peak being reset (a concurrent reset may lower it first: keep the larger).
  const double peak = peak_rss_mb();
  double seen = g_peak_before_resets.load();
  while (peak > seen && !g_peak_before_resets.compare_exchange_weak(seen, peak)) {
  }
  std::ofstream f("/proc/self/clear_refs");
  if (!f) return false;
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

}  // namespace ola
