#include "ckks/core/encoder.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <mutex>
#include <numbers>

#include "ckks/core/errors.h"
#include "ckks/core/poly_transform.h"
#include "ckks/ring/threads.h"

namespace ola::ckks {

namespace {
using cd = std::complex<double>;

bool is_pow2(std::size_t x) { return x != 0 && (x & (x - 1)) == 0; }

/// Complex product written out: std::complex's operator* (without -ffast-math) calls __muldc3 for
/// its inf/NaN recovery, which made a 2^15-point FFT cost ~5 ms (6 ms per encode at N = 2^16).
/// Values here are always finite.
inline cd cmul(cd a, cd b) {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

/// In-place iterative radix-2 DFT of length m: sign = +1 computes sum_k a_k w^(+jk), w = e^(2 pi i/m).
/// Twiddles read from roots (e^(2 pi i r / (2N))) with stride 2N/m.
void fft(std::vector<cd>& a, const std::vector<cd>& roots, int sign) {
  const std::size_t m = a.size();
  const std::size_t two_n = roots.size();
  int bits = 0;
  while ((std::size_t{1} << bits) < m) ++bits;
  for (std::size_t i = 0; i < m; ++i) {
    const std::size_t r = bit_reverse(i, bits);
    if (i < r) std::swap(a[i], a[r]);
  }
  std::vector<cd> twiddle(m / 2);
  for (std::size_t len = 2; len <= m; len <<= 1) {
    const std::size_t half = len / 2;
    const std::size_t stride = two_n / len;
    for (std::size_t k = 0; k < half; ++k) twiddle[k] = roots[sign > 0 ? k * stride : (two_n - k * stride) % two_n];
    for (std::size_t s = 0; s < m; s += len) {
      cd* lo = a.data() + s;
      cd* hi = lo + half;
      for (std::size_t k = 0; k < half; ++k) {
        const cd u = lo[k];
        const cd v = cmul(hi[k], twiddle[k]);
        lo[k] = u + v;
        hi[k] = u - v;
      }
    }
  }
}
}  // namespace

/// Subring Z_q[Y]/(Y^M + 1), Y = X^g (g = N/M): with psi_M = psi_N^g, index i of the size-N
/// forward NTT of a(X) = b(X^g) is b(psi_M^(2 brv_M(i / g) + 1)) (ntt.h's ordering: the low
/// log2 M bits of brv_N(i) are brv_M of i's high bits), i.e. entry i / g of b's size-M transform.
struct Encoder::SubringNtts {
  std::mutex lock;
  std::map<std::size_t, std::vector<NttTables>> by_size;  ///< M -> one table per q prime

  const std::vector<NttTables>& tables(const Params& params, std::size_t m) {
    const std::lock_guard<std::mutex> guard(lock);
    auto& t = by_size[m];
    if (t.empty()) {
      const u64 g = params.n() / m;
      for (std::size_t i = 0; i < params.q_moduli().size(); ++i) {
        const Modulus& q = params.q_moduli()[i];
        t.emplace_back(m, q, pow_mod(params.q_ntt(i).psi(), g, q));
      }
    }
    return t;  // std::map nodes are stable; a filled entry is never modified again
  }
};

Encoder::Encoder(Params params) : params_(std::move(params)), subring_(std::make_shared<SubringNtts>()) {
  const std::size_t two_n = 2 * params_.n();
  roots_.resize(two_n);
  for (std::size_t k = 0; k < two_n; ++k) {
    const long double ang = 2.0L * std::numbers::pi_v<long double> * static_cast<long double>(k) / two_n;
    roots_[k] = cd(static_cast<double>(std::cos(ang)), static_cast<double>(std::sin(ang)));
  }
  rot_group_.resize(params_.n() / 2);
  std::size_t g = 1;
  for (auto& r : rot_group_) {
    r = g;
    g = (g * 5) & (two_n - 1);
  }
}

std::vector<double> Encoder::subring_coeffs(std::span<const std::complex<double>> values, std::size_t slots,
                                            double scale) const {
  const std::size_t n = params_.n();
  const std::size_t two_n = 2 * n;
  const std::size_t gap = n / (2 * slots);
  const std::size_t m4 = 4 * slots;  // zeta = e^(2 pi i / 4n) = roots_[gap]
  std::vector<cd> v(slots, cd(0, 0));
  for (std::size_t j = 0; j < values.size(); ++j) {
    const std::size_t e = rot_group_[j] % m4;  // 5^j mod 4n
    v[(e - 1) / 4] = values[j];
  }
  fft(v, roots_, -1);  // sum_t v_t w^(-kt)
  std::vector<double> coeffs(2 * slots, 0.0);
  const double inv = 1.0 / static_cast<double>(slots);
  for (std::size_t k = 0; k < slots; ++k) {
    // w_k = u_k zeta^(-k), u = IDFT(v); slot j = sum_k w_k zeta^(5^j k) (derivation in encoder.h).
    const cd w = cmul(v[k] * inv, roots_[(two_n - (k * gap) % two_n) % two_n]);
    coeffs[k] = w.real() * scale;
    coeffs[k + slots] = w.imag() * scale;
  }
  return coeffs;
}

std::vector<double> Encoder::slots_to_coeffs(std::span<const std::complex<double>> values, std::size_t slots,
                                             double scale) const {
  const std::size_t gap = params_.n() / (2 * slots);
  const std::vector<double> sub = subring_coeffs(values, slots, scale);
  std::vector<double> coeffs(params_.n(), 0.0);
  for (std::size_t k = 0; k < sub.size(); ++k) coeffs[k * gap] = sub[k];
  return coeffs;
}

std::vector<std::complex<double>> Encoder::coeffs_to_slots(std::span<const long double> coeffs, std::size_t slots,
                                                           double scale) const {
  const std::size_t n = params_.n();
  const std::size_t gap = n / (2 * slots);
  const std::size_t m4 = 4 * slots;
  std::vector<cd> u(slots);
  for (std::size_t k = 0; k < slots; ++k) {
    const cd w(static_cast<double>(coeffs[k * gap] / scale), static_cast<double>(coeffs[(k + slots) * gap] / scale));
    u[k] = cmul(w, roots_[k * gap]);
  }
  fft(u, roots_, +1);
  std::vector<cd> out(slots);
  for (std::size_t j = 0; j < slots; ++j) out[j] = u[(rot_group_[j] % m4 - 1) / 4];
  return out;
}

namespace {
void check_common(const Params& params, const char* where, int level, double scale, std::size_t slots) {
  if (!is_pow2(slots) || slots > params.max_slots()) {
    throw OperandError(ola::mismatch(where, "slots", "a power of two in 1.." + std::to_string(params.max_slots()), slots));
  }
  if (level < 0 || level > params.max_level()) {
    throw OperandError(ola::mismatch(where, "level", "0.." + std::to_string(params.max_level()), level));
  }
  if (!(scale > 0) || !std::isfinite(scale)) throw OperandError(ola::mismatch(where, "scale", "positive and finite", scale));
}

/// Rounds scaled coefficients to integers, checking they are finite and below 2^120.
/// Returns true if all are below 2^62 in magnitude (then `small` holds them).
bool round_coeffs(const std::vector<double>& coeffs, std::vector<std::int64_t>& small, const char* where) {
  bool fits = true;
  small.resize(coeffs.size());
  for (std::size_t c = 0; c < coeffs.size(); ++c) {
    const double v = std::nearbyint(coeffs[c]);
    if (!std::isfinite(v) || std::fabs(v) >= 0x1p120) {
      throw OperandError(ola::mismatch(where, "scaled coefficient " + std::to_string(c), "|x| < 2^120", v));
    }
    if (std::fabs(v) < 0x1p62) {
      small[c] = static_cast<std::int64_t>(v);
    } else {
      fits = false;
    }
  }
  return fits;
}

/// out[c] = x[c] mod q for |x[c]| < 2^62 and 2^20 < q < 2^61: the quotient estimated in double
/// precision is off by at most one (|x / q| < 2^42, relative error ~2^-52), so the remainder lies
/// in (-2q, 2q) before correction. A branch-free loop the compiler vectorises.
void reduce_small(const std::int64_t* x, std::size_t count, const Modulus& m, u64* out) {
  const auto q = static_cast<std::int64_t>(m.value);
  const double q_inv = 1.0 / static_cast<double>(m.value);
  for (std::size_t c = 0; c < count; ++c) {
    const auto quot = static_cast<std::int64_t>(static_cast<double>(x[c]) * q_inv);
    std::int64_t r = x[c] - quot * q;
    r += r < 0 ? q : 0;
    r += r < 0 ? q : 0;
    r -= r >= q ? q : 0;
    r -= r >= q ? q : 0;
    out[c] = static_cast<u64>(r);
  }
}

/// out[c] = round(coeffs[c]) mod q for any |coeffs[c]| < 2^120.
void reduce_large(const std::vector<double>& coeffs, const Modulus& m, u64* out) {
  for (std::size_t c = 0; c < coeffs.size(); ++c) {
    const double v = std::nearbyint(coeffs[c]);
    const u128 mag = static_cast<u128>(std::fabs(v));
    const u64 r = reduce_128(mag, m);
    out[c] = v < 0 ? neg_mod(r, m.value) : r;
  }
}

/// Smallest power-of-two period of values (values.size() a power of two).
std::size_t smallest_period(std::span<const cd> values) {
  std::size_t period = values.size();
  while (period > 1) {
    const std::size_t half = period / 2;
    for (std::size_t j = 0; j < half; ++j) {
      if (values[j] != values[j + half]) return period;
    }
    period = half;
  }
  return period;
}
}  // namespace

Plaintext Encoder::encode(std::span<const std::complex<double>> values, int level, double scale,
                          std::size_t slots) const {
  const char* where = "Encoder::encode";
  if (slots == 0) {
    slots = 1;
    while (slots < values.size()) slots <<= 1;
  }
  check_common(params_, where, level, scale, slots);
  if (values.size() > slots) throw OperandError(ola::mismatch(where, "values.size()", "<= slots = " + std::to_string(slots), values.size()));
  // A periodic full vector is the sparse packing of one period (class comment).
  const std::size_t period = values.size() == slots ? smallest_period(values) : slots;
  const std::vector<double> sub = subring_coeffs(values.first(std::min(values.size(), period)), period, scale);
  Plaintext pt;
  pt.level = level;
  pt.scale = scale;
  pt.slots = slots;
  pt.poly = RnsPoly::uninitialized(params_.n(), static_cast<std::size_t>(level) + 1);  // every limb is written
  put_subring_ntt(sub, pt.poly, where);
  pt.ntt = true;
  return pt;
}

void Encoder::put_subring_ntt(const std::vector<double>& sub, RnsPoly& poly, const char* where) const {
  const std::size_t n = params_.n();
  const std::size_t m = sub.size();  // subring degree M = 2 * period; Y = X^(N/M)
  const std::size_t gap = n / m;
  std::vector<std::int64_t> small;
  const bool fits = round_coeffs(sub, small, where);
  const std::vector<NttTables>* tables = gap > 1 ? &subring_->tables(params_, m) : nullptr;
  const auto limbs = static_cast<std::ptrdiff_t>(poly.limbs);
#pragma omp parallel for num_threads(threads()) if (limbs > 1 && threads() > 1)
  for (std::ptrdiff_t li = 0; li < limbs; ++li) {
    const auto i = static_cast<std::size_t>(li);
    const Modulus& q = params_.q_moduli()[i];
    u64* limb = poly.limb(i);
    std::vector<u64> b(gap > 1 ? m : 0);  // the subring polynomial, when it is not the whole ring
    u64* dst = gap == 1 ? limb : b.data();
    if (fits && q.value > (u64{1} << 20)) {
      reduce_small(small.data(), m, q, dst);
    } else {
      reduce_large(sub, q, dst);
    }
    if (gap == 1) {
      params_.q_ntt(i).forward(limb);
    } else {
      (*tables)[i].forward(b.data());
      for (std::size_t k = 0; k < m; ++k) std::fill_n(limb + k * gap, gap, b[k]);
    }
  }
}

Plaintext Encoder::encode(std::span<const double> values, int level, double scale, std::size_t slots) const {
  std::vector<cd> c(values.begin(), values.end());
  return encode(std::span<const cd>(c), level, scale, slots);
}

Plaintext Encoder::encode_constant(std::complex<double> c, int level, double scale, std::size_t slots) const {
  const char* where = "Encoder::encode_constant";
  check_common(params_, where, level, scale, slots);
  // Re(c) + Im(c) Y with Y = X^(N/2): the subring of degree 2.
  const std::vector<double> sub{c.real() * scale, c.imag() * scale};
  Plaintext pt;
  pt.level = level;
  pt.scale = scale;
  pt.slots = slots;
  pt.poly = RnsPoly::uninitialized(params_.n(), static_cast<std::size_t>(level) + 1);  // every limb is written
  put_subring_ntt(sub, pt.poly, where);
  pt.ntt = true;
  return pt;
}

std::vector<std::complex<double>> Encoder::decode(const Plaintext& pt) const {
  const char* where = "Encoder::decode";
  const std::size_t n = params_.n();
  if (pt.poly.n != n || pt.poly.limbs != static_cast<std::size_t>(pt.level) + 1 || pt.level > params_.max_level()) {
    throw OperandError(ola::mismatch(where, "plaintext limbs", "level + 1 = " + std::to_string(pt.level + 1),
                                     pt.poly.limbs));
  }
  check_common(params_, where, pt.level, pt.scale, pt.slots);
  // CRT on the lowest one or two limbs (exact while |m| < q0 q1 / 2).
  const std::size_t use = pt.level >= 1 ? 2 : 1;
  RnsPoly low(n, use);
  std::copy(pt.poly.data.begin(), pt.poly.data.begin() + static_cast<std::ptrdiff_t>(use * n), low.data.begin());
  if (pt.ntt) to_coeff(low, params_, use);
  std::vector<long double> coeffs(n);
  const Modulus& m0 = params_.q_moduli()[0];
  if (use == 1) {
    for (std::size_t c = 0; c < n; ++c) coeffs[c] = static_cast<long double>(center(low.limb(0)[c], m0.value));
  } else {
    const Modulus& m1 = params_.q_moduli()[1];
    const u64 q0_inv = inv_mod(reduce_64(m0.value, m1), m1);
    const u64 q0_inv_sh = shoup(q0_inv, m1.value);
    const u128 big = static_cast<u128>(m0.value) * m1.value;
    for (std::size_t c = 0; c < n; ++c) {
      const u64 a0 = low.limb(0)[c];
      const u64 a1 = low.limb(1)[c];
      const u64 t = mul_shoup(sub_mod(a1, reduce_64(a0, m1), m1.value), q0_inv, q0_inv_sh, m1.value);
      const u128 x = a0 + static_cast<u128>(m0.value) * t;  // in [0, q0 q1)
      coeffs[c] = x > big / 2 ? -static_cast<long double>(big - x) : static_cast<long double>(x);
    }
  }
  return coeffs_to_slots(coeffs, pt.slots, pt.scale);
}

std::vector<double> Encoder::decode_real(const Plaintext& pt) const {
  const auto c = decode(pt);
  std::vector<double> out(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) out[i] = c[i].real();
  return out;
}

}  // namespace ola::ckks
