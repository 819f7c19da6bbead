// The whole bootstrapping algorithm in plain complex arithmetic (no encryption): raised
// coefficients t = Delta m + q0 I go through CoeffToSlot, the real/imaginary split, EvalMod and
// SlotToCoeff, and must come back to the message slots, for full and sparse slot counts.
#include "ckks/boot/boot_matrices.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "ckks/boot/eval_mod.h"
#include "ckks/boot/special_dft.h"
#include "util/error.h"

namespace ola::ckks {
namespace {

struct PipelineResult {
  double max_error = 0;
  double periodicity_error = 0;  // sparse: distance of the 2n-vector from being n-periodic
};

PipelineResult run_plain_pipeline(int slots, int max_slots, int levels, const EvalModPoly& em, double log_delta,
                                  double log_q0, std::uint64_t seed) {
  const BootMatrices bm = make_boot_matrices(slots, max_slots, levels, levels);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  const int n = slots, k = em.literal.k_range;
  std::uniform_int_distribution<int> ui(-(k - 1), k - 1);
  ComplexVector z(n);
  for (auto& c : z) c = {u(rng), u(rng)};
  // w = V^-1 z (tested separately), coefficients (Re w | Im w) times Delta, plus q0 I.
  ComplexVector w = z;
  for (const auto& s : idft_stages(n)) w = apply_matrix(s, w);
  bit_reverse_inplace(w);
  const double delta = std::ldexp(1.0, static_cast<int>(log_delta));
  const double q0 = std::ldexp(1.0, static_cast<int>(log_q0));
  ComplexVector raised(n);  // t / (q0 K), as complex pairs
  for (int i = 0; i < n; ++i) {
    const double re = (delta * w[i].real() + q0 * ui(rng)) / (q0 * k);
    const double im = (delta * w[i].imag() + q0 * ui(rng)) / (q0 * k);
    raised[i] = {re, im};
  }
  ComplexVector x = special_dft_direct(raised);  // the slots a raised ciphertext decrypts to
  if (bm.sparse) {
    ComplexVector big(bm.dim);
    for (int p = 0; p < bm.dim; ++p) big[p] = x[p % n];
    x = big;
  }
  for (const auto& f : bm.cts) x = apply_matrix(f, x);
  const double factor = q0 / delta;  // message coefficient = (x - I) q0 / Delta
  const auto mod = [&](double r) { return static_cast<double>(eval_mod_plain(em, k * r)) * factor; };
  ComplexVector y(bm.dim);
  if (bm.sparse) {
    for (int p = 0; p < bm.dim; ++p) y[p] = mod((x[p] + std::conj(x[p])).real());
  } else {
    for (int p = 0; p < bm.dim; ++p) {
      const Complex re = x[p] + std::conj(x[p]);
      const Complex im = Complex(0, -1) * (x[p] - std::conj(x[p]));
      y[p] = Complex(mod(re.real()), mod(im.real()));
    }
  }
  for (const auto& f : bm.stc) y = apply_matrix(f, y);
  PipelineResult r;
  for (int p = 0; p < bm.dim; ++p) {
    r.max_error = std::max(r.max_error, std::abs(y[p] - z[p % n]));
    r.periodicity_error = std::max(r.periodicity_error, std::abs(y[p] - y[p % n]));
  }
  return r;
}

TEST(BootMatrices, ShapesAndLevels) {
  const BootMatrices full = make_boot_matrices(2048, 2048, 3, 2);
  EXPECT_FALSE(full.sparse);
  EXPECT_EQ(full.dim, 2048);
  EXPECT_EQ(full.cts.size(), 3u);
  EXPECT_EQ(full.stc.size(), 2u);
  const BootMatrices sparse = make_boot_matrices(256, 2048, 3, 3);
  EXPECT_TRUE(sparse.sparse);
  EXPECT_EQ(sparse.dim, 512);
  for (const auto& m : sparse.cts) EXPECT_EQ(m.dim, 512);
  EXPECT_THROW(make_boot_matrices(3000, 2048, 3, 3), Error);
  EXPECT_THROW(make_boot_matrices(256, 2048, 0, 3), Error);
  EXPECT_THROW(make_boot_matrices(256, 2048, 3, 9), Error);
}

TEST(BootMatrices, FullSlotPipelineRecoversTheMessage) {
  const EvalModPoly em = make_eval_mod({});
  const auto r = run_plain_pipeline(2048, 2048, 3, em, 40, 50, 11);
  EXPECT_LT(std::log2(r.max_error), -25) << r.max_error;
}

TEST(BootMatrices, SparseSlotPipelineRecoversTheMessageAndStaysPeriodic) {
  // Few slots mean large coefficients (|w_k| ~ |z| / sqrt(n)), where the sine's cubic error
  // shows: the arcsine correction removes it.
  const EvalModPoly em = make_eval_mod({.arcsine_degree = 3});
  for (int slots : {4, 64, 512}) {
    const auto r = run_plain_pipeline(slots, 2048, 2, em, 40, 50, 12 + slots);
    EXPECT_LT(std::log2(r.max_error), -25) << "slots " << slots;
    EXPECT_LT(r.periodicity_error, 1e-6) << "slots " << slots;
  }
}

TEST(BootMatrices, PipelineDetectsAWrongModulusRatio) {
  // Same pipeline, but with Delta close to q0 the sine's cubic error dominates: the precision
  // drops by many bits, so the pipeline test above is sensitive to EvalMod's accuracy.
  const EvalModPoly em = make_eval_mod({});
  const auto good = run_plain_pipeline(512, 2048, 2, em, 40, 50, 21);
  const auto bad = run_plain_pipeline(512, 2048, 2, em, 48, 50, 21);
  EXPECT_GT(bad.max_error, 1000 * good.max_error);
}

}  // namespace
}  // namespace ola::ckks
