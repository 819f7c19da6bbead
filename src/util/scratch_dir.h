// A private temporary folder for one run's large intermediate files (a stage's evaluation keys
// at N = 2^16 are several GB), removed when the run ends however it ends.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "util/removal_on_signal.h"

namespace ola {

/// A fresh folder `<prefix>-<pid>-XXXXXX` (mode 0700) under the system's temporary folder,
/// removed with its contents when destroyed, or by RemovalOnSignal when the process is ended by
/// SIGINT/SIGTERM/SIGHUP (files directly inside it: keep it flat). A run killed by SIGKILL or the
/// out-of-memory killer leaves it behind; the next ScratchDir with the same prefix removes it
/// (sweep_stale_scratch_dirs), since its name says which process owned it.
/// @throws ola::Error if the folder cannot be created.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::optional<RemovalOnSignal> hold_;
};

/// Removes the folders `<prefix>-<pid>-*` in `parent` whose process `pid` no longer exists (a
/// process of another user counts as alive) and returns how many it removed. Errors are ignored:
/// a folder that cannot be removed stays.
int sweep_stale_scratch_dirs(const std::filesystem::path& parent, const std::string& prefix);

}  // namespace ola
