// JSON form of approx::Approximation as stored in plans (docs/plan-format.md, "approximation").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "approx/approximation.h"

namespace ola::opt {

/// {"activation","kind","lo","hi","alpha","stages":[{"lo","hi","coeffs":[...]}],
///  "counts":{"depth","nonscalar_mults","scalar_mults","additions"},
///  "metrics":{"weighted_mse","max_error"}, "label"} ("label" is informational, ignored on load).
nlohmann::json approximation_to_json(const approx::Approximation& a);

/// @throws ola::FormatError if a field is missing or mistyped, the activation or kind is unknown,
///         lo >= hi, a stage has no coefficients or a non-finite one, a wls/minimax approximation
///         does not have exactly one stage, or a composite_relu has none or alpha < 1.
approx::Approximation approximation_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace ola::opt
