// Checks that a calibration belongs to a model: same sites (count, names, activations) and, when
// the calibration recorded it, the same model file fingerprint.
#pragma once

#include <string>

#include "nn/calib/calibration.h"
#include "nn/ir/graph.h"

namespace ola::opt {

/// `model_fingerprint`: util/hash.h digest of the model file's bytes; `calibration_where` and
/// `model_where` name the two files in messages.
/// @throws PlanError "<calibration_where>: <field>: expected X, got Y" for the first mismatch.
void check_calibration_matches(const nn::Graph& g, const nn::Calibration& calibration, const std::string& model_fingerprint,
                               const std::string& calibration_where, const std::string& model_where);

}  // namespace ola::opt
