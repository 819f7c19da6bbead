#include "ola/network.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "nn/onnx/onnx_import.h"
#include "nn/tiny_convnext.h"
#include "ola/baselines.h"
#include "ola/plan_error.h"
#include "util/data_paths.h"

namespace ola::opt {
namespace {

const nn::Graph& resnet20() {
  static const nn::Graph g = nn::import_onnx(bundled_data_dir() / "resnet20.onnx");
  return g;
}

int count(const Network& n, StepKind k) {
  return static_cast<int>(std::count_if(n.steps.begin(), n.steps.end(), [&](const NetStep& s) { return s.kind == k; }));
}

CostTable flat_table(int top, bool with_bootstrap, int levels_after) {
  CostTable t;
  for (int l = 0; l <= top; ++l) {
    LevelCost c;
    c.level = l;
    c.limbs = l + 1;
    c.mul_relin_ms = 100.0 + 10.0 * l;
    c.rescale_ms = 10.0;
    c.rotate_ms = 90.0 + 10.0 * l;
    c.hoisted_rotate_ms = 40.0;
    c.hoist_decompose_ms = 50.0;
    c.mul_plain_ms = 5.0;
    c.mul_const_ms = 2.0;
    c.add_ms = 1.0;
    c.encode_ms = 3.0;
    c.mul_sum_term_ms = 4.0;
    t.levels.push_back(c);
  }
  if (with_bootstrap) t.bootstrap.push_back({32768, 30.0, levels_after, 0});
  return t;
}

TEST(Network, ResNet20MainPath) {
  const Network n = network_from_graph(resnet20());
  EXPECT_EQ(n.num_sites, 19);
  EXPECT_EQ(count(n, StepKind::activation), 19);
  EXPECT_EQ(count(n, StepKind::skip_open), 9);
  EXPECT_EQ(count(n, StepKind::skip_merge), 9);
  EXPECT_EQ(count(n, StepKind::linear), 19 + 2);  // convolutions, global average pool, FC
  // Identity skips carry a ReLU's output (not at the base scale a convolution's output has), so
  // their merges spend a level at equal levels; the two option-A shortcuts run as convolutions.
  int spending = 0;
  for (const NetStep& s : n.steps) spending += s.kind == StepKind::skip_merge && s.merge_spends_level_at_equal;
  EXPECT_EQ(spending, 9 - 2);
  // Sites in order, each activation's tensor is 16x32x32, 32x16x16 or 64x8x8 = 16384/8192/4096.
  int next_site = 0;
  for (const NetStep& s : n.steps) {
    if (s.kind != StepKind::activation) continue;
    EXPECT_EQ(s.site, next_site++);
    EXPECT_TRUE(s.elements == 16384 || s.elements == 8192 || s.elements == 4096) << s.elements;
  }
  // The two downsampling convolutions have stride 2.
  int strided = 0;
  for (const NetStep& s : n.steps) strided += s.kind == StepKind::linear && s.shape.stride == 2;
  EXPECT_EQ(strided, 2);
  EXPECT_EQ(n.steps.back().shape.op, LinearShape::Op::fully_connected);
  EXPECT_EQ(n.steps.back().shape.c_in, 64);
  EXPECT_EQ(n.steps.back().shape.c_out, 10);
}

TEST(Network, MpcnnBaselineBootstrapsOncePerConvolution) {
  const Network n = network_from_graph(resnet20());
  const TimeModel tm = make_time_model(flat_table(20, true, 16));
  approx::Approximation relu13;
  relu13.kind = approx::Kind::composite_relu;
  relu13.counts = {14, 27, 40, 60};
  const Baseline b = mpcnn_baseline(n, tm, std::vector<approx::Approximation>(19, relu13));
  EXPECT_TRUE(b.feasible);
  EXPECT_EQ(b.totals.bootstraps, 18);  // MPCNN: 18 for ResNet-20
  EXPECT_DOUBLE_EQ(b.totals.bootstrap_ms, 18 * 30000.0);
  EXPECT_NEAR(b.totals.predicted_ms, b.totals.bootstrap_ms + b.totals.activation_ms + b.totals.linear_ms, 1e-6);
  // With only 10 levels after a bootstrap, each depth-14 activation needs one more bootstrap.
  const TimeModel small = make_time_model(flat_table(20, true, 10));
  const Baseline c = mpcnn_baseline(n, small, std::vector<approx::Approximation>(19, relu13));
  EXPECT_EQ(c.totals.bootstraps, 18 + 19);
  EXPECT_NE(c.description.find("inside activations"), std::string::npos);
}

TEST(Network, ProblemFromNetworkIsSolvable) {
  const Network n = network_from_graph(resnet20());
  const TimeModel tm = make_time_model(flat_table(20, true, 12));
  std::vector<std::vector<DpChoice>> choices(19);
  for (auto& c : choices) {
    c.push_back({3, std::vector<double>(13, 500.0), 1});
    c.push_back({5, std::vector<double>(13, 900.0), 0});
  }
  const DpProblem p = make_problem(n, tm, choices, 19);
  const DpResult r = solve_dp(p);
  const auto cheap = reconstruct(p, r, 19);
  const auto exact = reconstruct(p, r, 0);
  ASSERT_TRUE(cheap && exact);
  EXPECT_LT(cheap->total_ms, exact->total_ms);
  EXPECT_LE(cheap->bootstraps, exact->bootstraps);
  EXPECT_EQ(exact->loss_units, 0);
}

// With the executor's counts in the time model, linear and merge steps are priced from them
// (linear_ops_ms at each level; a shortcut under its add at the window's top level), and a node
// without counts is an error rather than a silent estimate.
TEST(Network, CountedLinearOpsPriceLinearAndMergeSteps) {
  const Network n = network_from_graph(resnet20());
  TimeModel tm = make_time_model(flat_table(20, true, 12));
  const LinearOps conv{2, 8, 1, 0, 30, 31, 1, 40, 1, 1}, shortcut{1, 0, 0, 4, 0, 4, 1, 4, 1, 1};
  const NetStep* merge = nullptr;
  for (const NetStep& s : n.steps) {
    tm.linear_ops[s.name] = s.kind == StepKind::linear && s.shape.op == LinearShape::Op::conv ? conv : LinearOps{};
    if (s.kind == StepKind::skip_merge && merge == nullptr) merge = &s;
  }
  ASSERT_NE(merge, nullptr);
  tm.linear_ops[merge->name] = shortcut;
  std::vector<std::vector<DpChoice>> choices(19, {DpChoice{3, std::vector<double>(13, 500.0), 0}});
  const DpProblem p = make_problem(n, tm, choices, 19);
  for (std::size_t i = 0; i < n.steps.size(); ++i) {
    const NetStep& s = n.steps[i];
    for (int l = 1; l <= 12; ++l) {
      const double at = p.steps[i].ms_at_level.empty() ? 0.0 : p.steps[i].ms_at_level[static_cast<std::size_t>(l)];
      if (s.kind == StepKind::linear && s.shape.op == LinearShape::Op::conv) {
        EXPECT_DOUBLE_EQ(at, linear_ops_ms(conv, tm.table.at(l))) << s.name;
      } else if (s.kind == StepKind::linear) {
        EXPECT_DOUBLE_EQ(at, 0.0) << s.name;  // pooling / FC given zero counts here
      } else if (&s == merge) {
        EXPECT_DOUBLE_EQ(at, tm.table.at(l).add_ms + linear_ops_ms(shortcut, tm.table.at(12))) << s.name;
      } else if (s.kind == StepKind::skip_merge) {
        EXPECT_DOUBLE_EQ(at, tm.table.at(l).add_ms) << s.name;
      }
    }
  }
  tm.linear_ops.erase(n.steps[0].name);
  EXPECT_THROW(make_problem(n, tm, choices, 19), PlanError);
}

// The ConvNeXt's layer scales (Mul) and its BatchNorms without a conv before them (affine) are
// folded into neighbouring linear layers, as the encrypted compiler does: they are no steps, so
// they take no level and no time.
TEST(Network, FoldsAConvNextsLayerScalesAndBatchNormsAsTheCompilerDoes) {
  const nn::Graph g = nn::test::tiny_convnext();
  const Network n = network_from_graph(g);
  // stem, 2 x (dw, pw1, pw2), down, pool, fc; without the folds also 2 Muls and 2 affines.
  EXPECT_EQ(count(n, StepKind::linear), 10);
  EXPECT_EQ(count(n, StepKind::activation), 2);
  EXPECT_EQ(count(n, StepKind::skip_open), 2);
  EXPECT_EQ(count(n, StepKind::skip_merge), 2);
  int site = 0;
  for (const NetStep& s : n.steps) {
    if (s.kind == StepKind::linear) {
      EXPECT_NE(s.shape.op, LinearShape::Op::affine) << s.name;
    }
    if (s.kind == StepKind::activation) {
      EXPECT_EQ(s.site, site++);
    }
  }
  EXPECT_EQ(n.num_sites, 2);
}

TEST(Network, RejectsUnsupportedTopology) {
  nn::Graph g = resnet20();
  // Make the first residual add read two main-path values: not a skip merge.
  for (auto& node : g.nodes) {
    if (node.op == nn::OpKind::add) {
      node.inputs[1] = node.inputs[0];
      break;
    }
  }
  EXPECT_THROW(network_from_graph(g), PlanError);
}

}  // namespace
}  // namespace ola::opt
