#include "ckks/ring/primes.h"

#include <algorithm>
#include <string>

#include "util/error.h"

namespace ola::ckks {

bool is_prime(u64 n) {
  if (n < 2) return false;
  for (u64 p : {2ULL, 3ULL, 5ULL, 7ULL, 11ULL, 13ULL, 17ULL, 19ULL, 23ULL, 29ULL, 31ULL, 37ULL}) {
    if (n % p == 0) return n == p;
  }
  u64 d = n - 1;
  int s = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++s;
  }
  auto mulm = [n](u64 a, u64 b) { return static_cast<u64>(static_cast<u128>(a) * b % n); };
  auto powm = [&](u64 a, u64 e) {
    u64 r = 1;
    while (e != 0) {
      if (e & 1) r = mulm(r, a);
      a = mulm(a, a);
      e >>= 1;
    }
    return r;
  };
  // These 12 bases are a deterministic witness set for n < 3.3e24.
  for (u64 a : {2ULL, 3ULL, 5ULL, 7ULL, 11ULL, 13ULL, 17ULL, 19ULL, 23ULL, 29ULL, 31ULL, 37ULL}) {
    u64 x = powm(a % n, d);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int r = 1; r < s; ++r) {
      x = mulm(x, x);
      if (x == n - 1) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

std::vector<u64> ntt_primes(int bits, std::size_t count, u64 two_n, const std::vector<u64>& exclude) {
  if (bits < 20 || bits > 61) throw Error(ola::mismatch("ntt_primes", "bits", "20..61", bits));
  std::vector<u64> out;
  const u64 top = (bits == 64) ? ~u64{0} : (u64{1} << bits);
  const u64 low = u64{1} << (bits - 1);
  // Largest candidate = 1 mod two_n below 2^bits.
  u64 c = ((top - 1) / two_n) * two_n + 1;
  if (c >= top) c -= two_n;
  while (out.size() < count && c > low) {
    if (is_prime(c) && std::find(exclude.begin(), exclude.end(), c) == exclude.end()) out.push_back(c);
    c -= two_n;
  }
  if (out.size() < count) {
    throw Error(ola::mismatch("ntt_primes", "primes of " + std::to_string(bits) + " bits = 1 mod " +
                                           std::to_string(two_n),
                         count, out.size()));
  }
  return out;
}

u64 primitive_root_of_unity(u64 two_n, const Modulus& q) {
  if ((q.value - 1) % two_n != 0) {
    throw Error(ola::mismatch("primitive_root_of_unity", "q mod 2N", 1, q.value % two_n));
  }
  const u64 cofactor = (q.value - 1) / two_n;
  u64 best = 0;
  for (u64 g = 2; g < q.value; ++g) {
    const u64 psi = pow_mod(g, cofactor, q);
    if (pow_mod(psi, two_n / 2, q) == q.value - 1) {
      best = psi;
      break;
    }
  }
  OLA_CHECK(best != 0, "no primitive root for q=" << q.value);
  // Use the smallest primitive two_n-th root (a canonical choice, so tables are reproducible).
  u64 smallest = best;
  const u64 sq = mul_mod(best, best, q);
  u64 cur = best;
  for (u64 k = 1; k < two_n; k += 2) {
    if (cur < smallest) smallest = cur;
    cur = mul_mod(cur, sq, q);
  }
  return smallest;
}

}  // namespace ola::ckks
