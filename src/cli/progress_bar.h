// A terminal progress bar with ETA on stderr, fed by ola::Progress callbacks.
#pragma once

#include <chrono>
#include <string>

#include "util/progress.h"

namespace ola::cli {

/// Returns a Progress callback that draws "stage [=====>    ] 42% 12/30 ETA 0:31" on stderr,
/// redrawn at most 10 times a second; silent when `enabled` is false (e.g. --quiet).
Progress make_progress_bar(bool enabled = true);

}  // namespace ola::cli
