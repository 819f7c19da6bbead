#include "ckks/ring/rns_poly.h"

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

}  // namespace ola::ckks
