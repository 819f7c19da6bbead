// `ola inspect [MODEL] [--json] [--data DIR]`: imports an ONNX model and prints its graph IR
// summary (ops, shapes, parameter count, activation sites). Default model: the bundled ResNet-20.
#include <cstdio>
#include <string>

#include "cli/command.h"
#include "cli/json_output.h"
#include "nn/data/data_files.h"
#include "nn/ir/summary.h"
#include "nn/onnx/onnx_import.h"

namespace ola::cli {
namespace {

struct InspectOptions {
  std::string model;
  std::string data;
  bool json = false;
};

OLA_REGISTER_COMMAND("inspect", "Import an ONNX model and print its graph, shapes, parameters and activation sites",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<InspectOptions>();
                       sub.add_option("model,--model", o->model, "ONNX file or name (default: bundled resnet20.onnx)");
                       sub.add_option("--data", o->data, "full data folder (default $OLA_DATA)");
                       sub.add_flag("--json", o->json, "print one JSON object");
                       sub.callback([o] {
                         const auto path = nn::resolve_data_file(nn::DataRole::model, o->model, o->data);
                         const nn::Graph g = nn::import_onnx(path);
                         if (o->json) {
                           print_json(nn::summary_json(g));
                         } else {
                           const std::string s = nn::summary_text(g);
                           std::fwrite(s.data(), 1, s.size(), stdout);
                         }
                       });
                     });

}  // namespace
}  // namespace ola::cli
