// Subcommand registry of the `ola` binary: each src/cli/<name>_command.cpp registers itself with a
// static OLA_REGISTER_COMMAND, so adding a subcommand never touches main.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace ola::cli {

/// Adds its options to `sub` and sets its callback. The callback runs the command; it may throw
/// ola::Error (exit 2) or anything else (exit 1).
using CommandSetup = std::function<void(CLI::App& sub)>;

struct CommandInfo {
  std::string name;
  std::string description;
  CommandSetup setup;
};

std::vector<CommandInfo>& command_registry();
/// Children of `ola bench` (`ola bench costs`, `ola bench bootstrap`, ...).
std::vector<CommandInfo>& bench_registry();

struct CommandRegistrar {
  CommandRegistrar(std::vector<CommandInfo>& registry, std::string name, std::string description,
                   CommandSetup setup) {
    registry.push_back({std::move(name), std::move(description), std::move(setup)});
  }
};

}  // namespace ola::cli

#define OLA_CLI_CONCAT2(a, b) a##b
#define OLA_CLI_CONCAT(a, b) OLA_CLI_CONCAT2(a, b)
/// OLA_REGISTER_COMMAND("name", "one-line description", [](CLI::App& sub) { ... });
#define OLA_REGISTER_COMMAND(name, description, setup)                                       \
  static ::ola::cli::CommandRegistrar OLA_CLI_CONCAT(ola_command_registrar_, __LINE__)( \
      ::ola::cli::command_registry(), name, description, setup)
/// OLA_REGISTER_BENCH("costs", "one-line description", [](CLI::App& sub) { ... }); -> `ola bench costs`
#define OLA_REGISTER_BENCH(name, description, setup)                                         \
  static ::ola::cli::CommandRegistrar OLA_CLI_CONCAT(ola_bench_registrar_, __LINE__)(   \
      ::ola::cli::bench_registry(), name, description, setup)
