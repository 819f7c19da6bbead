// Runs the `ola` binary under test (OLA_BINARY) with arguments and captures its output. The runs
// see only the bundled data (OLA_DATA is unset), so the tests do not depend on the machine.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace ola::test {

struct RunResult {
  int exit_code = -1;  ///< -1 if the process could not be started or did not exit normally
  std::string output;  ///< stdout (and stderr, interleaved, with merge_stderr)
  std::string err;     ///< stderr when it is not merged
  /// Everything the run printed (stdout, then stderr when it is kept apart).
  std::string all() const { return output + err; }
};

/// Runs `ola <args>` through the shell; `merge_stderr` sends stderr into `output`, otherwise it
/// is kept apart in `err` (so that `output` is exactly stdout, e.g. one JSON object).
inline RunResult run_ola(const std::string& args, bool merge_stderr = true) {
  static std::atomic<int> counter{0};
  const auto err_path = std::filesystem::temp_directory_path() /
                        ("ola_run_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  const std::string cmd = "env -u OLA_DATA " + std::string(OLA_BINARY) + " " + args +
                          (merge_stderr ? " 2>&1" : " 2>" + err_path.string());
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {};
  RunResult r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) r.output += buf.data();
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (!merge_stderr) {
    std::ifstream in(err_path);
    r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    std::filesystem::remove(err_path);
  }
  return r;
}

}  // namespace ola::test
