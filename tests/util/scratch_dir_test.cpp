#include "util/scratch_dir.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "util/atomic_file.h"
#include "util/removal_on_signal.h"

namespace ola {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& p) { std::ofstream(p) << "bytes"; }

/// A shell's background job starts with SIGINT ignored, and removal_on_signal rightly leaves an
/// ignored signal alone, so these tests (which end children with SIGINT) would hang there: this
/// test binary starts from the default dispositions, before any handler is installed.
const bool kDefaultSignals = [] {
  for (const int sig : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) ::signal(sig, SIG_DFL);
  }
  return true;
}();

/// A pid that no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

/// Runs `body` in a child process; the body calls its argument with a path, which reports the
/// path through a pipe and waits to be killed. Returns that path after ending the child with
/// `sig` (checked: the child died of it).
template <typename Body>
std::string path_of_child_killed_by(int sig, Body body) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    body([&](const std::string& path) {
      [[maybe_unused]] const auto n = ::write(pipe_fds[1], path.c_str(), path.size());
      ::close(pipe_fds[1]);
      for (;;) ::pause();
    });
    ::_exit(1);  // the body did not report
  }
  ::close(pipe_fds[1]);
  std::string path;
  char buffer[256];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) path.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  ::kill(child, sig);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << "status " << status;
  return path;
}

TEST(ScratchDir, IsPrivateAndRemovedWithItsFiles) {
  fs::path kept;
  {
    const ScratchDir dir("ola-scratch-test");
    kept = dir.path();
    ASSERT_TRUE(fs::is_directory(kept));
    EXPECT_EQ(fs::status(kept).permissions() & fs::perms::all, fs::perms::owner_all);
    EXPECT_NE(kept.filename().string().find("ola-scratch-test-" + std::to_string(::getpid()) + "-"), std::string::npos);
    touch(kept / "stage-4096.keys");
  }
  EXPECT_FALSE(fs::exists(kept));
}

TEST(ScratchDir, SweepRemovesOnlyFoldersOfEndedProcesses) {
  const fs::path parent = fs::temp_directory_path() / ("ola-sweep-test-" + std::to_string(::getpid()));
  fs::create_directories(parent);
  const fs::path stale = parent / ("keys-" + std::to_string(dead_pid()) + "-abc123");
  const fs::path live = parent / ("keys-" + std::to_string(::getpid()) + "-def456");
  const fs::path other_prefix = parent / ("other-" + std::to_string(dead_pid()) + "-abc123");
  const fs::path not_a_pid = parent / "keys-xyz-abc123";
  for (const auto& d : {stale, live, other_prefix, not_a_pid}) {
    fs::create_directories(d);
    touch(d / "k");
  }
  const fs::path stale_file = parent / ("keys-" + std::to_string(dead_pid()) + "-file");
  touch(stale_file);  // not a folder: left alone
  EXPECT_EQ(sweep_stale_scratch_dirs(parent, "keys"), 1);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live / "k"));
  EXPECT_TRUE(fs::exists(other_prefix));
  EXPECT_TRUE(fs::exists(not_a_pid));
  EXPECT_TRUE(fs::exists(stale_file));
  EXPECT_EQ(sweep_stale_scratch_dirs(parent / "missing", "keys"), 0);
  fs::remove_all(parent);
}

TEST(ScratchDir, TerminatingSignalRemovesTheFolder) {
  for (const int sig : {SIGTERM, SIGINT}) {
    const std::string path = path_of_child_killed_by(sig, [](const auto& report_and_wait) {
      const ScratchDir dir("ola-scratch-signal-test");  // never destroyed: the signal must remove it
      touch(dir.path() / "stage-8192.keys");
      touch(dir.path() / "stage-16384.keys");
      report_and_wait(dir.path().string());
    });
    ASSERT_FALSE(path.empty());
    EXPECT_FALSE(fs::exists(path)) << path << " outlived signal " << sig;
  }
}

TEST(ScratchDir, StaleFolderOfAKilledRunIsSweptByTheNext) {
  const std::string path = path_of_child_killed_by(SIGKILL, [](const auto& report_and_wait) {
    const ScratchDir dir("ola-scratch-kill-test");
    touch(dir.path() / "stage-4096.keys");
    report_and_wait(dir.path().string());
  });
  ASSERT_TRUE(fs::exists(path));  // SIGKILL cannot be caught
  const ScratchDir next("ola-scratch-kill-test");
  EXPECT_FALSE(fs::exists(path));
}

TEST(RemovalOnSignal, InterruptedAtomicWriteLeavesNoTemporary) {
  const fs::path dir = fs::temp_directory_path() / ("ola-atomic-signal-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path target = dir / "evaluation.keys";
  const std::string files_mid_write = path_of_child_killed_by(SIGTERM, [&](const auto& report_and_wait) {
    write_file_atomic_streamed(target, [&](const ByteSink& sink) {
      const std::uint8_t chunk[4] = {1, 2, 3, 4};
      sink(chunk);
      int files = 0;  // the temporary exists now
      for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
      report_and_wait(std::to_string(files));  // killed mid-write
    });
  });
  EXPECT_EQ(files_mid_write, "1");  // the temporary was there when the signal came
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ola
