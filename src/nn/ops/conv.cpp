#include "nn/ops/conv.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <mutex>

#include "util/error.h"

namespace ola::nn {
namespace {

int thread_count(int threads) { return threads > 0 ? threads : omp_get_max_threads(); }

/// Unfolds one group of one image into the columns of col [C_g * kh * kw, OH * OW] whose rows are
/// `ld` floats apart (zero padding), so several images can sit side by side.
void im2col(const float* x, std::int64_t c_g, std::int64_t h, std::int64_t w, const ConvAttrs& a,
            std::int64_t kh, std::int64_t kw, std::int64_t oh, std::int64_t ow, std::int64_t ld, float* col) {
  for (std::int64_t c = 0; c < c_g; ++c) {
    for (std::int64_t ky = 0; ky < kh; ++ky) {
      for (std::int64_t kx = 0; kx < kw; ++kx) {
        float* row = col + ((c * kh + ky) * kw + kx) * ld;
        for (std::int64_t oy = 0; oy < oh; ++oy) {
          const std::int64_t iy = oy * a.stride_h - a.pad_top + ky;
          float* dst = row + oy * ow;
          if (iy < 0 || iy >= h) {
            for (std::int64_t ox = 0; ox < ow; ++ox) dst[ox] = 0.0f;
            continue;
          }
          const float* src = x + (c * h + iy) * w;
          if (a.stride_w == 1) {
            const std::int64_t shift = kx - a.pad_left;
            const std::int64_t lo = std::clamp<std::int64_t>(-shift, 0, ow);
            const std::int64_t hi = std::clamp<std::int64_t>(w - shift, lo, ow);
            // Short rows (8..32 floats): plain loops vectorise better than memmove calls.
            for (std::int64_t ox = 0; ox < lo; ++ox) dst[ox] = 0.0f;
            const float* s = src + shift;
            for (std::int64_t ox = lo; ox < hi; ++ox) dst[ox] = s[ox];
            for (std::int64_t ox = hi; ox < ow; ++ox) dst[ox] = 0.0f;
          } else {
            for (std::int64_t ox = 0; ox < ow; ++ox) {
              const std::int64_t ix = ox * a.stride_w - a.pad_left + kx;
              dst[ox] = (ix >= 0 && ix < w) ? src[ix] : 0.0f;
            }
          }
        }
      }
    }
  }
}

void depthwise_image(const float* x, std::int64_t c_n, std::int64_t h, std::int64_t w, const ConvAttrs& a,
                     std::int64_t kh, std::int64_t kw, std::int64_t oh, std::int64_t ow, float* y) {
  for (std::int64_t c = 0; c < c_n; ++c) {
    const float* xc = x + c * h * w;
    const float* wc = a.weight.data.data() + c * kh * kw;
    float* yc = y + c * oh * ow;
    std::fill(yc, yc + oh * ow, a.bias.data[static_cast<std::size_t>(c)]);
    for (std::int64_t ky = 0; ky < kh; ++ky) {
      for (std::int64_t kx = 0; kx < kw; ++kx) {
        const float wk = wc[ky * kw + kx];
        for (std::int64_t oy = 0; oy < oh; ++oy) {
          const std::int64_t iy = oy * a.stride_h - a.pad_top + ky;
          if (iy < 0 || iy >= h) continue;
          const float* src = xc + iy * w;
          float* dst = yc + oy * ow;
          for (std::int64_t ox = 0; ox < ow; ++ox) {
            const std::int64_t ix = ox * a.stride_w - a.pad_left + kx;
            if (ix >= 0 && ix < w) dst[ox] += wk * src[ix];
          }
        }
      }
    }
  }
}

}  // namespace

void set_blas_single_threaded() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

Tensor conv2d(const Tensor& x, const ConvAttrs& a, const Shape& out_shape, int threads) {
  OLA_DCHECK(x.shape.size() == 4 && out_shape.size() == 4, "conv2d: rank");
  const std::int64_t n = x.shape[0], c_in = x.shape[1], h = x.shape[2], w = x.shape[3];
  const std::int64_t c_out = out_shape[1], oh = out_shape[2], ow = out_shape[3];
  const std::int64_t kh = a.weight.shape[2], kw = a.weight.shape[3];
  Tensor y;
  y.shape = out_shape;
  y.shape[0] = n;
  y.data.resize(static_cast<std::size_t>(n * c_out * oh * ow));
  const bool depthwise = a.group == c_in && a.group == c_out;
  const std::int64_t c_g = c_in / a.group, o_g = c_out / a.group, k = c_g * kh * kw;
  const bool direct_1x1 = kh == 1 && kw == 1 && a.stride_h == 1 && a.stride_w == 1 && a.pad_top == 0 &&
                          a.pad_left == 0 && a.pad_bottom == 0 && a.pad_right == 0;
  // Images per sgemm: enough columns (about kGemmColumns) to amortise the packing of the weights.
  constexpr std::int64_t kGemmColumns = 1024;
  const std::int64_t hw = oh * ow;
  const std::int64_t per = depthwise || direct_1x1 ? 1 : std::clamp<std::int64_t>(kGemmColumns / hw, 1, std::max<std::int64_t>(n, 1));
  const std::int64_t chunks = (n + per - 1) / per;
#pragma omp parallel num_threads(thread_count(threads))
  {
    std::vector<float> col(depthwise || direct_1x1 ? 0 : static_cast<std::size_t>(k * per * hw));
    std::vector<float> tmp(depthwise || direct_1x1 ? 0 : static_cast<std::size_t>(o_g * per * hw));
#pragma omp for schedule(static)
    for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
      const std::int64_t i0 = chunk * per, m = std::min(per, n - i0), ld = m * hw;
      if (depthwise) {
        depthwise_image(x.data.data() + i0 * c_in * h * w, c_in, h, w, a, kh, kw, oh, ow, y.data.data() + i0 * c_out * hw);
        continue;
      }
      for (std::int64_t grp = 0; grp < a.group; ++grp) {
        const float* wg = a.weight.data.data() + grp * o_g * k;
        const float* bg = a.bias.data.data() + grp * o_g;
        if (direct_1x1) {  // the image itself is the [C_g, HW] column matrix
          float* yg = y.data.data() + (i0 * c_out + grp * o_g) * hw;
          for (std::int64_t o = 0; o < o_g; ++o) std::fill(yg + o * hw, yg + (o + 1) * hw, bg[o]);
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(o_g), static_cast<int>(hw),
                      static_cast<int>(k), 1.0f, wg, static_cast<int>(k), x.data.data() + (i0 * c_in + grp * c_g) * h * w,
                      static_cast<int>(hw), 1.0f, yg, static_cast<int>(hw));
          continue;
        }
        for (std::int64_t j = 0; j < m; ++j) {
          im2col(x.data.data() + ((i0 + j) * c_in + grp * c_g) * h * w, c_g, h, w, a, kh, kw, oh, ow, ld, col.data() + j * hw);
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(o_g), static_cast<int>(ld),
                    static_cast<int>(k), 1.0f, wg, static_cast<int>(k), col.data(), static_cast<int>(ld), 0.0f,
                    tmp.data(), static_cast<int>(ld));
        // Scatter [o_g, m * HW] back to NCHW, adding the bias.
        for (std::int64_t j = 0; j < m; ++j) {
          for (std::int64_t o = 0; o < o_g; ++o) {
            const float* src = tmp.data() + o * ld + j * hw;
            float* dst = y.data.data() + ((i0 + j) * c_out + grp * o_g + o) * hw;
            const float b = bg[o];
            for (std::int64_t q = 0; q < hw; ++q) dst[q] = src[q] + b;
          }
        }
      }
    }
  }
  return y;
}

Tensor linear(const Tensor& x, const LinearAttrs& a, const Shape& out_shape, int threads) {
  const std::int64_t in = a.weight.shape[1], out = a.weight.shape[0];
  const std::int64_t rows = x.size() / in;
  Tensor y;
  y.shape = out_shape;
  y.shape[0] = x.shape[0];
  y.data.resize(static_cast<std::size_t>(rows * out));
  // Fixed row blocks (not one per thread), so results do not depend on the thread count.
  constexpr std::int64_t kRowsPerBlock = 256;
  const std::int64_t blocks = (rows + kRowsPerBlock - 1) / kRowsPerBlock;
#pragma omp parallel for num_threads(thread_count(threads)) schedule(static) if (blocks > 1)
  for (std::int64_t blk = 0; blk < blocks; ++blk) {
    const std::int64_t r0 = blk * kRowsPerBlock, r1 = std::min(rows, r0 + kRowsPerBlock);
    for (std::int64_t r = r0; r < r1; ++r) {
      std::copy(a.bias.data.begin(), a.bias.data.end(), y.data.begin() + r * out);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(r1 - r0), static_cast<int>(out),
                static_cast<int>(in), 1.0f, x.data.data() + r0 * in, static_cast<int>(in), a.weight.data.data(),
                static_cast<int>(in), 1.0f, y.data.data() + r0 * out, static_cast<int>(out));
  }
  return y;
}

}  // namespace ola::nn
