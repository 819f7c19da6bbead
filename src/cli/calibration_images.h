// The images a calibration file was made from, for commands that recalibrate the same way
// (`ola uniform-plan --sequential`, `ola refit`).
#pragma once

#include <string>

#include "nn/calib/calibration.h"
#include "nn/data/cifar10.h"

namespace ola::cli {

/// Loads the first cal.images records of cal.source.data_path with the calibration's mean and std.
/// @throws ola::Error "<where>: <calib_path>: ..." if the calibration was made under a plan
///         (replacements) or the records' fingerprint differs from cal.source.data_fingerprint;
///         as nn::load_cifar10 if the file cannot be read.
nn::ImageSet load_calibration_images(const nn::Calibration& cal, const std::string& calib_path, const std::string& where);

}  // namespace ola::cli
