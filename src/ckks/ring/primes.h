// NTT-friendly prime generation: primes q = 1 mod 2N of a requested bit size.
#pragma once

#include <cstdint>
#include <vector>

#include "ckks/ring/modulus.h"

namespace ola::ckks {

/// Deterministic Miller-Rabin primality test, exact for all 64-bit integers.
bool is_prime(u64 n);

/// The `count` largest primes q < 2^bits with q = 1 mod `two_n`, skipping any in `exclude`,
/// in decreasing order.
/// @pre two_n is a power of two.
/// @throws ola::Error if bits is outside 20..61 or not enough such primes exist.
std::vector<u64> ntt_primes(int bits, std::size_t count, u64 two_n, const std::vector<u64>& exclude = {});

/// A generator of the multiplicative group's subgroup of order two_n: an element psi with
/// psi^(two_n/2) = -1 mod q (a primitive two_n-th root of unity); the smallest such one.
/// @throws ola::Error if q != 1 mod two_n.
u64 primitive_root_of_unity(u64 two_n, const Modulus& q);

}  // namespace ola::ckks
