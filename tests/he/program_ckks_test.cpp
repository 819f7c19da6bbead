// The compiled small CNN encrypted (test-only N = 2^13, 7 levels, no bootstrap) against the same
// program on the slot simulator: same class, logits within a stated bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>

#include "approx/wls.h"
#include "ckks/core/ckks.h"
#include "he/ckks_backend.h"
#include "he/program/activations.h"
#include "he/program/program.h"
#include "he/program/run_program.h"
#include "he/slot_sim_backend.h"
#include "nn/exec/executor.h"
#include "nn/onnx/onnx_import.h"
#include "nn/onnx_builder.h"
#include "util/error.h"

namespace ola::he {
namespace {

ProgramOptions options(int slots, int fresh_level, int boot_level, bool allow_bootstrap = true) {
  ProgramOptions o;
  o.slots = slots;
  o.fresh_level = fresh_level;
  o.boot_level = boot_level;
  o.allow_bootstrap = allow_bootstrap;
  return o;
}

nn::Graph small_cnn() {
  nn::test::OnnxBuilder b({3, 8, 8});
  b.random("w1", {4, 3, 3, 3}, 0.5f);
  b.random("b1", {4}, 0.3f);
  b.random("w2", {8, 4, 3, 3}, 0.5f);
  b.random("b2", {8}, 0.3f);
  b.random("fc", {10, 8}, 0.8f);
  b.random("fc_b", {10}, 0.2f);
  auto& c1 = b.node("Conv", {"input", "w1", "b1"}, "c1", "/c1");
  nn::test::OnnxBuilder::attr(c1, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  b.node("Relu", {"c1"}, "r1", "/r1");
  auto& c2 = b.node("Conv", {"r1", "w2", "b2"}, "c2", "/c2");
  nn::test::OnnxBuilder::attr(c2, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  nn::test::OnnxBuilder::attr(c2, "strides", std::vector<std::int64_t>{2, 2});
  b.node("Relu", {"c2"}, "r2", "/r2");
  b.node("GlobalAveragePool", {"r2"}, "p");
  auto& fl = b.node("Flatten", {"p"}, "f");
  nn::test::OnnxBuilder::attr(fl, "axis", std::int64_t{1});
  auto& gemm = b.node("Gemm", {"f", "fc", "fc_b"}, "logits");
  nn::test::OnnxBuilder::attr(gemm, "transB", std::int64_t{1});
  b.output("logits");
  return nn::import_onnx_bytes(b.bytes(), "small_cnn.onnx");
}

TEST(ProgramCkks, SmallCnnEncryptedMatchesTheSimulation) {
  const nn::Graph g = small_cnn();
  FeatureMap image = zero_feature_map(3, 8, 8);
  for (std::size_t i = 0; i < image.data.size(); ++i) image.data[i] = std::sin(0.7 * static_cast<double>(i));
  nn::Tensor t = nn::zeros({1, 3, 8, 8});
  std::copy(image.data.begin(), image.data.end(), t.data.begin());
  std::vector<double> lo(2, 0.0), hi(2, 0.0);
  nn::RunHooks hooks;
  hooks.observe_site_input = [&](int s, const nn::Tensor& x) {
    const auto [mn, mx] = std::minmax_element(x.data.begin(), x.data.end());
    lo[static_cast<std::size_t>(s)] = *mn;
    hi[static_cast<std::size_t>(s)] = *mx;
  };
  nn::run_model(g, t, {}, hooks);
  std::vector<approx::Approximation> sites;
  for (int s = 0; s < 2; ++s) {
    const double m = 0.1 * (hi[s] - lo[s]) + 1e-3;
    sites.push_back(approx::make_minimax(approx::Activation::relu, 3, lo[s] - m, hi[s] + m));
  }

  const ckks::Params params(ckks::test_literal_n13());
  const int slots = static_cast<int>(params.max_slots());
  const Program p = compile_program(g, sites, options(slots, params.max_level(), 1, false));
  ASSERT_EQ(p.bootstraps, 0);

  // Simulation of the same program.
  SlotSimBackend sim({slots, p.options.fresh_level, 1, 40, std::nullopt});
  const auto sim_acts = sim_program_activations(p);
  const auto want = unpack_logits(
      p.head, sim.decrypt(run_program<SlotSimBackend>(sim, p, sim.encrypt(pack(p.input_layout, image)), sim_acts)));

  // Encrypted: only the program's rotation keys exist.
  const ckks::KeyGenerator keygen(params);
  const ckks::Encoder encoder(params);
  const ckks::Encryptor encryptor(params, keygen.public_key());
  const ckks::Decryptor decryptor(params, keygen.secret_key());
  const ckks::Evaluator ev(params, {std::make_shared<const ckks::RelinKey>(keygen.relin_key()),
                                    std::make_shared<const ckks::GaloisKeys>(keygen.galois_keys(p.rotation_steps))});
  CkksBackend be(ev, encoder, slots);
  const auto acts = ckks_program_activations(p);
  const auto packed = pack(p.input_layout, image);
  const ckks::Ciphertext in =
      encryptor.encrypt(encoder.encode(packed, params.max_level(), params.default_scale(), packed.size()));
  const ckks::Ciphertext out = run_program<CkksBackend>(be, p, in, acts);
  const auto got = unpack_logits(p.head, encoder.decode_real(decryptor.decrypt(out)));

  double err = 0.0, scale = 0.0;
  for (std::size_t j = 0; j < want.size(); ++j) {
    err = std::max(err, std::abs(got[j] - want[j]));
    scale = std::max(scale, std::abs(want[j]));
  }
  std::cout << "small CNN N=2^13: max logit error " << err << " (" << -std::log2(err / scale)
            << " bits below max |logit| " << scale << ")\n";
  // Bound: scale 2^40 with 40-bit primes leaves ~2^-20 relative error after 7 levels; we require 2^-12.
  EXPECT_LT(err, std::ldexp(scale, -12));
  EXPECT_EQ(std::max_element(got.begin(), got.end()) - got.begin(),
            std::max_element(want.begin(), want.end()) - want.begin());
}

TEST(ProgramCkks, CompositeReluIsRefusedForCkks) {
  Program p;
  ProgramActivation a;
  a.approximation.kind = approx::Kind::composite_relu;
  a.approximation.stages.resize(2);
  p.activations.push_back(a);
  EXPECT_THROW(ckks_program_activations(p), Error);
}

}  // namespace
}  // namespace ola::he
