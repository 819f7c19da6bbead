#include <gtest/gtest.h>

#include <string>

#include "cli/run_ola.h"

namespace {

using ola::test::run_ola;

TEST(CliHelp, TopLevelHelpListsSubcommands) {
  const auto r = run_ola("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("Subcommands"), std::string::npos) << r.output;
}

TEST(CliHelp, UnknownSubcommandIsUsageError) {
  const auto r = run_ola("no-such-command");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(CliHelp, MissingSubcommandIsUsageError) {
  const auto r = run_ola("");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

}  // namespace
