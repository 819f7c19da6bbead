// Fuzz target: the plan reader (opt::plan_from_json after JSON parsing, as opt::load_plan does) on
// arbitrary bytes. A JSON parse error and ola::Error are the expected answers; anything else
// (a nlohmann type_error escaping the reader, a crash) is a bug.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "ola/plan.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(data, data + size);
  } catch (const nlohmann::json::exception&) {  // as the loader: parse_error or out_of_range (1e999)
    return 0;  // load_plan turns this into a FormatError
  }
  try {
    (void)ola::opt::plan_from_json(j, "fuzz.plan.json");
  } catch (const ola::Error&) {
  }
  return 0;
}
