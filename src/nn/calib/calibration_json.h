// The calibration file (docs/calibration-format.md): JSON of a Calibration with fingerprints of the
// model and data it was made from.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "nn/calib/calibration.h"

namespace ola::nn {

inline constexpr int kCalibrationFormatVersion = 1;

/// One fingerprint binding model, data, preprocessing and calibration options (util/hash.h).
std::string calibration_fingerprint(const Calibration& c);

/// The JSON document of docs/calibration-format.md.
nlohmann::json to_json(const Calibration& c);

/// Parses and validates a calibration document; `where` names it in messages.
/// @throws DataError "<where>: <field>: expected X, got Y" for a missing or mistyped field, a
///         wrong format/version, histogram counts not summing to count, sites out of order, or a
///         fingerprint that does not match the content.
Calibration calibration_from_json(const nlohmann::json& j, const std::string& where);

/// Reads a calibration file. @throws ola::Error if unreadable; DataError if not valid JSON or
/// invalid as above.
Calibration load_calibration(const std::filesystem::path& path);

}  // namespace ola::nn
