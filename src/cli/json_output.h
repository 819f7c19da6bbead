// Machine-readable output of subcommands: one JSON object on stdout.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <string>

namespace ola::cli {

/// Prints `j` as one line of JSON on stdout (what `--json` promises).
inline void print_json(const nlohmann::json& j) {
  const std::string s = j.dump();
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

/// A map keyed by integers as a JSON object keyed by their decimal strings (JSON keys are strings),
/// e.g. bootstraps per slot count {"4096": 3, "8192": 2}.
template <class V>
nlohmann::json json_by_int_key(const std::map<int, V>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : m) j[std::to_string(k)] = v;
  return j;
}

}  // namespace ola::cli
