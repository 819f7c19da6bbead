// The optimizer's report folder: report.md (per-site table, totals against the baselines, the
// front), pareto.svg, time.svg and one sites/<site>.svg per activation site.
#pragma once

#include <filesystem>
#include <string>

#include "ola/pipeline.h"

namespace ola::opt {

/// The Markdown report text (also written by write_report).
std::string report_markdown(const PipelineResult& r);

/// Writes the report into `dir` (created if missing), each file atomically.
/// @throws ola::Error if the folder cannot be created or a file cannot be written.
void write_report(const std::filesystem::path& dir, const PipelineResult& r);

}  // namespace ola::opt
