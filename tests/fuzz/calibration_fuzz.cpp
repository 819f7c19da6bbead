// Fuzz target: the calibration reader (nn::calibration_from_json after JSON parsing, as
// nn::load_calibration does) on arbitrary bytes. A JSON parse error and ola::Error are the
// expected answers; anything else is a bug.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "nn/calib/calibration_json.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(data, data + size);
  } catch (const nlohmann::json::exception&) {  // as the loader: parse_error or out_of_range (1e999)
    return 0;  // load_calibration turns this into a DataError
  }
  try {
    (void)ola::nn::calibration_from_json(j, "fuzz.calib.json");
  } catch (const ola::Error&) {
  }
  return 0;
}
