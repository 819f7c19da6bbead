#include "util/data_paths.h"

#include <cstdlib>
#include <vector>

#include "util/error.h"

namespace ola {

std::filesystem::path bundled_data_dir() {
  const std::filesystem::path dir = std::filesystem::path(OLA_SOURCE_DIR) / "data";
  if (!std::filesystem::is_directory(dir)) {
    throw Error("bundled data: folder " + dir.string() + " is missing (expected data/ of the source tree)");
  }
  return dir;
}

std::optional<std::filesystem::path> find_full_data_dir(const std::string& option) {
  if (!option.empty()) {
    if (std::filesystem::is_directory(option)) return std::filesystem::path(option);
    return std::nullopt;
  }
  if (const char* env = std::getenv("OLA_DATA"); env != nullptr && *env != '\0') {
    if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
    return std::nullopt;
  }
  for (const auto& candidate : {std::filesystem::path("../shared/data"),
                                std::filesystem::path(OLA_SOURCE_DIR) / ".." / "shared" / "data"}) {
    if (std::filesystem::is_directory(candidate)) return std::filesystem::weakly_canonical(candidate);
  }
  return std::nullopt;
}

std::filesystem::path full_data_dir(const std::string& option) {
  if (auto dir = find_full_data_dir(option)) return *dir;
  if (!option.empty()) throw Error("--data: folder " + option + " does not exist");
  if (const char* env = std::getenv("OLA_DATA"); env != nullptr && *env != '\0') {
    throw Error(std::string("OLA_DATA: folder ") + env + " does not exist");
  }
  throw Error(std::string("full data not found: tried --data, $OLA_DATA, ../shared/data and ") +
              OLA_SOURCE_DIR + "/../shared/data; set OLA_DATA to the folder holding "
              "cifar-10-lossless-subset/ and models/");
}

std::filesystem::path require_file(const std::filesystem::path& dir, const std::string& relative,
                                   const std::string& what) {
  const auto path = dir / relative;
  if (!std::filesystem::is_regular_file(path)) {
    throw Error(path.string() + ": missing (" + what + ")");
  }
  return path;
}

}  // namespace ola
