// Which model and image files the nn commands use: the bundled data by default, the full shared
// data when --data or $OLA_DATA is given, and names resolved inside those folders.
#pragma once

#include <filesystem>
#include <string>

namespace ola::nn {

enum class DataRole { model, test_images, calibration_images };

/// The file for `role`:
///  * `arg` empty: the default of the role, in the full data folder if `data_option` is non-empty
///    or $OLA_DATA is set (models/resnet20.onnx, cifar-10-lossless-subset/test_batch_first1000.bin,
///    cifar-10-lossless-subset/data_batch_1_first4000.bin), else in the bundled data/
///    (resnet20.onnx, cifar10_test_first100.bin, cifar10_calib_first1000.bin);
///  * `arg` an existing path: that path;
///  * else `arg` looked up in the full data folder (if any), its models/ sub-folder (with ".onnx"
///    appended when missing, so "resnet32" works), and the bundled folder.
/// @throws ola::Error naming every place tried if nothing exists.
std::filesystem::path resolve_data_file(DataRole role, const std::string& arg, const std::string& data_option);

}  // namespace ola::nn
