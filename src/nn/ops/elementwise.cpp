#include "nn/ops/elementwise.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "approx/compiled.h"
#include "approx/fit_error.h"

#include "util/error.h"

namespace ola::nn {
namespace {

int thread_count(int threads) { return threads > 0 ? threads : omp_get_max_threads(); }

template <class F>
void binary_loop(const Tensor& a, const Tensor& b, Tensor& y, int threads, F f) {
  const std::int64_t n = y.size();
  const float* pa = a.data.data();
  const float* pb = b.data.data();
  float* py = y.data.data();
  if (a.shape == y.shape && b.shape == y.shape) {
#pragma omp parallel for simd num_threads(thread_count(threads)) schedule(static) if (n > 65536)
    for (std::int64_t i = 0; i < n; ++i) py[i] = f(pa[i], pb[i]);
    return;
  }
  if (b.size() == 1 && a.shape == y.shape) {
    const float s = pb[0];
#pragma omp parallel for simd num_threads(thread_count(threads)) schedule(static) if (n > 65536)
    for (std::int64_t i = 0; i < n; ++i) py[i] = f(pa[i], s);
    return;
  }
  if (a.size() == 1 && b.shape == y.shape) {
    const float s = pa[0];
#pragma omp parallel for simd num_threads(thread_count(threads)) schedule(static) if (n > 65536)
    for (std::int64_t i = 0; i < n; ++i) py[i] = f(s, pb[i]);
    return;
  }
  // General broadcast: strides of a and b over y's axes (0 where broadcast), innermost axis in a loop.
  const std::size_t r = y.shape.size();
  std::vector<std::int64_t> sa(r, 0), sb(r, 0);
  for (std::int64_t i = static_cast<std::int64_t>(r) - 1, st_a = 1, st_b = 1; i >= 0; --i) {
    const std::size_t u = static_cast<std::size_t>(i);
    const std::int64_t ia = i - static_cast<std::int64_t>(r - a.shape.size());
    const std::int64_t ib = i - static_cast<std::int64_t>(r - b.shape.size());
    const std::int64_t da = ia >= 0 ? a.shape[static_cast<std::size_t>(ia)] : 1;
    const std::int64_t db = ib >= 0 ? b.shape[static_cast<std::size_t>(ib)] : 1;
    sa[u] = da == 1 ? 0 : st_a;
    sb[u] = db == 1 ? 0 : st_b;
    st_a *= da;
    st_b *= db;
  }
  const std::int64_t inner = r ? y.shape[r - 1] : 1;
  const std::int64_t outer = inner ? n / inner : 0;
#pragma omp parallel for num_threads(thread_count(threads)) schedule(static) if (n > 65536)
  for (std::int64_t o = 0; o < outer; ++o) {
    std::int64_t rem = o, oa = 0, ob = 0;
    for (std::int64_t i = static_cast<std::int64_t>(r) - 2; i >= 0; --i) {
      const std::size_t u = static_cast<std::size_t>(i);
      const std::int64_t idx = rem % y.shape[u];
      rem /= y.shape[u];
      oa += idx * sa[u];
      ob += idx * sb[u];
    }
    const std::int64_t ia = r ? sa[r - 1] : 0, ib = r ? sb[r - 1] : 0;
    for (std::int64_t k = 0; k < inner; ++k) py[o * inner + k] = f(pa[oa + k * ia], pb[ob + k * ib]);
  }
}

}  // namespace

Tensor binary(OpKind op, const Tensor& a, const Tensor& b, const Shape& out_shape, int threads) {
  Tensor y;
  y.shape = out_shape;
  y.data.resize(static_cast<std::size_t>(numel(out_shape)));
  switch (op) {
    case OpKind::add: binary_loop(a, b, y, threads, [](float u, float v) { return u + v; }); break;
    case OpKind::sub: binary_loop(a, b, y, threads, [](float u, float v) { return u - v; }); break;
    case OpKind::mul: binary_loop(a, b, y, threads, [](float u, float v) { return u * v; }); break;
    case OpKind::div: binary_loop(a, b, y, threads, [](float u, float v) { return u / v; }); break;
    default: OLA_CHECK(false, "binary: op " << to_string(op) << " is not binary");
  }
  return y;
}

void activation_inplace(Tensor& t, approx::Activation act, int threads) {
  const std::int64_t n = t.size();
  float* p = t.data.data();
  switch (act) {
    case approx::Activation::relu:
#pragma omp parallel for simd num_threads(thread_count(threads)) schedule(static) if (n > 65536)
      for (std::int64_t i = 0; i < n; ++i) p[i] = p[i] > 0.0f ? p[i] : 0.0f;
      break;
    case approx::Activation::gelu:
#pragma omp parallel for num_threads(thread_count(threads)) schedule(static) if (n > 16384)
      for (std::int64_t i = 0; i < n; ++i) p[i] = p[i] * 0.5f * (1.0f + std::erf(p[i] * 0.70710678118654752f));
      break;
    case approx::Activation::silu:
#pragma omp parallel for num_threads(thread_count(threads)) schedule(static) if (n > 16384)
      for (std::int64_t i = 0; i < n; ++i) p[i] = p[i] / (1.0f + std::exp(-p[i]));
      break;
  }
}

namespace {

// Channel c of every image by a.channels[c] (compiled once per channel), images x channels in parallel.
std::uint64_t approximate_per_channel_inplace(Tensor& t, const approx::Approximation& a, int threads) {
  const std::int64_t channels = static_cast<std::int64_t>(a.channels.size());
  if (t.shape.size() < 2 || t.shape[1] != channels) {
    throw approx::FitError(ola::mismatch("approximate_inplace", "input channels of " + a.label(),
                                         std::to_string(channels), t.shape.size() < 2 ? -1 : t.shape[1]));
  }
  std::vector<approx::CompiledApproximation> compiled;
  compiled.reserve(a.channels.size());
  for (std::size_t c = 0; c < a.channels.size(); ++c) compiled.push_back(approx::compile(approx::channel_approximation(a, c)));
  const std::int64_t planes = t.shape[0] * channels;
  const std::int64_t inner = planes > 0 ? t.size() / planes : 0;
  float* p = t.data.data();
  std::uint64_t outside = 0;
#pragma omp parallel for num_threads(thread_count(threads)) schedule(static) reduction(+ : outside) if (planes > 1)
  for (std::int64_t plane = 0; plane < planes; ++plane) {
    const std::size_t c = static_cast<std::size_t>(plane % channels);
    const double lo = a.channels[c].lo, hi = a.channels[c].hi;
    float* q = p + plane * inner;
    for (std::int64_t i = 0; i < inner; ++i) outside += (q[i] < lo || q[i] > hi) ? 1u : 0u;
    const std::span<float> part(q, static_cast<std::size_t>(inner));
    approx::evaluate(compiled[c], part, part);
  }
  return outside;
}

}  // namespace

std::uint64_t approximate_inplace(Tensor& t, const approx::Approximation& a, int threads) {
  if (a.kind == approx::Kind::exact) {
    activation_inplace(t, a.activation, threads);
    return 0;
  }
  if (a.has_channel_polys()) return approximate_per_channel_inplace(t, a, threads);
  // Compile once (the CKKS schedule order, approx/compiled.h), then evaluate in parallel chunks.
  const approx::CompiledApproximation compiled = approx::compile(a);
  const std::int64_t n = t.size();
  constexpr std::int64_t kChunk = 4096;
  const std::int64_t chunks = (n + kChunk - 1) / kChunk;
  float* p = t.data.data();
  const double lo = a.lo, hi = a.hi;
  std::uint64_t outside = 0;
#pragma omp parallel for num_threads(thread_count(threads)) schedule(static) reduction(+ : outside) if (chunks > 1)
  for (std::int64_t c = 0; c < chunks; ++c) {
    const std::int64_t i0 = c * kChunk, len = std::min(kChunk, n - i0);
    for (std::int64_t i = i0; i < i0 + len; ++i) outside += (p[i] < lo || p[i] > hi) ? 1u : 0u;
    const std::span<float> part(p + i0, static_cast<std::size_t>(len));
    approx::evaluate(compiled, part, part);
  }
  return outside;
}

void erf_inplace(Tensor& t, int threads) {
  const std::int64_t n = t.size();
  float* p = t.data.data();
#pragma omp parallel for num_threads(thread_count(threads)) schedule(static) if (n > 16384)
  for (std::int64_t i = 0; i < n; ++i) p[i] = std::erf(p[i]);
}

void affine_inplace(Tensor& t, const AffineAttrs& a, int threads) {
  const std::int64_t batch = t.shape[0], c = t.shape[1];
  const std::int64_t inner = batch * c > 0 ? t.size() / (batch * c) : 0;
  float* p = t.data.data();
#pragma omp parallel for num_threads(thread_count(threads)) schedule(static)
  for (std::int64_t bc = 0; bc < batch * c; ++bc) {
    const float s = a.scale[static_cast<std::size_t>(bc % c)], h = a.shift[static_cast<std::size_t>(bc % c)];
    float* q = p + bc * inner;
    for (std::int64_t i = 0; i < inner; ++i) q[i] = q[i] * s + h;
  }
}

}  // namespace ola::nn
