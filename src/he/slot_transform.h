// Linear maps between periodic slot vectors in sparse diagonal form, evaluated with baby-step
// giant-step rotations (Halevi-Shoup, "Faster homomorphic linear transformations in HElib",
// CRYPTO 2018, Sec. 4): the engine behind encrypted convolution and the option-A shortcut.
//
// Unlike ckks/lintrans (dense complex diagonals of a square matrix), a SlotTransform stores only the
// non-zero entries of each diagonal (a ResNet-20 stage-3 convolution has ~900 diagonals of 2^15
// slots: 236 MB dense, 29 MB sparse) and uses signed shifts modulo the input's period, which is
// what the multiplexed layout (he/layout.h) makes few.
#pragma once

#include <span>
#include <utility>
#include <vector>

namespace ola::he {

/// One entry of a linear map: out[out_slot] += weight * in[in_slot].
struct SlotTerm {
  int out_slot = 0;  ///< in [0, out_period)
  int in_slot = 0;   ///< in [0, in_period)
  double weight = 0.0;
};

/// How the diagonal shifts are split into baby steps b (rotations of the input, hoisted) and giant
/// steps g (rotations of partial sums): b = r mod G in [-G/2, G/2) and g = r - b, reduced to
/// [-M/2, M/2) when giant_modulus M > 0. The reduction is valid when the partial sums repeat with
/// period M (the transform's masks have period in_period): it merges giant steps g and g +- M,
/// saving both rotations and Galois keys.
struct BsgsSplit {
  int giant_stride = 1;          ///< G, a power of two
  int giant_modulus = 0;         ///< M (0: giant steps not reduced)
  std::vector<int> baby_steps;   ///< distinct b, ascending (may include 0)
  std::vector<int> giant_steps;  ///< distinct g, ascending (may include 0)
};

/// Baby step of shift r under the split.
int baby_of(const BsgsSplit& s, int r);
/// Giant step of shift r under the split (reduced modulo giant_modulus if set).
int giant_of(const BsgsSplit& s, int r);

/// Chooses G (power of two in [1, period]) minimising baby_cost * #non-zero babies + #non-zero
/// giants; ties go to the smaller number of rotations in total, then the smaller G. If
/// reduce_giants, giant steps are taken modulo `period` (see BsgsSplit).
/// @throws ola::Error if shifts is empty or period is not a power of two.
BsgsSplit split_shifts(std::span<const int> shifts, int period, double baby_cost = 0.5,
                       bool reduce_giants = false);

/// Signed representative of v modulo the power of two m, in [-m/2, m/2).
int signed_mod(long v, int m);

/// A linear map from a slot vector repeating with period in_period to one repeating with period
/// out_period, as out = sum_d diag_d (.) rotate(in, shifts[d]) followed by replication.
///
/// Invariants: periods are powers of two dividing slots; shifts distinct, ascending, in
/// [-in_period/2, in_period/2); entries[d] holds (i, w) with i in [0, out_period), meaning
/// diag_d[i + j * mask_period] = w for every j; replicate_steps are the rotations that fill the
/// output copies when out_period < in_period (out += rotate(out, s) for each s).
/// Thread safety: a plain value; concurrent reads are safe.
struct SlotTransform {
  int slots = 0;
  int in_period = 0;
  int out_period = 0;
  int mask_period = 0;  ///< max(in_period, out_period)
  std::vector<int> shifts;
  std::vector<std::vector<std::pair<int, double>>> entries;
  BsgsSplit split;
  std::vector<int> replicate_steps;
};

/// Builds the diagonal form of the map given by `terms`; terms with the same (out, in) add up.
/// @throws ola::Error if a period is not a power of two dividing slots, a term's slot is out of
///         range, or terms is empty.
SlotTransform compile_transform(std::span<const SlotTerm> terms, int slots, int in_period,
                                int out_period, double baby_cost = 0.5);

/// The full-length plaintext vector rotate(diag_d, -g) that multiplies rotate(in, shifts[d] - g).
/// @pre d < t.shifts.size().
std::vector<double> prerotated_diagonal(const SlotTransform& t, std::size_t d, int g);

/// Rotation steps the transform performs, reduced to [1, slots), ascending, distinct.
std::vector<int> rotation_steps(const SlotTransform& t);

/// Union of several step lists, ascending, distinct.
std::vector<int> merge_steps(std::span<const std::vector<int>> lists);

}  // namespace ola::he
