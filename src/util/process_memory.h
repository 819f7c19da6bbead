// Peak resident memory of this process, for the benchmark and demo reports: one definition of
// "peak RSS" (Linux /proc, with a getrusage fallback) for every command that reports one.
#pragma once

namespace ola {

/// Peak RSS of this process in MB (2^20 bytes) since the last reset_peak_rss(), or since the
/// start if there was none: VmHWM of /proc/self/status. Where /proc/self/status is unreadable or
/// has no VmHWM (not Linux), getrusage's ru_maxrss, which is always since the start.
/// Never throws; 0 if neither source answers.
double peak_rss_mb();

/// Peak RSS of this process in MB since its start, across resets: the larger of the current peak
/// and the highest one reset_peak_rss() saw before resetting (a reset lowers getrusage's ru_maxrss
/// as well on Linux, so the kernel alone does not keep it; resets made other than through
/// reset_peak_rss are not seen). Never throws; 0 if neither source answers.
double peak_rss_since_start_mb();

/// Sets the peak that peak_rss_mb() reports to the current RSS (writes 5 to
/// /proc/self/clear_refs, Linux >= 4.0), so that a later peak_rss_mb() measures one phase of the
/// process. Returns false, changing nothing, where that file cannot be written (then peak_rss_mb()
/// stays the peak since the start). Thread-safe; never throws.
bool reset_peak_rss();

}  // namespace ola
