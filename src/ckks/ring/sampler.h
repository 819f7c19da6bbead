// Random polynomials for key generation and encryption, from libsodium: uniform residues (from
// fresh randomness or expanded from a 32-byte seed), ternary secrets, centered discrete Gaussians.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "ckks/ring/modulus.h"
#include "ckks/ring/rns_poly.h"

namespace ola::ckks {

using Seed = std::array<std::uint8_t, 32>;

/// A fresh random seed (randombytes_buf).
Seed random_seed();
/// Derives an independent seed for sub-stream `index` (BLAKE2b of seed and index).
Seed derive_seed(const Seed& seed, std::uint64_t index);

/// Fills limb i of `out` with uniform values mod mods[i], expanded deterministically from `seed`
/// (ChaCha20 via randombytes_buf_deterministic, rejection sampling). Same seed -> same poly.
/// @pre out.limbs <= mods.size().
void sample_uniform(const Seed& seed, std::span<const Modulus> mods, RnsPoly& out);

/// N coefficients uniform in {-1, 0, 1} (probability 1/3 each: the HE standard's uniform ternary
/// secret distribution).
std::vector<std::int8_t> sample_ternary(std::size_t n);
/// N coefficients in {-1, 0, 1} with exactly h non-zero ones (fixed Hamming weight).
/// @throws ola::Error if h > n.
std::vector<std::int8_t> sample_ternary_hamming(std::size_t n, std::size_t h);
/// N coefficients from a rounded Gaussian of standard deviation sigma, cut at 6 sigma.
std::vector<std::int64_t> sample_gaussian(std::size_t n, double sigma);

/// Writes small signed coefficients into the first `limbs` limbs of out (coefficient form).
void signed_to_rns(std::span<const std::int64_t> coeffs, std::span<const Modulus> mods, RnsPoly& out);
void signed_to_rns(std::span<const std::int8_t> coeffs, std::span<const Modulus> mods, RnsPoly& out);

}  // namespace ola::ckks
