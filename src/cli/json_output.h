// Machine-readable output of subcommands: one JSON object on stdout.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace ola::cli {

/// Prints `j` as one line of JSON on stdout (what `--json` promises).
inline void print_json(const nlohmann::json& j) {
  const std::string s = j.dump();
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace ola::cli
