// The CKKS encoding's special DFT (canonical embedding in rotation-group order) and its
// factorisation into radix-2 butterfly stages, each a matrix with at most three non-zero diagonals.
//
// Convention (n slots, n a power of two, M = 4n, zeta = exp(2 pi i / M), g_j = 5^j mod M):
// a real polynomial with 2n coefficients c_0..c_{2n-1} in Y = X^(N/2n) has the slot values
//   z_j = sum_{k<2n} c_k zeta^(g_j k) = sum_{k<n} w_k zeta^(g_j k),   w_k = c_k + i c_{n+k},
// because zeta^(g_j n) = i for every g_j = 1 mod 4. V denotes the n x n matrix V[j][k] = zeta^(g_j k)
// (z = V w), the decoding direction; SlotToCoeff evaluates V, CoeffToSlot evaluates V^-1.
// The butterflies compute V P with P the bit-reversal permutation (Cheon, Han, Hhan, Kim, Lee,
// "Faster homomorphic discrete Fourier transforms and their application to CKKS", 2018, Sec. 3),
// so the homomorphic DFT leaves the slots bit-reversed between CoeffToSlot and SlotToCoeff,
// which the slot-wise EvalMod does not mind.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ckks/lintrans/diagonal_matrix.h"

namespace ola::ckks {

/// g_j = 5^j mod 4n for j < n. @throws ola::Error if n is not a power of two >= 1.
std::vector<std::uint64_t> rotation_group(int n);

/// The index j with its log2(n) bits reversed. @pre n a power of two, j < n.
int bit_reverse_index(int j, int n);

/// Permutes v into bit-reversed order (an involution). @throws ola::Error if v.size() is not a power of two.
void bit_reverse_inplace(std::span<Complex> v);

/// z = V w computed directly in O(n^2) (reference). @throws ola::Error if w.size() is not a power of two.
ComplexVector special_dft_direct(std::span<const Complex> w);

/// The decoding-direction butterfly stages S_1..S_log2(n) in the order they are applied:
/// V P = S_log2(n) ... S_1. Stage l has half-length h = 2^(l-1) and diagonals {0, h, n-h}.
/// @throws ola::Error if n is not a power of two >= 2.
std::vector<DiagonalMatrix> dft_stages(int n);

/// The inverse stages in the order they are applied: P V^-1 = S_1^-1 ... S_log2(n)^-1, so the first
/// element is S_log2(n)^-1. @throws ola::Error if n is not a power of two >= 2.
std::vector<DiagonalMatrix> idft_stages(int n);

/// Merges consecutive stages (given in application order) into `groups` products, as evenly as
/// possible with the larger groups first; each product costs one level when evaluated.
/// Returns the products in application order.
/// @throws ola::Error if groups < 1 or groups > stages.size().
std::vector<DiagonalMatrix> merge_stages(std::span<const DiagonalMatrix> stages, int groups);

/// Product of matrices given in application order (first applied first).
/// @throws ola::Error if the list is empty or dimensions differ.
DiagonalMatrix product_in_order(std::span<const DiagonalMatrix> factors);

}  // namespace ola::ckks
