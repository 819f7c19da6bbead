#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

struct RunResult {
  int exit_code;
  std::string output;
};

RunResult run(const std::string& args) {
  const std::string cmd = std::string(OLA_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::string out;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) out += buf.data();
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(CliHelp, TopLevelHelpListsSubcommands) {
  const auto r = run("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("Subcommands"), std::string::npos) << r.output;
}

TEST(CliHelp, UnknownSubcommandIsUsageError) {
  const auto r = run("no-such-command");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(CliHelp, MissingSubcommandIsUsageError) {
  const auto r = run("");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

}  // namespace
