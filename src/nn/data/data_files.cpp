#include "nn/data/data_files.h"

#include <cstdlib>
#include <vector>

#include "util/data_paths.h"
#include "util/error.h"

namespace ola::nn {
namespace {

bool full_data_requested(const std::string& data_option) {
  const char* env = std::getenv("OLA_DATA");
  return !data_option.empty() || (env != nullptr && *env != '\0');
}

std::string default_name(DataRole role, bool full) {
  switch (role) {
    case DataRole::model: return full ? "models/resnet20.onnx" : "resnet20.onnx";
    case DataRole::test_images: return full ? "cifar-10-lossless-subset/test_batch_first1000.bin" : "cifar10_test_first100.bin";
    case DataRole::calibration_images:
      return full ? "cifar-10-lossless-subset/data_batch_1_first4000.bin" : "cifar10_calib_first1000.bin";
  }
  return "";
}

}  // namespace

std::filesystem::path resolve_data_file(DataRole role, const std::string& arg, const std::string& data_option) {
  const bool full = full_data_requested(data_option);
  if (arg.empty()) {
    if (full) return require_file(full_data_dir(data_option), default_name(role, true), "default input of this command");
    return require_file(bundled_data_dir(), default_name(role, false), "bundled default input");
  }
  if (std::filesystem::is_regular_file(arg)) return arg;
  std::vector<std::filesystem::path> tried{arg};
  std::vector<std::filesystem::path> dirs;
  if (auto dir = find_full_data_dir(data_option)) dirs.push_back(*dir);
  dirs.push_back(bundled_data_dir());
  for (const auto& dir : dirs) {
    std::vector<std::filesystem::path> candidates{dir / arg};
    if (role == DataRole::model) {
      candidates.push_back(dir / "models" / arg);
      if (std::filesystem::path(arg).extension() != ".onnx") {
        candidates.push_back(dir / "models" / (arg + ".onnx"));
        candidates.push_back(dir / (arg + ".onnx"));
      }
    }
    for (const auto& c : candidates) {
      if (std::filesystem::is_regular_file(c)) return c;
      tried.push_back(c);
    }
  }
  std::string list;
  for (const auto& t : tried) list += (list.empty() ? "" : ", ") + t.string();
  throw Error(ola::mismatch(arg, "file", "an existing file", "none of " + list));
}

}  // namespace ola::nn
