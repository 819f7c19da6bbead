#include "cli/calibration_images.h"

#include "util/error.h"

namespace ola::cli {

nn::ImageSet load_calibration_images(const nn::Calibration& cal, const std::string& calib_path, const std::string& where) {
  if (!cal.source.replacements_fingerprint.empty()) {
    throw ola::Error(ola::mismatch(where, calib_path, "a calibration of the exact model (without --plan)",
                                   "one made with " + cal.source.replacements_path));
  }
  nn::CifarOptions co;
  co.first = cal.images;
  co.mean = cal.source.mean;
  co.std = cal.source.std;
  nn::ImageSet set = nn::load_cifar10(cal.source.data_path, co);
  if (set.fingerprint != cal.source.data_fingerprint) {
    throw ola::Error(ola::mismatch(where, calib_path + ": data.fingerprint (the first " + std::to_string(cal.images) +
                                              " records of " + cal.source.data_path + ")",
                                   cal.source.data_fingerprint, set.fingerprint));
  }
  return set;
}

}  // namespace ola::cli
