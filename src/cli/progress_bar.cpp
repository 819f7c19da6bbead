#include "cli/progress_bar.h"

#include <unistd.h>

#include <cstdio>
#include <memory>

namespace ola::cli {
namespace {

struct BarState {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw{};
  std::string stage;
  bool tty = ::isatty(STDERR_FILENO) != 0;
};

std::string format_seconds(double s) {
  const long total = static_cast<long>(s + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%ld:%02ld", total / 60, total % 60);
  return buf;
}

}  // namespace

Progress make_progress_bar(bool enabled) {
  if (!enabled) return {};
  auto state = std::make_shared<BarState>();
  return [state](std::size_t done, std::size_t total, std::string_view stage) {
    const auto now = std::chrono::steady_clock::now();
    if (stage != state->stage) {
      if (!state->stage.empty() && state->tty) std::fputc('\n', stderr);
      state->stage = std::string(stage);
      state->start = now;
      state->last_draw = {};
    }
    const bool finished = total > 0 && done >= total;
    if (!finished && now - state->last_draw < std::chrono::milliseconds(state->tty ? 100 : 5000)) return;
    state->last_draw = now;
    const double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
    const double elapsed = std::chrono::duration<double>(now - state->start).count();
    const double eta = frac > 0 ? elapsed * (1.0 - frac) / frac : 0.0;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < kWidth) bar += '>';
    bar.resize(kWidth, ' ');
    std::fprintf(stderr, "%s%-18s [%s] %3d%% %zu/%zu %s %s%s", state->tty ? "\r" : "", state->stage.c_str(),
                 bar.c_str(), static_cast<int>(frac * 100), done, total, finished ? "in" : "ETA",
                 format_seconds(finished ? elapsed : eta).c_str(), state->tty && !finished ? "" : "\n");
    std::fflush(stderr);
  };
}

}  // namespace ola::cli
