// Where the data lives: the small bundled default (data/ in the source tree) and the full shared
// data (a --data option, else $OLA_DATA, else ../shared/data beside the checkout).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace ola {

/// The bundled default data folder (data/ of the source tree): ResNet-20 ONNX, 100 test and
/// 1,000 calibration images. @throws ola::Error if it is missing.
std::filesystem::path bundled_data_dir();

/// The full data folder: `option` if non-empty, else $OLA_DATA, else ../shared/data relative to
/// the working folder or to the source tree, whichever exists.
/// @throws ola::Error saying which places were tried if none exists.
std::filesystem::path full_data_dir(const std::string& option = "");

/// Like full_data_dir but returns nothing instead of throwing (for optional integration tests).
std::optional<std::filesystem::path> find_full_data_dir(const std::string& option = "");

/// `dir / relative`, checked to exist. @throws ola::Error naming the missing file and what it is for.
std::filesystem::path require_file(const std::filesystem::path& dir, const std::string& relative,
                                   const std::string& what);

}  // namespace ola
