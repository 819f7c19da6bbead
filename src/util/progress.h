// Progress reporting from long computations: lower layers call a Progress callback; only the CLI
// turns it into a progress bar (lower layers never print).
#pragma once

#include <functional>
#include <string_view>

namespace ola {

/// Called with the work done so far (`done` of `total` units) and a short label of the stage.
/// May be empty (no reporting). Called from one thread at a time.
using Progress = std::function<void(std::size_t done, std::size_t total, std::string_view stage)>;

inline void report(const Progress& p, std::size_t done, std::size_t total, std::string_view stage) {
  if (p) p(done, total, stage);
}

}  // namespace ola
