#include "he/program/lower_graph.h"

#include "nn/onnx/graph_passes.h"

namespace ola::he {

nn::Graph lower_for_he(nn::Graph g) {
  nn::fold_channel_constants(g);
  nn::number_sites(g);
  nn::validate(g);
  return g;
}

}  // namespace ola::he
