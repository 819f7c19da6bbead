#include "ckks/ring/rns_poly.h"

#include <algorithm>

#include "ckks/ring/simd.h"
#include "ckks/ring/threads.h"
#include "util/error.h"

namespace ola::ckks {

namespace {
void check_sizes(const RnsPoly& a, const RnsPoly& out, std::span<const Modulus> mods, std::size_t count) {
  OLA_CHECK(a.limbs >= count && out.limbs >= count && mods.size() >= count && a.n == out.n,
            "limbs a=" << a.limbs << " out=" << out.limbs << " mods=" << mods.size() << " count=" << count);
}
}  // namespace

void poly_add(const RnsPoly& a, const RnsPoly& b, RnsPoly& out, std::span<const Modulus> mods, std::size_t count) {
  check_sizes(a, out, mods, count);
  check_sizes(b, out, mods, count);
  const std::size_t n = a.n;
#pragma omp parallel for num_threads(threads()) if (count > 1 && threads() > 1)
  for (std::size_t i = 0; i < count; ++i) {
    const u64 q = mods[i].value;
    const u64* x = a.limb(i);
    const u64* y = b.limb(i);
    u64* z = out.limb(i);
    for (std::size_t j = 0; j < n; ++j) {
      const u64 s = x[j] + y[j];
      z[j] = s >= q ? s - q : s;
    }
  }
}

void poly_sub(const RnsPoly& a, const RnsPoly& b, RnsPoly& out, std::span<const Modulus> mods, std::size_t count) {
  check_sizes(a, out, mods, count);
  check_sizes(b, out, mods, count);
  const std::size_t n = a.n;
#pragma omp parallel for num_threads(threads()) if (count > 1 && threads() > 1)
  for (std::size_t i = 0; i < count; ++i) {
    const u64 q = mods[i].value;
    const u64* x = a.limb(i);
    const u64* y = b.limb(i);
    u64* z = out.limb(i);
    for (std::size_t j = 0; j < n; ++j) {
      const u64 s = x[j] + q - y[j];
      z[j] = s >= q ? s - q : s;
    }
  }
}

void poly_neg(const RnsPoly& a, RnsPoly& out, std::span<const Modulus> mods, std::size_t count) {
  check_sizes(a, out, mods, count);
  const std::size_t n = a.n;
#pragma omp parallel for num_threads(threads()) if (count > 1 && threads() > 1)
  for (std::size_t i = 0; i < count; ++i) {
    const u64 q = mods[i].value;
    const u64* x = a.limb(i);
    u64* z = out.limb(i);
    for (std::size_t j = 0; j < n; ++j) z[j] = x[j] == 0 ? 0 : q - x[j];
  }
}

void poly_mul(const RnsPoly& a, const RnsPoly& b, RnsPoly& out, std::span<const Modulus> mods, std::size_t count) {
  check_sizes(a, out, mods, count);
  check_sizes(b, out, mods, count);
  const std::size_t n = a.n;
#pragma omp parallel for num_threads(threads()) if (count > 1 && threads() > 1)
  for (std::size_t i = 0; i < count; ++i) {
    const Modulus m = mods[i];
    const u64* x = a.limb(i);
    const u64* y = b.limb(i);
    u64* z = out.limb(i);
    for (std::size_t j = 0; j < n; ++j) z[j] = mul_mod(x[j], y[j], m);
  }
}

void poly_mul_add(const RnsPoly& a, const RnsPoly& b, RnsPoly& out, std::span<const Modulus> mods,
                  std::size_t count) {
  check_sizes(a, out, mods, count);
  check_sizes(b, out, mods, count);
  const std::size_t n = a.n;
#pragma omp parallel for num_threads(threads()) if (count > 1 && threads() > 1)
  for (std::size_t i = 0; i < count; ++i) {
    const Modulus m = mods[i];
    const u64* x = a.limb(i);
    const u64* y = b.limb(i);
    u64* z = out.limb(i);
    for (std::size_t j = 0; j < n; ++j) z[j] = reduce_128(static_cast<u128>(x[j]) * y[j] + z[j], m);
  }
}

void poly_inner_product(std::span<const RnsPoly* const> a, std::span<const RnsPoly* const> b, RnsPoly& out,
                        std::span<const Modulus> mods, std::size_t count) {
  OLA_CHECK(!a.empty() && a.size() == b.size(), "inner product of " << a.size() << " and " << b.size() << " terms");
  for (std::size_t k = 0; k < a.size(); ++k) {
    check_sizes(*a[k], out, mods, count);
    check_sizes(*b[k], out, mods, count);
  }
  const std::size_t n = out.n;
  // Products of residues < 2^61 are < 2^122: 32 of them (plus a reduced carry) stay below 2^128.
  constexpr std::size_t kBlock = 512, kLazyTerms = 32;
#pragma omp parallel for num_threads(threads()) if (count > 1 && threads() > 1)
  for (std::size_t i = 0; i < count; ++i) {
    const Modulus m = mods[i];
    u64* z = out.limb(i);
    u128 acc[kBlock];
    for (std::size_t j0 = 0; j0 < n; j0 += kBlock) {
      const std::size_t len = std::min(kBlock, n - j0);
      std::fill_n(acc, len, u128{0});
      std::size_t k = 0;
      while (k < a.size()) {
        const std::size_t end = std::min(a.size(), k + kLazyTerms);
        // Four terms per pass over the accumulator (fewer 128-bit loads and stores).
        for (; k + 4 <= end; k += 4) {
          const u64 *x0 = a[k]->limb(i) + j0, *x1 = a[k + 1]->limb(i) + j0, *x2 = a[k + 2]->limb(i) + j0,
                    *x3 = a[k + 3]->limb(i) + j0;
          const u64 *y0 = b[k]->limb(i) + j0, *y1 = b[k + 1]->limb(i) + j0, *y2 = b[k + 2]->limb(i) + j0,
                    *y3 = b[k + 3]->limb(i) + j0;
          for (std::size_t j = 0; j < len; ++j) {
            acc[j] += static_cast<u128>(x0[j]) * y0[j] + static_cast<u128>(x1[j]) * y1[j] +
                      static_cast<u128>(x2[j]) * y2[j] + static_cast<u128>(x3[j]) * y3[j];
          }
        }
        for (; k < end; ++k) {
          const u64* x = a[k]->limb(i) + j0;
          const u64* y = b[k]->limb(i) + j0;
          for (std::size_t j = 0; j < len; ++j) acc[j] += static_cast<u128>(x[j]) * y[j];
        }
        if (k < a.size()) {
          for (std::size_t j = 0; j < len; ++j) acc[j] = reduce_128(acc[j], m);
        }
      }
      for (std::size_t j = 0; j < len; ++j) z[j0 + j] = reduce_128(acc[j], m);
    }
  }
}

void poly_mul_scalar(const RnsPoly& a, std::span<const u64> scalars, RnsPoly& out, std::span<const Modulus> mods,
                     std::size_t count) {
  check_sizes(a, out, mods, count);
  OLA_CHECK(scalars.size() >= count, "scalars " << scalars.size() << " < " << count);
  const std::size_t n = a.n;
#pragma omp parallel for num_threads(threads()) if (count > 1 && threads() > 1)
  for (std::size_t i = 0; i < count; ++i) {
    const u64 q = mods[i].value;
    const u64 w = scalars[i];
    const u64 ws = shoup(w, q);
    const u64* x = a.limb(i);
    u64* z = out.limb(i);
    for (std::size_t j = 0; j < n; ++j) z[j] = mul_shoup(x[j], w, ws, q);
  }
}

void poly_add_scalar(const RnsPoly& a, std::span<const u64> scalars, RnsPoly& out, std::span<const Modulus> mods,
                     std::size_t count) {
  check_sizes(a, out, mods, count);
  OLA_CHECK(scalars.size() >= count, "scalars " << scalars.size() << " < " << count);
  const std::size_t n = a.n;
#pragma omp parallel for num_threads(threads()) if (count > 1 && threads() > 1)
  for (std::size_t i = 0; i < count; ++i) {
    const u64 q = mods[i].value;
    const u64 c = scalars[i];
    const u64* x = a.limb(i);
    u64* z = out.limb(i);
    for (std::size_t j = 0; j < n; ++j) {
      const u64 s = x[j] + c;
      z[j] = s >= q ? s - q : s;
    }
  }
}

void centered_residue(const u64* in, u64* out, std::size_t n, u64 q_from, const Modulus& m) {
  const u64 q = m.value;
  const u64 one_s = shoup(1, q);  // floor(2^64 / q): v mod q = v - floor(v / q) q, off by < 1
  const u64 neg = neg_mod(reduce_64(q_from, m), q);  // -q_from mod q
  const u64 half = q_from >> 1;
  std::size_t j0 = 0;
#ifdef OLA_CKKS_AVX512
  const __m512i vq = _mm512_set1_epi64(static_cast<long long>(q));
  const __m512i vone = _mm512_set1_epi64(1);
  const __m512i vs = _mm512_set1_epi64(static_cast<long long>(one_s));
  const __m512i vneg = _mm512_set1_epi64(static_cast<long long>(neg));
  const __m512i vhalf = _mm512_set1_epi64(static_cast<long long>(half));
  for (; j0 + 8 <= n; j0 += 8) {
    const __m512i v = _mm512_loadu_si512(in + j0);
    const __m512i r = simd::reduce_once(simd::mul_shoup_lazy(v, vone, vs, vq), vq);
    const __m512i shifted = simd::reduce_once(_mm512_add_epi64(r, vneg), vq);
    const __mmask8 upper = _mm512_cmpgt_epu64_mask(v, vhalf);
    _mm512_storeu_si512(out + j0, _mm512_mask_blend_epi64(upper, r, shifted));
  }
#endif
  for (std::size_t j = j0; j < n; ++j) {
    const u64 v = in[j];
    const u64 r = mul_shoup(v, 1, one_s, q);
    out[j] = v > half ? add_mod(r, neg, q) : r;
  }
}

void sub_mul_shoup(u64* x, const u64* t, std::size_t n, u64 w, u64 ws, u64 q) {
  std::size_t j0 = 0;
#ifdef OLA_CKKS_AVX512
  const __m512i vq = _mm512_set1_epi64(static_cast<long long>(q));
  const __m512i vw = _mm512_set1_epi64(static_cast<long long>(w));
  const __m512i vws = _mm512_set1_epi64(static_cast<long long>(ws));
  for (; j0 + 8 <= n; j0 += 8) {
    const __m512i d = _mm512_sub_epi64(_mm512_add_epi64(_mm512_loadu_si512(x + j0), vq), _mm512_loadu_si512(t + j0));
    _mm512_storeu_si512(x + j0, simd::reduce_once(simd::mul_shoup_lazy(d, vw, vws, vq), vq));
  }
#endif
  for (std::size_t j = j0; j < n; ++j) x[j] = mul_shoup(x[j] + q - t[j], w, ws, q);
}

}  // namespace ola::ckks
