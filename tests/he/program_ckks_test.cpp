// The compiled small CNN encrypted (test-only N = 2^13 / 2^14, and the bootstrapping test sets)
// against the same program on the slot simulator, with one-stage and composite ReLU activations
// (also one split by a bootstrap): same class, logits within a stated bound.
#include <gtest/gtest.h>

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "approx/composite.h"
#include "approx/wls.h"
#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"
#include "he/ckks_backend.h"
#include "he/ckks_session.h"
#include "he/encrypted_run.h"
#include "he/io/galois_key_maker.h"
#include "he/io/param_sets.h"
#include "he/program/activations.h"
#include "he/program/program.h"
#include "he/program/program_files.h"
#include "he/program/run_program.h"
#include "nn/tiny_convnext.h"
#include "per_channel_sites.h"
#include "residual_cnn.h"
#include "he/slot_sim_backend.h"
#include "nn/exec/executor.h"
#include "nn/onnx/onnx_import.h"
#include "nn/onnx_builder.h"
#include "program_options.h"
#include "util/error.h"

namespace ola::he {
namespace {

using testing::options;

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

/// Input range [lo, hi] of each of the small CNN's two activation sites on `image`.
std::vector<std::pair<double, double>> site_ranges(const nn::Graph& g, const FeatureMap& image) {
  nn::Tensor t = nn::zeros({1, image.channels, image.height, image.width});
  std::copy(image.data.begin(), image.data.end(), t.data.begin());
  std::vector<std::pair<double, double>> r(g.sites.size());
  nn::RunHooks hooks;
  hooks.observe_site_input = [&](int s, const nn::Tensor& x) {
    const auto [mn, mx] = std::minmax_element(x.data.begin(), x.data.end());
    r[static_cast<std::size_t>(s)] = {*mn, *mx};
  };
  nn::run_model(g, t, {}, hooks);
  return r;
}

FeatureMap test_image() {
  FeatureMap image = zero_feature_map(3, 8, 8);
  for (std::size_t i = 0; i < image.data.size(); ++i) image.data[i] = std::sin(0.7 * static_cast<double>(i));
  return image;
}

/// The logits of `p` on the slot simulator (split activations with their tails).
std::vector<double> simulate_logits(const Program& p, const FeatureMap& image) {
  SlotSimBackend sim({p.options.slots, p.options.fresh_level, p.options.boot_level, 40, std::nullopt});
  const auto acts = sim_program_activations(p);
  const auto tails = sim_program_activation_tails(p);
  return unpack_logits(p.head, sim.decrypt(run_program<SlotSimBackend>(sim, p, sim.encrypt(pack(p.input_layout, image)),
                                                                       acts, {}, tails)));
}

/// Runs `p` encrypted (keys for exactly key_plan's Galois steps, the linear-only ones at the linear
/// level; the bootstrapper of `boot` if the program bootstraps) and on the simulator; returns
/// {simulated logits, decrypted logits}.
std::pair<std::vector<double>, std::vector<double>> run_both(const ckks::Params& params, const Program& p,
                                                             const FeatureMap& image,
                                                             const std::optional<ckks::BootstrapLiteral>& boot = {}) {
  auto want = simulate_logits(p, image);

  const KeyPlan kp = key_plan(params, boot, p);
  const ckks::KeyGenerator keygen(params);
  CkksSession session(params, std::make_shared<const ckks::RelinKey>(keygen.relin_key()),
                      std::make_shared<const ckks::GaloisKeys>(make_galois_keys(keygen, kp)),
                      boot, p);
  const ckks::Encryptor encryptor(params, keygen.public_key());
  const ckks::Decryptor decryptor(params, keygen.secret_key());
  const auto acts = ckks_program_activations(p);
  const auto tails = ckks_program_activation_tails(p);
  const auto packed = pack(p.input_layout, image);
  const ckks::Ciphertext in = encryptor.encrypt(
      session.encoder().encode(packed, p.options.fresh_level, params.default_scale(), packed.size()));
  const ckks::Ciphertext out = run_program<CkksBackend>(session.backend(), p, in, acts, {}, tails);
  EXPECT_EQ(session.backend().stats().bootstraps, p.bootstraps);
  return {std::move(want), unpack_logits(p.head, session.encoder().decode_real(decryptor.decrypt(out)))};
}

long argmax(const std::vector<double>& v) { return std::max_element(v.begin(), v.end()) - v.begin(); }

/// Prints the error and the bits between it and max |want|; requires the same class and an error
/// below 2^-12 max |want| (the CKKS runs here reach 2^-20 or better: scales 2^40..2^45, and the
/// test bootstraps give ~22 bits, docs/bootstrapping.md).
void expect_agreement(const char* what, const std::vector<double>& want, const std::vector<double>& got) {
  double err = 0.0, scale = 0.0;
  for (std::size_t j = 0; j < want.size(); ++j) {
    err = std::max(err, std::abs(got[j] - want[j]));
    scale = std::max(scale, std::abs(want[j]));
  }
  std::cout << what << ": max logit error " << err << " (" << -std::log2(err / scale)
            << " bits below max |logit| " << scale << ")\n";
  EXPECT_LT(err, std::ldexp(scale, -12));
  EXPECT_EQ(argmax(got), argmax(want));
}

/// Site 0: composite ReLU of precision `alpha`; site 1: minimax ReLU of `degree`; each on its
/// observed input range widened by 20%.
std::vector<approx::Approximation> composite_and_minimax(const nn::Graph& g, const FeatureMap& image, int alpha,
                                                         int degree) {
  const auto r = site_ranges(g, image);
  return {approx::make_composite_relu(alpha, 1.2 * r[0].first - 1e-3, 1.2 * r[0].second + 1e-3),
          approx::make_minimax(approx::Activation::relu, degree, 1.2 * r[1].first - 1e-3, 1.2 * r[1].second + 1e-3)};
}

TEST(ProgramCkks, SmallCnnEncryptedMatchesTheSimulation) {
  const nn::Graph g = small_cnn();
  const FeatureMap image = test_image();
  std::vector<approx::Approximation> sites;
  for (const auto& [lo, hi] : site_ranges(g, image)) {
    const double m = 0.1 * (hi - lo) + 1e-3;
    sites.push_back(approx::make_minimax(approx::Activation::relu, 3, lo - m, hi + m));
  }
  const ckks::Params params(ckks::test_literal_n13());
  const int slots = static_cast<int>(params.max_slots());
  const Program p = compile_program(g, sites, options(slots, params.max_level(), 1, false));
  ASSERT_EQ(p.bootstraps, 0);
  const auto [want, got] = run_both(params, p, image);
  expect_agreement("small CNN N=2^13", want, got);
}

TEST(ProgramCkks, CompositeReluEncryptedMatchesTheSimulation) {
  const nn::Graph g = small_cnn();
  const FeatureMap image = test_image();
  // Site 0: composite ReLU alpha 6 (two sign stages, degrees 3 and 7: depth 2 + 3 + 1 = 6);
  // site 1: alpha 4 would not fit 10 levels with site 0, so a degree-1 minimax (depth 1).
  const auto sites = composite_and_minimax(g, image, 6, 1);
  const ckks::Params params(ckks::test_literal_n14());
  const int slots = static_cast<int>(params.max_slots());
  const Program p = compile_program(g, sites, options(slots, params.max_level(), 1, false));
  ASSERT_EQ(p.bootstraps, 0);
  ASSERT_EQ(p.activations[0].depth, 6);
  ASSERT_EQ(p.activations[0].t_shift, 0.0);  // t = x / B
  const auto [want, got] = run_both(params, p, image);
  expect_agreement("small CNN, composite ReLU alpha 6, N=2^14", want, got);
}

TEST(ProgramCkks, BootstrappedCompositeReluOnSparseSlotsMatchesTheSimulation) {
  const nn::Graph g = small_cnn();
  const FeatureMap image = test_image();
  // test-boot-n12: 4 levels after bootstrapping (= fresh level). Site 0 is a composite ReLU alpha 4
  // (depth 4): conv leaves 3 levels, so a bootstrap comes first; site 1 (minimax d3, depth 2)
  // starts at level 0 after the second conv: a second bootstrap.
  const auto sites = composite_and_minimax(g, image, 4, 3);
  const ParamSet set = param_set_by_name("test-boot-n12");
  const ckks::Params params(set.params);
  const int slots = 512;  // sparse: N/2 = 2048
  const Program p = compile_program(g, sites, program_options_for(params, set.boot, slots));
  ASSERT_EQ(p.options.fresh_level, 4);
  ASSERT_EQ(p.bootstraps, 2);
  const auto [want, got] = run_both(params, p, image, set.boot);
  expect_agreement("small CNN, composite ReLU + 2 sparse bootstraps (512 slots), N=2^12", want, got);
}

/// `set` (test-boot-n12) at its full 2048 slots, a bootstrap forced before each site (minimax d3):
/// fresh level 4, conv (3), bootstrap of c1 (4), minimax d3 (2), conv s2 (1), bootstrap of c2 (4),
/// minimax d3 (2), pool_fc (1). With stage_bootstraps: c1 repeats with period 256 and c2 with 128
/// (he/layout.h), so the two bootstraps are 256- and 128-sparse ones on full-slot ciphertexts, with
/// a bootstrapper each; without, both at 2048 slots.
Program forced_bootstraps_program(const nn::Graph& g, const FeatureMap& image, const ParamSet& set,
                                  bool stage_bootstraps = true) {
  std::vector<approx::Approximation> sites;
  for (const auto& [lo, hi] : site_ranges(g, image)) {
    sites.push_back(approx::make_minimax(approx::Activation::relu, 3, 1.2 * lo - 1e-3, 1.2 * hi + 1e-3));
  }
  ProgramOptions o = program_options_for(ckks::Params(set.params), set.boot, 0, stage_bootstraps);
  o.bootstrap_before = {true, true};
  return compile_program(g, sites, o);
}

/// The small CNN, its test image, forced_bootstraps_program at test-boot-n12 and its key plan.
struct ForcedBootstrapsCase {
  explicit ForcedBootstrapsCase(bool stage_bootstraps = true)
      : p(forced_bootstraps_program(g, image, set, stage_bootstraps)), kp(key_plan(params, set.boot, p)) {}
  nn::Graph g = small_cnn();
  FeatureMap image = test_image();
  ParamSet set = param_set_by_name("test-boot-n12");
  ckks::Params params{set.params};
  Program p;
  KeyPlan kp;
};

TEST(ProgramCkks, BootstrapsAtTwoSlotCountsBeforeAndAfterTheStrideTwoConvMatchTheSimulation) {
  const ForcedBootstrapsCase c;
  const auto& [g, image, set, params, p, kp] = c;
  ASSERT_EQ(p.options.slots, 2048);
  ASSERT_EQ(p.bootstraps, 2);
  std::vector<int> boot_slots;
  for (const ProgramStep& s : p.steps) {
    if (s.op == ProgramOp::bootstrap) boot_slots.push_back(s.slots);
  }
  ASSERT_EQ(boot_slots, (std::vector<int>{256, 128}));
  EXPECT_EQ(kp.bootstrap_slots, (std::vector<int>{128, 256}));
  const auto [want, got] = run_both(params, p, image, set.boot);
  expect_agreement("small CNN, bootstraps at 256 and 128 of 2048 slots, N=2^12", want, got);
}

TEST(ProgramCkks, SessionBuildsEachBootstrapperAtItsFirstBootstrapAndFreesItAfterItsLast) {
  const ForcedBootstrapsCase c;
  const auto& [g, image, set, params, p, kp] = c;
  ASSERT_EQ(bootstraps_by_slots(p), (std::map<int, int>{{128, 1}, {256, 1}}));
  const ckks::KeyGenerator keygen(params);
  const ckks::EvaluationKeys keys{std::make_shared<const ckks::RelinKey>(keygen.relin_key()),
                                  std::make_shared<const ckks::GaloisKeys>(make_galois_keys(keygen, kp))};
  const ckks::Encryptor encryptor(params, keygen.public_key());
  const ckks::Decryptor decryptor(params, keygen.secret_key());
  const auto acts = ckks_program_activations(p);
  const auto tails = ckks_program_activation_tails(p);

  CkksSession session(params, keys.relin, keys.galois, set.boot, p);
  EXPECT_EQ(session.bootstrap_slots(), (std::vector<int>{128, 256}));
  EXPECT_EQ(session.live_bootstrappers(), std::vector<int>{256});  // the first bootstrap's, up front
  EXPECT_EQ(session.bootstrapper(128), nullptr);
  EXPECT_EQ(session.bootstrapper_builds(), 1);
  const auto packed = pack(p.input_layout, image);
  const ckks::Ciphertext in = encryptor.encrypt(
      session.encoder().encode(packed, p.options.fresh_level, params.default_scale(), packed.size()));
  // The live bootstrappers after every step: none is left after its count's last bootstrap.
  std::vector<std::vector<int>> live;
  const StepObserver observe = [&](std::size_t, const ProgramStep&, double, int) {
    live.push_back(session.live_bootstrappers());
  };
  const ckks::Ciphertext out = run_program<CkksBackend>(session.backend(), p, in, acts, observe, tails);
  std::vector<std::vector<int>> want_live;
  std::vector<int> alive{256};
  for (const ProgramStep& s : p.steps) {
    if (s.op == ProgramOp::bootstrap) alive.clear();  // each count bootstraps once here
    want_live.push_back(alive);
  }
  EXPECT_EQ(live, want_live);
  EXPECT_EQ(session.bootstrapper_builds(), 2);
  EXPECT_TRUE(session.live_bootstrappers().empty());

  // The same ciphertext, bit for bit, as with both bootstrappers built up front and kept.
  const ckks::Evaluator ev(params, keys);
  const ckks::Encoder enc(params);
  std::map<int, ckks::Bootstrapper> boots;
  for (int n : {128, 256}) {
    boots.emplace(std::piecewise_construct, std::forward_as_tuple(n),
                  std::forward_as_tuple(ev, enc, *set.boot, static_cast<std::size_t>(n)));
  }
  // The computed matrix memory is what the built bootstrappers hold; one of them at a time.
  const BootstrapperMemory mem = bootstrapper_memory(params, set.boot, p);
  for (const auto& [n, b] : boots) {
    EXPECT_EQ(mem.bytes_by_slots.at(n), b.matrix_bytes()) << n;
    EXPECT_EQ(b.matrix_bytes(), ckks::bootstrapper_matrix_bytes(params, *set.boot, static_cast<std::size_t>(n))) << n;
  }
  EXPECT_EQ(mem.peak_bytes, std::max(mem.bytes_by_slots.at(256), mem.bytes_by_slots.at(128)));
  EXPECT_EQ(mem.total_bytes, mem.bytes_by_slots.at(256) + mem.bytes_by_slots.at(128));
  CkksBackend eager(ev, enc, p.options.slots,
                    [&boots](const ckks::Ciphertext& ct, int n) { return boots.at(n).bootstrap(ct); });
  const ckks::Ciphertext want = run_program<CkksBackend>(eager, p, in, acts, {}, tails);
  EXPECT_EQ(out.parts, want.parts);
  EXPECT_EQ(out.level, want.level);
  EXPECT_EQ(out.scale, want.scale);

  // A second run rebuilds the released bootstrappers and gives the same ciphertext again.
  const ckks::Ciphertext again = run_program<CkksBackend>(session.backend(), p, in, acts, {}, tails);
  EXPECT_EQ(again.parts, out.parts);
  EXPECT_EQ(session.bootstrapper_builds(), 4);
  EXPECT_TRUE(session.live_bootstrappers().empty());
  expect_agreement("small CNN, lazily built bootstrappers at 256 and 128 slots, N=2^12", simulate_logits(p, image),
                   unpack_logits(p.head, session.encoder().decode_real(decryptor.decrypt(out))));
}

TEST(ProgramCkks, SessionWithOneBootstrapSlotCountKeepsItsBootstrapperForTheNextRun) {
  const ForcedBootstrapsCase c(false);
  const auto& [g, image, set, params, p, kp] = c;
  ASSERT_EQ(bootstraps_by_slots(p), (std::map<int, int>{{2048, 2}}));
  const ckks::KeyGenerator keygen(params);
  CkksSession session(params, std::make_shared<const ckks::RelinKey>(keygen.relin_key()),
                      std::make_shared<const ckks::GaloisKeys>(make_galois_keys(keygen, kp)), set.boot, p);
  const ckks::Encryptor encryptor(params, keygen.public_key());
  const auto packed = pack(p.input_layout, image);
  const ckks::Ciphertext in = encryptor.encrypt(
      session.encoder().encode(packed, p.options.fresh_level, params.default_scale(), packed.size()));
  for (int run = 0; run < 2; ++run) {
    run_program<CkksBackend>(session.backend(), p, in, ckks_program_activations(p), {}, ckks_program_activation_tails(p));
    EXPECT_EQ(session.live_bootstrappers(), std::vector<int>{2048}) << run;
  }
  EXPECT_EQ(session.bootstrapper_builds(), 1);
  EXPECT_THROW(session.backend().bootstrap(in, 1024), Error);  // not a count of the program
}

TEST(ProgramCkks, RunEncryptedMatchesTheSimulationImageByImage) {
  const ForcedBootstrapsCase c;
  const auto& [g, image, set, params, p, kp] = c;
  // Two images: the test image and its half (inside the sites' ranges).
  nn::Tensor images = nn::zeros({2, 3, 8, 8});
  for (std::size_t i = 0; i < image.data.size(); ++i) {
    images.data[i] = static_cast<float>(image.data[i]);
    images.data[image.data.size() + i] = static_cast<float>(0.5 * image.data[i]);
  }
  EXPECT_THROW(run_encrypted(params, set.boot, p, kp, images, 3), Error);  // before any keygen

  std::size_t steps = 0, setups = 0;
  std::vector<std::size_t> seen;
  EncryptedRunHooks hooks;
  hooks.on_setup = [&](double, const CkksSession& s) {
    ++setups;
    EXPECT_EQ(s.live_bootstrappers(), std::vector<int>{256});
  };
  hooks.on_step = [&](std::size_t, const ProgramStep&, double, int) { ++steps; };
  hooks.on_image = [&](std::size_t i, const he::EncryptedImage&) { seen.push_back(i); };
  const EncryptedRun r = run_encrypted(params, set.boot, p, kp, images, 2, hooks);
  EXPECT_EQ(setups, 1u);
  EXPECT_EQ(steps, 2 * p.steps.size());
  EXPECT_EQ(seen, (std::vector<std::size_t>{0, 1}));
  ASSERT_EQ(r.images.size(), 2u);
  EXPECT_EQ(r.bootstrapper_builds, 4);  // 256 up front, 128, then both again for the second image
  EXPECT_GT(r.eval_key_bytes, 0.0);
  EXPECT_GT(r.infer_seconds, 0.0);
  for (std::int64_t i = 0; i < 2; ++i) {
    const auto& got = r.images[static_cast<std::size_t>(i)];
    EXPECT_EQ(got.simulated_logits, simulate_logits(p, image_map(images, i))) << i;
    expect_agreement("run_encrypted, small CNN at 256 and 128 slots, N=2^12", got.simulated_logits, got.logits);
  }
}

// A dense (uniform ternary) secret bootstraps only with sparse-secret encapsulation: run_encrypted
// makes the encapsulation keys the set's literal asks for and every stage's bootstrapper (each with
// its own evaluator over the stage's keys) uses them.
TEST(ProgramCkks, RunEncryptedWithADenseSecretBootstrapsThroughEncapsulation) {
  nn::Graph g = small_cnn();
  const FeatureMap image = test_image();
  ParamSet set = param_set_by_name("test-boot-n12");
  set.params.secret = ckks::SecretDistribution::uniform_ternary;
  set.boot->ephemeral_hamming_weight = 32;
  const ckks::Params params(set.params);
  const Program p = forced_bootstraps_program(g, image, set, true);
  ASSERT_EQ(p.bootstraps, 2);
  const KeyPlan kp = key_plan(params, set.boot, p, KeyResidency::per_stage);
  nn::Tensor images = nn::zeros({1, 3, 8, 8});
  for (std::size_t i = 0; i < image.data.size(); ++i) images.data[i] = static_cast<float>(image.data[i]);
  const EncryptedRun r = run_encrypted(params, set.boot, p, kp, images, 1);
  ASSERT_EQ(r.images.size(), 1u);
  EXPECT_EQ(r.bootstrapper_builds, 2);
  EXPECT_TRUE(kp.encapsulation);
  EXPECT_NEAR(r.eval_key_bytes, kp.bytes, 0.0);  // the key plan counts the two encapsulation keys
  const KeyPlan plain = key_plan(params, param_set_by_name("test-boot-n12").boot, p, KeyResidency::per_stage);
  EXPECT_FALSE(plain.encapsulation);
  // s -> s_e over q_0 p_0 (b and a: 2 x 2 limbs) and s_e -> s at the top level.
  EXPECT_NEAR(kp.bytes - plain.bytes, 4.0 * 8.0 * static_cast<double>(params.n()) + switching_key_bytes(params), 0.0);
  expect_agreement("run_encrypted, dense secret with encapsulation, small CNN, N=2^12", r.images[0].simulated_logits,
                   r.images[0].logits);
}

TEST(ProgramCkks, RunEncryptedWithKeysPerStageLoadsEachStagesKeysWithItsBootstrapper) {
  const ForcedBootstrapsCase c;
  const auto& [g, image, set, params, p, kp_together] = c;
  const KeyPlan kp = key_plan(params, set.boot, p, KeyResidency::per_stage);
  ASSERT_EQ(kp.stage_key_level.size(), 2u);
  // The whole-run set lacks the bootstrappers' steps: a bootstrapper could not be built from it.
  for (const auto& [n, levels] : kp.stage_key_level) {
    for (const auto& [step, level] : levels) {
      if (std::find(p.rotation_steps.begin(), p.rotation_steps.end(), step) == p.rotation_steps.end()) {
        EXPECT_EQ(kp.key_level.count(step), 0u) << step;
      }
    }
  }
  nn::Tensor images = nn::zeros({1, 3, 8, 8});
  for (std::size_t i = 0; i < image.data.size(); ++i) images.data[i] = static_cast<float>(image.data[i]);
  // The stage key files go to a private directory under TMPDIR, removed afterwards.
  const std::filesystem::path tmp = std::filesystem::temp_directory_path() / ("ola-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  const std::string old_tmpdir = ::getenv("TMPDIR") != nullptr ? ::getenv("TMPDIR") : "";
  ::setenv("TMPDIR", tmp.c_str(), 1);
  const EncryptedRun r = run_encrypted(params, set.boot, p, kp, images, 1);
  if (old_tmpdir.empty()) {
    ::unsetenv("TMPDIR");
  } else {
    ::setenv("TMPDIR", old_tmpdir.c_str(), 1);
  }
  EXPECT_TRUE(std::filesystem::is_empty(tmp));
  std::filesystem::remove_all(tmp);
  ASSERT_EQ(r.images.size(), 1u);
  EXPECT_EQ(r.bootstrapper_builds, 2);
  EXPECT_NEAR(r.eval_key_bytes, kp.bytes, 0.0);  // every stage's keys were made, at their levels
  expect_agreement("run_encrypted with keys per stage, small CNN at 256 and 128 slots, N=2^12",
                   r.images[0].simulated_logits, r.images[0].logits);
  // A session whose loader has no keys for a stage fails when that stage's bootstrapper is built.
  const ckks::KeyGenerator keygen(params);
  EXPECT_THROW(CkksSession(params, std::make_shared<const ckks::RelinKey>(keygen.relin_key()),
                           std::make_shared<const ckks::GaloisKeys>(make_galois_keys(keygen, kp)), set.boot, p,
                           [&](int) { return std::make_shared<const ckks::GaloisKeys>(make_galois_keys(keygen, kp)); }),
               ckks::OperandError);
}

/// A degree-3 minimax GELU per site on the image's observed range plus 20%.
std::vector<approx::Approximation> gelu_sites(const nn::Graph& g, const FeatureMap& image, int degree) {
  std::vector<approx::Approximation> sites;
  for (const auto& [lo, hi] : site_ranges(g, image)) {
    sites.push_back(approx::make_minimax(approx::Activation::gelu, degree, 1.2 * lo - 1e-3, 1.2 * hi + 1e-3));
  }
  return sites;
}

std::vector<approx::Approximation> cubic_gelu_sites(const nn::Graph& g, const FeatureMap& image) {
  return gelu_sites(g, image, 3);
}

/// A 3x16x16 input for the tiny ConvNeXt: pixel i is f(i).
FeatureMap tiny_convnext_image(const std::function<double(double)>& f) {
  FeatureMap image = zero_feature_map(3, 16, 16);
  for (std::size_t i = 0; i < image.data.size(); ++i) image.data[i] = f(static_cast<double>(i));
  return image;
}

/// Compiles g with `sites` for test-boot-n12 at `slots` (0: N/2), checks that the encrypted run
/// agrees with the simulation, and returns the program.
Program expect_boot_n12_agreement(const nn::Graph& g, const std::vector<approx::Approximation>& sites,
                                  const FeatureMap& image, int slots, const std::string& what) {
  const ParamSet set = param_set_by_name("test-boot-n12");
  const ckks::Params params(set.params);
  Program p = compile_program(g, sites, program_options_for(params, set.boot, slots, true));
  const auto [want, got] = run_both(params, p, image, set.boot);
  expect_agreement(what.c_str(), want, got);
  return p;
}

TEST(ProgramCkks, TinyConvNextWithBootstrapsMatchesTheSimulation) {
  // Depthwise 7x7 and 2x2 stride-2 convs, folded layer scales and BatchNorms, degree-3 GELUs:
  // 13 levels in windows of 4 (test-boot-n12), so the compiler bootstraps between layers.
  const nn::Graph g = nn::test::tiny_convnext();
  const FeatureMap image = tiny_convnext_image([](double i) { return std::sin(0.37 * i); });
  const Program p = expect_boot_n12_agreement(g, cubic_gelu_sites(g, image), image, 0, "tiny ConvNeXt, N=2^12 with bootstraps");
  EXPECT_GE(p.bootstraps, 3);
}

TEST(ProgramCkks, TinyConvNextWithASplitExpansionMatchesTheSimulation) {
  // Expansion 8 at 1024 of 2048 slots: block 1's expansion is split over two registers (each
  // bootstrapped on its own where levels run out), summed back by pw2.
  const nn::Graph g = nn::test::tiny_convnext(8);
  const FeatureMap image = tiny_convnext_image([](double i) { return std::cos(0.23 * i); });
  const Program p = expect_boot_n12_agreement(g, cubic_gelu_sites(g, image), image, 1024,
                                              "tiny ConvNeXt with a split expansion, N=2^12, 1024 slots");
  EXPECT_EQ(std::count_if(p.steps.begin(), p.steps.end(), [](const ProgramStep& s) { return s.op == ProgramOp::sum; }), 1);
}

TEST(ProgramCkks, TinyConvNextWithPerChannelCubicsMatchesTheSimulation) {
  // Every GELU channel its own cubic, evaluated with per-slot coefficient plaintexts (depth 2, as one
  // cubic), on a split expansion with bootstraps: the encrypted logits are the simulation's.
  const nn::Graph g = nn::test::tiny_convnext(8);
  const FeatureMap image = tiny_convnext_image([](double i) { return std::sin(0.29 * i + 1.0); });
  const Program p = expect_boot_n12_agreement(g, testing::per_channel_sites(g, cubic_gelu_sites(g, image)), image, 1024,
                                              "tiny ConvNeXt with per-channel cubics, N=2^12, 1024 slots");
  EXPECT_GE(p.bootstraps, 3);
}

TEST(ProgramCkks, TinyConvNextWithPerChannelDegreeSevenPolynomialsMatchesTheSimulation) {
  // Degree 7 per channel: q T_4 + r with two per-slot cubics, depth 3 (one level more than a cubic).
  const nn::Graph g = nn::test::tiny_convnext(8);
  const FeatureMap image = tiny_convnext_image([](double i) { return std::sin(0.29 * i + 1.0); });
  const Program p = expect_boot_n12_agreement(g, testing::per_channel_sites(g, gelu_sites(g, image, 7)), image, 1024,
                                              "tiny ConvNeXt with per-channel degree-7 polynomials, N=2^12, 1024 slots");
  EXPECT_GE(p.bootstraps, 3);
}

TEST(ProgramCkks, NarrowChannelsOnTheirOwnIntervalsAfterAResidualAddMatchTheSimulation) {
  // Output channel 0 of both convolutions at 2% of the others: channel 0 of relu_0 and relu_1 spans
  // a small part of its site's interval, where its degree-7 polynomial's coefficients would be far
  // too large for CKKS (the error gain the compiler refuses); the convolutions map every channel
  // onto its own interval instead (relu_1's other addend scaled per channel), and the encrypted
  // logits are the simulation's. relu_2 (reading two activations) has one polynomial.
  const nn::Graph g = testing::residual_cnn(0.02f);
  const FeatureMap image = test_image();
  nn::Tensor t = nn::zeros({1, image.channels, image.height, image.width});
  std::copy(image.data.begin(), image.data.end(), t.data.begin());
  auto sites = testing::fit_channel_sites(g, t, 7);
  sites[2].channels.clear();
  for (std::size_t s : {0U, 1U}) {
    EXPECT_GT(approx::per_channel_error_gain(sites[s], approx::ChannelBasis::site_interval),
              100 * approx::kMaxPerChannelErrorGain);
  }
  const Program p = expect_boot_n12_agreement(g, sites, image, 0, "narrow channels on their own intervals, N=2^12");
  EXPECT_TRUE(p.activations[0].channel_basis);
  EXPECT_TRUE(p.activations[1].channel_basis);
  EXPECT_GE(p.bootstraps, 2);
}

TEST(ProgramCkks, CompositeReluSplitByABootstrapMatchesTheSimulationAndTheUnsplitProgram) {
  const nn::Graph g = small_cnn();
  const FeatureMap image = test_image();
  // test-boot-n12: 4 levels after a bootstrap; composite alpha 6 has depth 6 (stages of depth 2 and
  // 3, + 1): split after its first stage. conv (3), head (1), bootstrap (4), tail (0), bootstrap
  // for conv 2 (4 -> 3), minimax d3 (1), pool_fc (0): 2 bootstraps.
  const auto sites = composite_and_minimax(g, image, 6, 3);
  const ParamSet set = param_set_by_name("test-boot-n12");
  const ckks::Params params(set.params);
  const Program p = compile_program(g, sites, program_options_for(params, set.boot, 512));
  ASSERT_EQ(p.bootstraps, 2);
  ASSERT_EQ(p.activations[0].split, 1);
  ASSERT_EQ(p.activations[0].head_depth, 2);
  ASSERT_EQ(p.activations[1].split, 0);
  std::vector<ProgramOp> ops;
  for (const ProgramStep& s : p.steps) {
    ops.push_back(s.op);
    EXPECT_EQ(s.level_before - s.level_after, s.op == ProgramOp::bootstrap ? s.level_before - 4 : step_depth(p, s));
  }
  const std::vector<ProgramOp> want_ops{ProgramOp::conv,      ProgramOp::activation, ProgramOp::bootstrap,
                                        ProgramOp::activation_tail, ProgramOp::bootstrap, ProgramOp::conv,
                                        ProgramOp::activation, ProgramOp::pool_fc};
  EXPECT_EQ(ops, want_ops);
  EXPECT_EQ(p.steps[3].level_after, 0);

  // The split computes the same function as the whole composite (a window where it fits).
  const Program whole = compile_program(g, sites, options(512, 16, 12, false));
  ASSERT_EQ(whole.activations[0].split, 0);
  const auto split_logits = simulate_logits(p, image);
  const auto whole_logits = simulate_logits(whole, image);
  for (std::size_t j = 0; j < whole_logits.size(); ++j) EXPECT_NEAR(split_logits[j], whole_logits[j], 1e-9) << j;

  // Without its tails the split program is refused.
  SlotSimBackend sim({512, 4, 4, 40, std::nullopt});
  EXPECT_THROW(run_program<SlotSimBackend>(sim, p, sim.encrypt(pack(p.input_layout, image)),
                                           sim_program_activations(p)),
               Error);

  const auto [want, got] = run_both(params, p, image, set.boot);
  expect_agreement("small CNN, composite ReLU alpha 6 split by a bootstrap (512 slots), N=2^12", want, got);
}

TEST(ProgramCkks, MalformedActivationsAreRefusedForCkks) {
  Program p;
  ProgramActivation a;
  a.approximation.kind = approx::Kind::composite_relu;  // no stages
  p.activations.push_back(a);
  EXPECT_THROW(ckks_program_activations(p), Error);
  p.activations[0].approximation = approx::make_minimax(approx::Activation::relu, 3, -1.0, 1.0);
  p.activations[0].approximation.stages.push_back(p.activations[0].approximation.stages[0]);
  EXPECT_THROW(ckks_program_activations(p), Error);
  p.activations[0].approximation = approx::make_composite_relu(4, -1.0, 1.0);
  EXPECT_NO_THROW(ckks_program_activations(p));
}

}  // namespace
}  // namespace ola::he
