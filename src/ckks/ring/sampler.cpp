#include "ckks/ring/sampler.h"

#include <sodium.h>

#include <cmath>
#include <cstring>

#include "util/error.h"

namespace ola::ckks {

namespace {
void ensure_sodium() { OLA_CHECK(sodium_init() >= 0, "libsodium initialisation failed"); }

/// Buffered 64-bit random words from the OS CSPRNG.
class RandomWords {
 public:
  u64 next() {
    if (pos_ == buf_.size()) {
      randombytes_buf(buf_.data(), buf_.size() * sizeof(u64));
      pos_ = 0;
    }
    return buf_[pos_++];
  }

 private:
  std::array<u64, 512> buf_{};
  std::size_t pos_ = 512;
};
}  // namespace

Seed random_seed() {
  ensure_sodium();
  Seed s;
  randombytes_buf(s.data(), s.size());
  return s;
}

Seed derive_seed(const Seed& seed, std::uint64_t index) {
  ensure_sodium();
  Seed out;
  std::uint8_t msg[8];
  for (int i = 0; i < 8; ++i) msg[i] = static_cast<std::uint8_t>(index >> (8 * i));
  crypto_generichash(out.data(), out.size(), msg, sizeof(msg), seed.data(), seed.size());
  return out;
}

void sample_uniform(const Seed& seed, std::span<const Modulus> mods, RnsPoly& out) {
  ensure_sodium();
  OLA_CHECK(out.limbs <= mods.size(), "limbs " << out.limbs << " > moduli " << mods.size());
  static_assert(randombytes_SEEDBYTES == 32, "seed size");
  const std::size_t n = out.n;
  std::vector<u64> words;
  for (std::size_t i = 0; i < out.limbs; ++i) {
    const u64 q = mods[i].value;
    int bits = 0;
    while ((u64{1} << bits) <= q) ++bits;  // q < 2^61
    const u64 mask = (u64{1} << bits) - 1;
    Seed limb_seed = derive_seed(seed, i);
    u64* dst = out.limb(i);
    std::size_t filled = 0;
    std::uint64_t round = 0;
    while (filled < n) {
      // Rejection sampling: accept masked words < q (probability > 1/2 per word).
      const std::size_t want = 2 * (n - filled) + 16;
      words.resize(want);
      const Seed s = derive_seed(limb_seed, round++);
      randombytes_buf_deterministic(words.data(), want * sizeof(u64), s.data());
      for (std::size_t t = 0; t < want && filled < n; ++t) {
        const u64 v = words[t] & mask;
        if (v < q) dst[filled++] = v;
      }
    }
  }
}

std::vector<std::int8_t> sample_ternary(std::size_t n) {
  ensure_sodium();
  std::vector<std::int8_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int8_t>(static_cast<int>(randombytes_uniform(3)) - 1);
  return out;
}

std::vector<std::int8_t> sample_ternary_hamming(std::size_t n, std::size_t h) {
  ensure_sodium();
  if (h > n) throw Error(ola::mismatch("sample_ternary_hamming", "h", "<= N = " + std::to_string(n), h));
  std::vector<std::int8_t> out(n, 0);
  std::size_t placed = 0;
  while (placed < h) {
    const std::size_t pos = randombytes_uniform(static_cast<std::uint32_t>(n));
    if (out[pos] != 0) continue;
    out[pos] = (randombytes_uniform(2) == 0) ? 1 : -1;
    ++placed;
  }
  return out;
}

std::vector<std::int64_t> sample_gaussian(std::size_t n, double sigma) {
  ensure_sodium();
  RandomWords rng;
  std::vector<std::int64_t> out(n);
  const double bound = 6.0 * sigma;
  const double two_pi = 6.283185307179586476925;
  for (std::size_t i = 0; i < n; i += 2) {
    double x = 0, y = 0;
    do {
      // Box-Muller on two uniforms in (0, 1] with 53 random bits each.
      const double u1 = (static_cast<double>(rng.next() >> 11) + 1.0) * 0x1p-53;
      const double u2 = static_cast<double>(rng.next() >> 11) * 0x1p-53;
      const double r = sigma * std::sqrt(-2.0 * std::log(u1));
      x = r * std::cos(two_pi * u2);
      y = r * std::sin(two_pi * u2);
    } while (std::fabs(x) > bound || std::fabs(y) > bound);
    out[i] = std::llround(x);
    if (i + 1 < n) out[i + 1] = std::llround(y);
  }
  return out;
}

void signed_to_rns(std::span<const std::int64_t> coeffs, std::span<const Modulus> mods, RnsPoly& out) {
  OLA_CHECK(coeffs.size() == out.n && out.limbs <= mods.size(), "size");
  for (std::size_t i = 0; i < out.limbs; ++i) {
    u64* dst = out.limb(i);
    for (std::size_t j = 0; j < out.n; ++j) dst[j] = from_signed(coeffs[j], mods[i]);
  }
}

void signed_to_rns(std::span<const std::int8_t> coeffs, std::span<const Modulus> mods, RnsPoly& out) {
  OLA_CHECK(coeffs.size() == out.n && out.limbs <= mods.size(), "size");
  for (std::size_t i = 0; i < out.limbs; ++i) {
    const u64 q = mods[i].value;
    u64* dst = out.limb(i);
    for (std::size_t j = 0; j < out.n; ++j) {
      const int v = coeffs[j];
      dst[j] = v >= 0 ? static_cast<u64>(v) : q - static_cast<u64>(-v);
    }
  }
}

}  // namespace ola::ckks
