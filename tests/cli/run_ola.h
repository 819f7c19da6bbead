// Runs the `ola` binary under test (OLA_BINARY) with arguments and captures its output.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace ola::test {

struct RunResult {
  int exit_code = -1;  ///< -1 if the process could not be started or did not exit normally
  std::string output;
};

/// Runs `ola <args>`; `merge_stderr` also captures stderr (else it goes to the test log).
inline RunResult run_ola(const std::string& args, bool merge_stderr = true) {
  const std::string cmd = std::string(OLA_BINARY) + " " + args + (merge_stderr ? " 2>&1" : "");
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {};
  RunResult r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) r.output += buf.data();
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace ola::test
