// Per-site replacements for simulation, read from either kind of plan file the CLI accepts: an OLA
// plan (`ola optimize`, "format": "ola-plan", docs/plan-format.md) or nn's replacement list
// `[{"site": ..., "approximation": {...}}]` (nn/sim/approximation_json.h).
#pragma once

#include <filesystem>
#include <string>

#include "nn/exec/executor.h"
#include "nn/ir/graph.h"
#include "ola/plan.h"

namespace ola::cli {

/// The plan's approximation per site of `g`, checked against the graph (site count, names and
/// activation kinds). @throws ola::Error naming the plan file and the first mismatch.
nn::SiteReplacements replacements_from_plan(const nn::Graph& g, const opt::Plan& plan,
                                            const std::string& where);

/// Reads `path` as an OLA plan or a replacement list, whichever it is.
/// @throws ola::Error if the file cannot be read, is not JSON, or matches neither format.
nn::SiteReplacements load_replacements(const nn::Graph& g, const std::filesystem::path& path);

/// load_replacements of a file's text already read (`where` names it in messages).
/// @throws ola::FormatError if the text is not JSON or matches neither format.
nn::SiteReplacements replacements_from_text(const nn::Graph& g, const std::string& text, const std::string& where);

/// The uniform baseline of the method: composite minimax ReLU of precision `alpha` on each plan
/// site's approximation interval (MPCNN/approxCNN), every ReLU site; other activations stay exact.
nn::SiteReplacements uniform_composite_relu(const nn::Graph& g, const opt::Plan& plan, int alpha);

}  // namespace ola::cli
