// JSON form of approx::Approximation (shared with the optimizer's plan files) and of the nn
// replacement list `[{"site": name or index, "approximation": {...}}]` read by `ola simulate --plan`.
//
// Approximation JSON:
//   {"activation": "relu"|"gelu"|"silu", "kind": "exact"|"wls"|"minimax"|"composite_relu",
//    "lo": -6.0, "hi": 8.0, "alpha": 0,
//    "stages": [{"lo": -6.0, "hi": 8.0, "coeffs": [c0, c1, ...]}],      (Chebyshev, see approx/)
//    "counts": {"depth": 3, "nonscalar_mults": 5, "scalar_mults": 7, "additions": 8},   (optional)
//    "metrics": {"weighted_mse": 1e-4, "max_error": 0.02},                             (optional)
//    "channels": [{"lo": -1.2, "hi": 2.0, "coeffs": [...]}, ...]}   (optional, kind wls: one
//      polynomial per input channel, each of the stage's degree; approx::Approximation::channels)
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "approx/approximation.h"
#include "nn/exec/executor.h"
#include "nn/ir/graph.h"

namespace ola::nn {

/// Serialises every field of `a` (doubles printed to round-trip exactly).
nlohmann::json to_json(const approx::Approximation& a);

/// Parses the form above; `where` prefixes messages ("plan.json: [3].approximation").
/// @throws DataError for a missing or mistyped field, an unknown activation or kind, lo >= hi, a
///         stage with no coefficients, a non-exact kind with no stages, or channels with a kind
///         other than wls or a degree other than the stage's.
approx::Approximation approximation_from_json(const nlohmann::json& j, const std::string& where);

/// Parses `[{"site": "relu_3" | 3 | "<onnx node name>", "approximation": {...}}, ...]` into one
/// entry per site of `g` (sites not listed stay exact).
/// @throws DataError if j is not such an array, a site is unknown or listed twice, or an
///         approximation's activation differs from the site's, or its per-channel polynomials
///         are not one per input channel of the site.
SiteReplacements replacements_from_json(const Graph& g, const nlohmann::json& j, const std::string& where);

/// The inverse of replacements_from_json (sites with std::nullopt are left out).
nlohmann::json to_json(const Graph& g, const SiteReplacements& r);

}  // namespace ola::nn
