#include "ckks/boot/boot_matrices.h"

#include <bit>
#include <string>

#include "ckks/boot/special_dft.h"
#include "util/error.h"

namespace ola::ckks {

BootMatrices make_boot_matrices(int slots, int max_slots, int cts_levels, int stc_levels) {
  if (slots < 2 || slots > max_slots || !std::has_single_bit(static_cast<unsigned>(slots))) {
    throw Error(ola::mismatch("make_boot_matrices", "slots", "a power of two in 2.." + std::to_string(max_slots),
                              slots));
  }
  const int logn = std::countr_zero(static_cast<unsigned>(slots));
  if (cts_levels < 1 || cts_levels > logn) {
    throw Error(ola::mismatch("make_boot_matrices", "cts_levels", "1.." + std::to_string(logn), cts_levels));
  }
  if (stc_levels < 1 || stc_levels > logn) {
    throw Error(ola::mismatch("make_boot_matrices", "stc_levels", "1.." + std::to_string(logn), stc_levels));
  }
  BootMatrices b;
  b.slots = slots;
  b.sparse = slots < max_slots;
  b.dim = b.sparse ? 2 * slots : slots;
  b.cts = merge_stages(idft_stages(slots), cts_levels);
  b.stc = merge_stages(dft_stages(slots), stc_levels);
  if (!b.sparse) {
    scale_inplace(b.cts.back(), 0.5);
    return b;
  }
  for (auto& m : b.cts) m = lift(m, b.dim);
  for (auto& m : b.stc) m = lift(m, b.dim);
  ComplexVector mask(b.dim);
  for (int p = 0; p < b.dim; ++p) mask[p] = p < slots ? Complex(0.5, 0.0) : Complex(0.0, -0.5);
  scale_rows_inplace(b.cts.back(), mask);
  // x = A v + B rot_n(v): A = diag([1 | i]), B = diag([i | 1]).
  DiagonalMatrix combine{b.dim, {}};
  ComplexVector a(b.dim), c(b.dim);
  for (int p = 0; p < b.dim; ++p) {
    a[p] = p < slots ? Complex(1, 0) : Complex(0, 1);
    c[p] = p < slots ? Complex(0, 1) : Complex(1, 0);
  }
  combine.diagonals[0] = std::move(a);
  combine.diagonals[slots] = std::move(c);
  b.stc.front() = multiply(b.stc.front(), combine);
  return b;
}

}  // namespace ola::ckks
