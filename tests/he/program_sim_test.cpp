// compile_program + run_program on the slot simulator: a small CNN built here and ResNet-20 from
// data/resnet20.onnx, logits against nn's float executor with the same approximations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "approx/wls.h"
#include "he/program/activations.h"
#include "he/linear_cost.h"
#include "he/program/program.h"
#include "he/program/program_linear_ops.h"
#include "he/program/run_program.h"
#include "he/slot_sim_backend.h"
#include "nn/data/cifar10.h"
#include "nn/exec/executor.h"
#include "nn/onnx/onnx_import.h"
#include "nn/onnx_builder.h"
#include "util/data_paths.h"
#include "per_channel_sites.h"
#include "residual_cnn.h"
#include "program_options.h"
#include "nn/tiny_convnext.h"
#include "util/error.h"

namespace ola::he {
namespace {

using testing::options;

// conv(3->4, 3x3) -> relu -> conv(4->8, 3x3, stride 2) -> relu -> avgpool -> fc(8->10)
nn::Graph small_cnn() {
  nn::test::OnnxBuilder b({3, 8, 8});
  b.random("w1", {4, 3, 3, 3}, 0.5f);
  b.random("b1", {4}, 0.3f);
  b.random("w2", {8, 4, 3, 3}, 0.5f);
  b.random("b2", {8}, 0.3f);
  b.random("fc", {10, 8}, 0.8f);
  b.random("fc_b", {10}, 0.2f);
  b.conv("input", "w1", "b1", "c1", "/c1");
  b.node("Relu", {"c1"}, "r1", "/r1");
  b.conv("r1", "w2", "b2", "c2", "/c2", 2);
  b.node("Relu", {"c2"}, "r2", "/r2");
  b.classifier_head("r2");
  return nn::import_onnx_bytes(b.bytes(), "small_cnn.onnx");
}

nn::Tensor random_images(int n, int c, int h, int w, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  nn::Tensor t = nn::zeros({n, c, h, w});
  for (float& v : t.data) v = u(rng);
  return t;
}

/// One minimax ReLU polynomial per site on the observed input range of `images` plus 20%.
std::vector<approx::Approximation> fit_sites(const nn::Graph& g, const nn::Tensor& images, int degree) {
  std::vector<double> lo(g.sites.size(), 0.0), hi(g.sites.size(), 0.0);
  nn::RunHooks hooks;
  hooks.observe_site_input = [&](int site, const nn::Tensor& t) {
    const auto [mn, mx] = std::minmax_element(t.data.begin(), t.data.end());
    lo[static_cast<std::size_t>(site)] = std::min(lo[static_cast<std::size_t>(site)], static_cast<double>(*mn));
    hi[static_cast<std::size_t>(site)] = std::max(hi[static_cast<std::size_t>(site)], static_cast<double>(*mx));
  };
  nn::run_model(g, images, {}, hooks);
  std::vector<approx::Approximation> sites;
  for (std::size_t i = 0; i < g.sites.size(); ++i) {
    const double m = 0.2 * (hi[i] - lo[i]) + 1e-3;
    sites.push_back(approx::make_minimax(approx::Activation::relu, degree, lo[i] - m, hi[i] + m));
  }
  return sites;
}

std::vector<double> float_logits(const nn::Graph& g, const nn::Tensor& image,
                                 const std::vector<approx::Approximation>& sites) {
  nn::SiteReplacements repl(sites.begin(), sites.end());
  nn::RunHooks hooks;
  hooks.replacements = &repl;
  const nn::Tensor out = nn::run_model(g, image, {}, hooks);
  return {out.data.begin(), out.data.end()};
}

FeatureMap to_map(const nn::Tensor& images, std::int64_t index) {
  const auto c = static_cast<int>(images.shape[1]), h = static_cast<int>(images.shape[2]),
             w = static_cast<int>(images.shape[3]);
  FeatureMap m = zero_feature_map(c, h, w);
  const auto n = static_cast<std::size_t>(c) * h * w;
  std::copy_n(images.data.begin() + static_cast<std::ptrdiff_t>(index * static_cast<std::int64_t>(n)), n,
              m.data.begin());
  return m;
}

struct SimRun {
  std::vector<double> logits;
  OpStats stats;
};

SimRun run_sim(const Program& p, const FeatureMap& image, bool restrict_keys) {
  SlotSimConfig cfg{p.options.slots, p.options.fresh_level, p.options.boot_level, 40, std::nullopt};
  if (restrict_keys) cfg.rotation_keys = std::set<int>(p.rotation_steps.begin(), p.rotation_steps.end());
  SlotSimBackend be(cfg);
  const auto acts = sim_program_activations(p);
  const auto out = run_program<SlotSimBackend>(be, p, be.encrypt(pack(p.input_layout, image)), acts);
  return {unpack_logits(p.head, be.decrypt(out)), be.stats()};
}

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

/// The simulated program's logits on images 0..count-1 equal the float executor's with the same
/// approximations, to tol x (1 + max |logit|).
void expect_float_logits(const nn::Graph& g, const Program& p, const nn::Tensor& images,
                         const std::vector<approx::Approximation>& sites, std::int64_t count, double tol) {
  for (std::int64_t i = 0; i < count; ++i) {
    const auto want = float_logits(g, nn::slice_batch(images, i, 1), sites);
    const auto got = run_sim(p, to_map(images, i), true).logits;
    ASSERT_EQ(got.size(), want.size());
    const double scale = max_abs(want);
    ASSERT_GT(scale, 1e-3);
    for (std::size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got[k], want[k], tol * (1.0 + scale)) << i << "," << k;
  }
}

/// For each bootstrap step of p (in order): the period of its register's layout, found by walking
/// the steps (convolutions and shortcuts set a register's layout, other steps keep their input's).
std::vector<int> bootstrapped_periods(const Program& p) {
  std::vector<Layout> layout(static_cast<std::size_t>(p.registers));
  layout[static_cast<std::size_t>(p.input_register)] = p.input_layout;
  std::vector<int> periods;
  for (const ProgramStep& s : p.steps) {
    if (s.op == ProgramOp::pool_fc) continue;
    const Layout& in = layout.at(static_cast<std::size_t>(s.input));
    if (s.op == ProgramOp::bootstrap) periods.push_back(in.period());
    const bool linear = s.op == ProgramOp::conv || s.op == ProgramOp::shortcut;
    layout.at(static_cast<std::size_t>(s.output)) = linear ? p.convs.at(static_cast<std::size_t>(s.index)).out : in;
  }
  return periods;
}

/// The slot counts of p's bootstrap steps, in order.
std::vector<int> bootstrap_slots(const Program& p) {
  std::vector<int> slots;
  for (const ProgramStep& s : p.steps) {
    if (s.op == ProgramOp::bootstrap) slots.push_back(s.slots);
  }
  return slots;
}

TEST(ProgramSim, SmallCnnMatchesTheFloatExecutorWithTheSameApproximations) {
  const nn::Graph g = small_cnn();
  const nn::Tensor images = random_images(4, 3, 8, 8, 7);
  const auto sites = fit_sites(g, images, 3);
  const Program p = compile_program(g, sites, options(1 << 12, 7, 5));
  ASSERT_EQ(p.activations.size(), 2u);
  EXPECT_EQ(p.bootstraps, 0);
  EXPECT_EQ(p.classes, 10);
  // conv 1 + relu (degree 3: depth 2) + conv 1 + relu 2 + pool_fc 1 = 7 levels
  EXPECT_EQ(p.steps.back().level_after, 0);
  expect_float_logits(g, p, images, sites, 4, 1e-5);
}

TEST(ProgramSim, InsertsBootstrapsWhereLevelsRunOutAndWherePlanned) {
  const nn::Graph g = small_cnn();
  const nn::Tensor images = random_images(1, 3, 8, 8, 8);
  const auto sites = fit_sites(g, images, 7);  // depth 3 each: 1 + 3 + 1 + 3 + 1 = 9 levels > 5
  const Program p = compile_program(g, sites, options(1 << 12, 5, 4));
  EXPECT_GE(p.bootstraps, 1);
  int booted = 0;
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const auto& s = p.steps[i];
    EXPECT_GE(s.level_after, 0) << i;
    if (s.op == ProgramOp::bootstrap) ++booted;
    else EXPECT_EQ(s.level_before - s.level_after, step_depth(p, s)) << i;
  }
  EXPECT_EQ(booted, p.bootstraps);
  const SimRun r = run_sim(p, to_map(images, 0), true);
  EXPECT_EQ(r.stats.bootstraps, p.bootstraps);
  const auto want = float_logits(g, images, sites);
  for (std::size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(r.logits[j], want[j], 1e-5 * (1.0 + max_abs(want)));

  EXPECT_EQ(bootstrap_slots(p), std::vector<int>(static_cast<std::size_t>(p.bootstraps), 1 << 12));  // default
  ProgramOptions staged = options(1 << 12, 5, 4);
  staged.stage_bootstraps = true;
  const Program ps = compile_program(g, sites, staged);
  EXPECT_EQ(bootstrap_slots(ps), bootstrapped_periods(ps));
  const SimRun rs = run_sim(ps, to_map(images, 0), true);
  for (std::size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(rs.logits[j], want[j], 1e-5 * (1.0 + max_abs(want)));

  // Bootstraps before and after the stride-2 conv: at the two layouts' periods (4 channels of 8x8
  // in 4 blocks of 64 slots: 256; 8 channels of 4x4 at gap 2 in 2 blocks of 64: 128), not at the
  // program's 4096 slots; the simulator checks that the slots do repeat with them.
  ProgramOptions forced = options(1 << 12, 9, 9);
  forced.bootstrap_before = {false, true};
  const Program q = compile_program(g, sites, forced);
  EXPECT_EQ(q.bootstraps, 1);
  EXPECT_EQ(bootstrap_slots(q), std::vector<int>{4096});  // default: at the program's slot count
  forced.stage_bootstraps = true;
  EXPECT_EQ(bootstrap_slots(compile_program(g, sites, forced)), std::vector<int>{128});
  forced.bootstrap_before = {true, true};
  const Program both = compile_program(g, sites, forced);
  EXPECT_EQ(bootstrap_slots(both), (std::vector<int>{256, 128}));
  EXPECT_EQ(bootstrapped_periods(both), bootstrap_slots(both));
  EXPECT_EQ(bootstraps_by_slots(both), (std::map<int, int>{{128, 1}, {256, 1}}));
  const auto first_boot = std::find_if(both.steps.begin(), both.steps.end(),
                                       [](const ProgramStep& s) { return s.op == ProgramOp::bootstrap; });
  ASSERT_NE(first_boot, both.steps.end());
  EXPECT_EQ(step_label(*first_boot), "bootstrap (256 slots)");
  EXPECT_EQ(step_label(both.steps.front()), both.steps.front().name);
  const SimRun rb = run_sim(both, to_map(images, 0), true);
  for (std::size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(rb.logits[j], want[j], 1e-5 * (1.0 + max_abs(want)));
  const ProgramOptions no_boot = options(1 << 12, 5, 4, false);
  EXPECT_THROW(compile_program(g, sites, no_boot), Error);
}

/// One minimax GELU polynomial per site on the observed input range of `images` plus 20%.
std::vector<approx::Approximation> fit_gelu_sites(const nn::Graph& g, const nn::Tensor& images, int degree) {
  std::vector<approx::Approximation> sites = fit_sites(g, images, degree);
  for (auto& a : sites) a = approx::make_minimax(approx::Activation::gelu, degree, a.lo, a.hi);
  return sites;
}

TEST(ProgramSim, TinyConvNextMatchesTheFloatExecutorWithTheSameApproximations) {
  // Depthwise 7x7 convs, 2x2 stride-2 patchify convs, layer scales and BatchNorms without a conv
  // before them (folded by lower_for_he), GELU sites: the compiled program computes what nn does.
  const nn::Graph g = nn::test::tiny_convnext();
  const nn::Tensor images = random_images(3, 3, 16, 16, 21);
  const auto sites = fit_gelu_sites(g, images, 3);
  // stem 1, dw 1, pw1 1, GELU 2, pw2 1 | down 1, dw 1, pw1 1, GELU 2, pw2 1 | pool_fc 1 = 13 levels
  const Program p = compile_program(g, sites, options(1 << 11, 13, 13, false));
  ASSERT_EQ(p.activations.size(), 2u);
  EXPECT_EQ(p.bootstraps, 0);
  EXPECT_EQ(p.steps.back().level_after, 0);
  EXPECT_THROW(compile_program(g, sites, options(1 << 11, 12, 12, false)), Error);  // one level short
  expect_float_logits(g, p, images, sites, 3, 1e-4);
}

TEST(ProgramSim, PerChannelPolynomialsMatchTheFloatExecutorAtTheDepthOfOneSitePolynomial) {
  // Each GELU channel its own cubic or degree-7 polynomial (per-slot coefficients on the site's t):
  // the same levels as one such polynomial per site, the values nn computes channel by channel;
  // also with the expansion split over two registers (the second part's slots hold channels 16..31).
  for (const auto& [expansion, degree] : {std::pair{4, 3}, std::pair{8, 3}, std::pair{4, 7}, std::pair{8, 7}}) {
    SCOPED_TRACE("expansion " + std::to_string(expansion) + ", degree " + std::to_string(degree));
    const nn::Graph g = nn::test::tiny_convnext(expansion);
    const nn::Tensor images = random_images(2, 3, 16, 16, 23);
    const auto sites = testing::per_channel_sites(g, fit_gelu_sites(g, images, degree));
    const int levels = degree == 3 ? 13 : 15;  // one level more per site at degree 7
    const Program p = compile_program(g, sites, options(1 << 10, levels, levels, false));
    EXPECT_EQ(p.steps.back().level_after, 0);
    EXPECT_EQ(p.activations.size(), expansion == 8 ? 3u : 2u);
    EXPECT_EQ(p.activations.back().first_channel, 0);
    if (expansion == 8) {
      EXPECT_EQ(p.activations[1].first_channel, 16);
    }
    for (std::int64_t i = 0; i < 2; ++i) {
      const auto want = float_logits(g, nn::slice_batch(images, i, 1), sites);
      const auto got = run_sim(p, to_map(images, i), true).logits;
      const double scale = max_abs(want);
      ASSERT_GT(scale, 1e-3);
      for (std::size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(got[j], want[j], 1e-4 * (1.0 + scale)) << i << "," << j;
      // A site polynomial in place of the channels' gives other logits: the channels are used.
      const auto site_level = float_logits(g, nn::slice_batch(images, i, 1), fit_gelu_sites(g, images, degree));
      double diff = 0.0;
      for (std::size_t j = 0; j < want.size(); ++j) diff = std::max(diff, std::abs(site_level[j] - want[j]));
      EXPECT_GT(diff, 1e-2 * (1.0 + scale));  // 100x the tolerance above
    }
  }
  const nn::Graph g = nn::test::tiny_convnext();
  const nn::Tensor images = random_images(1, 3, 16, 16, 29);
  auto sites = testing::per_channel_sites(g, fit_gelu_sites(g, images, 3));
  auto fewer = sites;
  fewer[0].channels.pop_back();
  EXPECT_THROW(compile_program(g, fewer, options(1 << 11, 13, 13, false)), Error);
  auto too_high = testing::per_channel_sites(g, fit_gelu_sites(g, images, 32));  // above degree 31: refused
  EXPECT_THROW(compile_program(g, too_high, options(1 << 11, 17, 17, false)), Error);
  // A channel on 2% of the site's interval: the GELU's input comes from a convolution, which maps
  // each channel onto its own interval, so its polynomial keeps its own coefficients.
  auto narrow = testing::per_channel_sites(g, fit_gelu_sites(g, images, 7));
  const double w = narrow[0].hi - narrow[0].lo;
  narrow[0].channels[0] = approx::ChebPoly{-0.01 * w, 0.01 * w, {0, 0, 0, 0, 0, 0, 0, 1}};  // T_7 on that interval
  const Program p = compile_program(g, narrow, options(1 << 11, 15, 15, false));
  EXPECT_TRUE(p.activations[0].channel_basis);
}

TEST(ProgramSim, PerChannelSitesAfterConvolutionsAndResidualAddsRunOnEachChannelsOwnInterval) {
  // relu_0 and relu_1 take t_c = a_c x + b_c from the convolution before them (relu_1's other
  // addend, relu_0's output, multiplied by a_c / s first: one conv step named after the add);
  // relu_2 reads two activations, so its channels are written on the site's interval.
  const nn::Graph g = testing::residual_cnn();
  const nn::Tensor images = random_images(2, 3, 8, 8, 31);
  auto sites = testing::fit_channel_sites(g, images, 7);
  sites[2] = testing::fit_channel_sites(g, images, 3)[2];  // cubics: small enough on the site's interval
  ASSERT_LE(approx::per_channel_error_gain(sites[2], approx::ChannelBasis::site_interval),
            approx::kMaxPerChannelErrorGain);
  // conv 1, relu_0 3, conv 1 (the scale of relu_0's output at the same level), add of equal levels
  // 0 (both inputs are convolution outputs at the base scale), relu_1 3, add 0, relu_2 2, pool_fc
  // 1: 11 levels
  const Program p = compile_program(g, sites, options(1 << 10, 11, 11, false));
  ASSERT_EQ(p.activations.size(), 3u);
  EXPECT_TRUE(p.activations[0].channel_basis);
  EXPECT_TRUE(p.activations[1].channel_basis);
  EXPECT_FALSE(p.activations[2].channel_basis);
  EXPECT_EQ(std::count_if(p.steps.begin(), p.steps.end(),
                          [](const ProgramStep& s) { return s.op == ProgramOp::conv && s.name == "/a1"; }),
            1);
  EXPECT_EQ(p.steps.back().level_after, 0);
  const auto add = std::find_if(p.steps.begin(), p.steps.end(), [](const ProgramStep& s) { return s.op == ProgramOp::add; });
  ASSERT_NE(add, p.steps.end());
  EXPECT_EQ(add->level_before, add->level_after);  // equal levels, no level spent
  EXPECT_THROW(compile_program(g, sites, options(1 << 10, 10, 10, false)), Error);  // one level short
  expect_float_logits(g, p, images, sites, 2, 1e-6);
  // A channel on 2% of the site's interval: accepted where the channel has its own interval; at
  // relu_2 its polynomial rewritten on the site's interval has coefficients CKKS cannot
  // evaluate precisely, so it is refused, not run into garbage.
  for (std::size_t site : {1U, 2U}) {
    auto narrow = sites;
    const double w = narrow[site].hi - narrow[site].lo;
    narrow[site].channels[0] = approx::ChebPoly{-0.01 * w, 0.01 * w, {0, 0, 0, 1}};  // T_3 there
    if (site == 1) {
      EXPECT_NO_THROW(compile_program(g, narrow, options(1 << 10, 12, 12, false)));
      continue;
    }
    try {
      compile_program(g, narrow, options(1 << 10, 12, 12, false));
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("per-channel error gain (sum k^2 |c_k| on the site's interval"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(ProgramSim, PerChannelPolynomialsOnTheSitesIntervalNeedNoChannelMap) {
  // Every channel's polynomial on its site's interval (ola --channel-min-width 1): the site's own
  // map serves them, so relu_1's residual addend is not scaled per channel (no conv step named
  // after the add, which costs the addend a level) and the logits are the float executor's.
  const nn::Graph g = testing::residual_cnn();
  const nn::Tensor images = random_images(2, 3, 8, 8, 31);
  // One interval for all three sites: r1 feeds both adds, so its output factor must suit both.
  auto sites = testing::fit_channel_sites(g, images, 7);
  double lo = 0.0, hi = 0.0;
  for (const auto& a : sites) lo = std::min(lo, a.lo), hi = std::max(hi, a.hi);
  for (auto& a : sites) {  // the site's polynomial per channel, each with its own constant term
    const std::size_t channels = a.channels.size();
    a = approx::make_minimax(approx::Activation::relu, 7, lo, hi);
    a.kind = approx::Kind::wls;
    for (std::size_t c = 0; c < channels; ++c) {
      a.channels.push_back(a.stages[0]);
      a.channels.back().coeffs[0] += 0.01 * static_cast<double>(c);
    }
  }
  // conv 1, relu_0 3, conv 1, add 0, relu_1 3, add 0, relu_2 3, pool_fc 1: 12 levels.
  const Program p = compile_program(g, sites, options(1 << 10, 12, 12, false));
  EXPECT_THROW(compile_program(g, sites, options(1 << 10, 11, 11, false)), Error);
  for (const ProgramActivation& a : p.activations) EXPECT_FALSE(a.channel_basis) << a.site;
  EXPECT_EQ(std::count_if(p.steps.begin(), p.steps.end(),
                          [](const ProgramStep& s) { return s.op == ProgramOp::conv && s.name == "/a1"; }),
            0);
  expect_float_logits(g, p, images, sites, 2, 1e-6);
}

TEST(ProgramSim, PerChannelPolynomialsOfDegreeFifteenAndThirtyOneRunAtTheirScalarDepth) {
  // relu_0 degree 31 (depth 5), relu_1 degree 15 (depth 4), each channel on its own interval;
  // relu_2 a cubic per channel on the site's interval: conv 1, relu_0 5, conv 1, add 0, relu_1 4,
  // add 0, relu_2 2, pool_fc 1 = 14 levels.
  const nn::Graph g = testing::residual_cnn();
  const nn::Tensor images = random_images(2, 3, 8, 8, 37);
  auto sites = testing::fit_channel_sites(g, images, 31);
  sites[1] = testing::fit_channel_sites(g, images, 15)[1];
  sites[2] = testing::fit_channel_sites(g, images, 3)[2];
  const Program p = compile_program(g, sites, options(1 << 10, 14, 14, false));
  EXPECT_TRUE(p.activations[0].channel_basis);
  EXPECT_TRUE(p.activations[1].channel_basis);
  EXPECT_EQ(p.steps.back().level_after, 0);
  EXPECT_THROW(compile_program(g, sites, options(1 << 10, 13, 13, false)), Error);  // one level short
  expect_float_logits(g, p, images, sites, 2, 1e-6);
}

TEST(ProgramSim, AnExpansionWiderThanTheSlotsIsSplitOverRegisters) {
  // Expansion 8 at 1024 slots: block 1's pw1 output (32 channels of 8x8 at gap 2: 8 blocks of 256
  // slots) needs 2048 slots, so pw1 writes two registers of 16 channels, the GELU runs on each and
  // pw2 sums two partial convolutions; block 2 (64 channels of 4x4 at gap 4: 1024) fits.
  const nn::Graph g = nn::test::tiny_convnext(8);
  const nn::Tensor images = random_images(2, 3, 16, 16, 5);
  const auto sites = fit_gelu_sites(g, images, 3);
  const Program p = compile_program(g, sites, options(1 << 10, 13, 13, false));
  int sums = 0, convs_of_pw1 = 0, gelu_steps = 0;
  for (const ProgramStep& s : p.steps) {
    sums += s.op == ProgramOp::sum;
    if (s.op == ProgramOp::conv && s.name.find("b1_pw1") != std::string::npos) ++convs_of_pw1;
    gelu_steps += s.op == ProgramOp::activation;
  }
  EXPECT_EQ(sums, 1);          // pw2 of block 1: two partial convolutions
  EXPECT_EQ(convs_of_pw1, 2);  // two output parts
  EXPECT_EQ(gelu_steps, 3);    // block 1 on two parts, block 2 on one
  EXPECT_EQ(p.steps.back().level_after, 0);  // the split costs no level: still 13
  expect_float_logits(g, p, images, sites, 2, 1e-4);
  // The same network at 2048 slots is not split.
  const Program whole = compile_program(g, sites, options(1 << 11, 13, 13, false));
  for (const ProgramStep& s : whole.steps) EXPECT_NE(s.op, ProgramOp::sum);
}

TEST(ProgramSim, RejectsWrongSiteCountsAndExactSites) {
  const nn::Graph g = small_cnn();
  const auto sites = fit_sites(g, random_images(1, 3, 8, 8, 9), 3);
  const ProgramOptions o = options(1 << 12, 7, 5);
  try {
    compile_program(g, std::span(sites).first(1), o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sites: expected 2 approximations, got 1"), std::string::npos) << e.what();
  }
  auto exact = sites;
  exact[1] = approx::Approximation{};
  EXPECT_THROW(compile_program(g, exact, o), Error);
}

TEST(ProgramSim, ResNet20OneImageMatchesTheFloatExecutor) {
  const auto dir = bundled_data_dir();
  const nn::Graph g = nn::import_onnx(dir / "resnet20.onnx");
  const nn::ImageSet set = nn::load_cifar10(dir / "cifar10_test_first100.bin", {.first = 1});
  const auto sites = fit_sites(g, set.images, 15);
  ProgramOptions o = options(1 << 15, 16, 12);
  o.stage_bootstraps = true;
  const Program p = compile_program(g, sites, o);
  EXPECT_EQ(p.activations.size(), 19u);
  int convs = 0, shortcuts = 0, adds = 0;
  for (const auto& s : p.steps) {
    convs += s.op == ProgramOp::conv;
    shortcuts += s.op == ProgramOp::shortcut;
    adds += s.op == ProgramOp::add;
  }
  EXPECT_EQ(convs, 19);
  EXPECT_EQ(shortcuts, 2);
  EXPECT_EQ(adds, 9);
  const auto want = float_logits(g, set.images, sites);
  const SimRun r = run_sim(p, to_map(set.images, 0), true);
  const double scale = max_abs(want);
  double err = 0.0;
  for (std::size_t j = 0; j < want.size(); ++j) err = std::max(err, std::abs(r.logits[j] - want[j]));
  std::cout << "ResNet-20 sim: " << p.bootstraps << " bootstraps, " << p.rotation_steps.size()
            << " rotation keys, max logit error " << err << " (max |logit| " << scale << ")\n";
  EXPECT_LT(err, 1e-3 * (1.0 + scale));
  EXPECT_EQ(std::max_element(r.logits.begin(), r.logits.end()) - r.logits.begin(),
            std::max_element(want.begin(), want.end()) - want.begin());
  EXPECT_EQ(r.stats.bootstraps, p.bootstraps);
  // Every bootstrap at its stage's period (the simulator checked the slots repeat with it).
  EXPECT_EQ(bootstrap_slots(p), bootstrapped_periods(p));
  const std::map<int, int> by_slots = bootstraps_by_slots(p);
  for (const auto& [n, count] : by_slots) std::cout << "  " << count << " bootstraps at " << n << " slots\n";
  std::vector<int> counts;
  for (const auto& [n, count] : by_slots) counts.push_back(n);
  EXPECT_EQ(counts, (std::vector<int>{4096, 8192, 16384}));  // one per stage, none at the program's 32768
}

// The optimizer prices linear layers with linear_ops_by_node: those counts must be exactly what the
// program performs, step by step (convolutions by node, shortcuts under their merging add, pool +
// FC under the FC node, every other node zero).
TEST(ProgramSim, ResNet20LinearOpsByNodeAreTheCountsTheProgramPerforms) {
  const auto dir = bundled_data_dir();
  const nn::Graph g = nn::import_onnx(dir / "resnet20.onnx");
  const nn::ImageSet set = nn::load_cifar10(dir / "cifar10_test_first100.bin", {.first = 1});
  const ProgramOptions o = options(1 << 15, 16, 12);
  const Program p = compile_program(g, fit_sites(g, set.images, 7), o);
  SlotSimBackend be({o.slots, o.fresh_level, o.boot_level, 40, std::nullopt});
  OpStats before = be.stats();
  std::map<std::string, opt::LinearOps> ran;
  const StepObserver observe = [&](std::size_t, const ProgramStep& s, double, int level) {
    const LinearCost c = cost_from_stats(be.stats() - before, s.level_before - level);
    before = be.stats();
    if (s.op == ProgramOp::conv || s.op == ProgramOp::pool_fc) ran[s.name] = c;
    if (s.op == ProgramOp::shortcut) {
      for (const ProgramStep& merge : p.steps) {
        if (merge.op == ProgramOp::add && (merge.input == s.output || merge.input2 == s.output)) {
          ran[merge.name] = ran[merge.name] + c;
        }
      }
    }
  };
  const auto acts = sim_program_activations(p);
  (void)run_program<SlotSimBackend>(be, p, be.encrypt(pack(p.input_layout, to_map(set.images, 0))), acts, observe);
  EXPECT_EQ(ran.size(), 19u + 2u + 1u);  // convolutions, adds after a shortcut, pool + FC

  const std::map<std::string, opt::LinearOps> counted = linear_ops_by_node(g, o);
  EXPECT_EQ(counted.size(), g.nodes.size());
  for (const auto& [name, ops] : counted) {
    const auto it = ran.find(name);
    if (it == ran.end()) {
      EXPECT_EQ(ops, opt::LinearOps{}) << name << " is not a linear step of the program";
    } else {
      EXPECT_EQ(ops, it->second) << name;
      EXPECT_GT(ops.encodes, 0) << name;
    }
  }
}

}  // namespace
}  // namespace ola::he
