// The `ola` binary: one subcommand per step of the pipeline (see `ola --help`).
// Exit codes: 0 success, 1 internal failure, 2 bad input or usage.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>

#include "cli/command.h"
#include "util/error.h"

namespace ola::cli {

std::vector<CommandInfo>& command_registry() {
  static std::vector<CommandInfo> registry;
  return registry;
}

std::vector<CommandInfo>& bench_registry() {
  static std::vector<CommandInfo> registry;
  return registry;
}

namespace {
void sort_by_name(std::vector<CommandInfo>& v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
}
}  // namespace

}  // namespace ola::cli

int main(int argc, char** argv) {
  CLI::App app{"ola: optimized layerwise polynomial approximation for encrypted CNN inference (RNS-CKKS)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ola 0.1.0");
  auto& registry = ola::cli::command_registry();
  ola::cli::sort_by_name(registry);
  for (auto& cmd : registry) {
    CLI::App* sub = app.add_subcommand(cmd.name, cmd.description);
    cmd.setup(*sub);
  }
  auto& benches = ola::cli::bench_registry();
  if (!benches.empty()) {
    ola::cli::sort_by_name(benches);
    CLI::App* bench = app.add_subcommand("bench", "Benchmarks of the engine and of end-to-end runs (JSON output)");
    bench->require_subcommand(1);
    for (auto& cmd : benches) {
      CLI::App* sub = bench->add_subcommand(cmd.name, cmd.description);
      cmd.setup(*sub);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const ola::Error& e) {
    std::fflush(stdout);
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::cerr << "internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
