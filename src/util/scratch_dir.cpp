#include "util/scratch_dir.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <system_error>

#include "util/error.h"

namespace ola {
namespace {

/// The owner's pid in a name `<prefix>-<pid>-<rest>`, or nullopt if the name is not of that form.
std::optional<pid_t> owner_pid(const std::string& name, const std::string& prefix) {
  if (name.size() <= prefix.size() + 1 || name.compare(0, prefix.size() + 1, prefix + "-") != 0) return std::nullopt;
  const char* first = name.data() + prefix.size() + 1;
  const char* last = name.data() + name.size();
  long pid = 0;
  const auto [end, ec] = std::from_chars(first, last, pid);
  if (ec != std::errc() || end == first || end == last || *end != '-' || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

}  // namespace

int sweep_stale_scratch_dirs(const std::filesystem::path& parent, const std::string& prefix) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
    const auto pid = owner_pid(entry.path().filename().string(), prefix);
    if (!pid || !entry.is_directory(ec) || process_exists(*pid)) continue;
    if (std::filesystem::remove_all(entry.path(), ec) > 0 && !ec) ++removed;
  }
  return removed;
}

ScratchDir::ScratchDir(const std::string& prefix) {
  const auto parent = std::filesystem::temp_directory_path();
  sweep_stale_scratch_dirs(parent, prefix);
  std::string pattern = (parent / (prefix + "-" + std::to_string(::getpid()) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error("cannot create a temporary folder " + pattern + ": " + std::generic_category().message(errno));
  }
  path_ = pattern;
  try {
    hold_.emplace(path_, RemovalOnSignal::Kind::folder);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    throw;
  }
}

ScratchDir::~ScratchDir() {
  std::error_code ec;  // best effort: never throw from a destructor
  std::filesystem::remove_all(path_, ec);
  hold_.reset();  // after the removal, so a signal during it still finds the folder held
}

}  // namespace ola
