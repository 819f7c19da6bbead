#include "he/program/program_files.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "nn/onnx/onnx_import.h"
#include "nn/sim/approximation_json.h"
#include "ola/plan.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace ola::he {

Program load_program(const std::filesystem::path& model, const std::filesystem::path& plan,
                     const ProgramOptions& options) {
  const nn::Graph g = nn::import_onnx(model);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file_text(plan));
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    throw FormatError(ola::mismatch(plan.string(), "contents", "JSON", e.what()));
  }
  if (!j.is_array()) return compile_program(g, opt::plan_from_json(j, plan.string()), options);
  // A replacement list (`ola uniform-plan`): every site needs a polynomial; bootstraps go where
  // the levels run out.
  const nn::SiteReplacements rep = nn::replacements_from_json(g, j, plan.string());
  std::vector<approx::Approximation> sites;
  for (std::size_t i = 0; i < rep.size(); ++i) {
    if (!rep[i]) {
      throw Error(ola::mismatch(plan.string(), "site " + g.sites[i].short_name,
                                "a polynomial (an encrypted run replaces every activation)", "not listed"));
    }
    sites.push_back(*rep[i]);
  }
  return compile_program(g, sites, options);
}

FeatureMap image_map(const nn::Tensor& images, std::int64_t index) {
  if (images.shape.size() != 4) {
    throw Error(ola::mismatch("image_map", "images", "[N,C,H,W]", nn::to_string(images.shape)));
  }
  if (index < 0 || index >= images.shape[0]) {
    throw Error(ola::mismatch("image_map", "index", "0.." + std::to_string(images.shape[0] - 1), index));
  }
  FeatureMap m = zero_feature_map(static_cast<int>(images.shape[1]), static_cast<int>(images.shape[2]),
                                  static_cast<int>(images.shape[3]));
  const auto n = static_cast<std::int64_t>(m.data.size());
  std::copy_n(images.data.begin() + index * n, n, m.data.begin());
  return m;
}

}  // namespace ola::he
