// Files and folders that must not outlive an interrupted run: a temporary file being written in
// place of an output (util/atomic_file.h), a folder of stage keys several GB large
// (util/scratch_dir.h). Registered paths are removed when the process is ended by SIGINT, SIGTERM
// or SIGHUP, before it dies of that signal as it would have without them.
#pragma once

#include <filesystem>

namespace ola {

/// Holds one path for removal on a terminating signal while it lives; ends the hold (leaving the
/// path in place) when destroyed. Ctrl-C, `kill` and a closed terminal then remove the path: a
/// file is unlinked, a folder loses the files directly inside it (not subfolders) and is removed.
/// SIGKILL cannot be caught: for that, folders are swept by their owners' successors
/// (sweep_stale_scratch_dirs in util/scratch_dir.h).
///
/// The handler is installed for a signal only where its disposition is the default one, so a
/// program's own handler and an ignored SIGHUP (nohup) stay as they are. At most 64 paths are
/// held at once; the handler uses only async-signal-safe calls.
/// @throws ola::Error if 64 paths are already held or the path is longer than PATH_MAX.
class RemovalOnSignal {
 public:
  enum class Kind { file, folder };
  RemovalOnSignal(const std::filesystem::path& path, Kind kind);
  RemovalOnSignal(const RemovalOnSignal&) = delete;
  RemovalOnSignal& operator=(const RemovalOnSignal&) = delete;
  ~RemovalOnSignal();

 private:
  int slot_;
};

}  // namespace ola
