#include "ckks/lintrans/diagonal_matrix.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "util/error.h"

namespace ola::ckks {

namespace {

bool negligible(const ComplexVector& v, double drop_below) {
  return std::all_of(v.begin(), v.end(), [&](const Complex& c) { return std::abs(c) <= drop_below; });
}

}  // namespace

int normalize_offset(long k, int dim) {
  long r = k % dim;
  if (r < 0) r += dim;
  return static_cast<int>(r);
}

ComplexVector rotate_left(std::span<const Complex> v, long k) {
  if (v.empty()) throw Error(ola::mismatch("rotate_left", "v.size()", ">= 1", 0));
  const int n = static_cast<int>(v.size());
  const int s = normalize_offset(k, n);
  ComplexVector out(v.begin(), v.end());
  std::rotate(out.begin(), out.begin() + s, out.end());
  return out;
}

void validate(const DiagonalMatrix& m) {
  if (m.dim < 1) throw Error(ola::mismatch("DiagonalMatrix", "dim", ">= 1", m.dim));
  for (const auto& [k, d] : m.diagonals) {
    if (k < 0 || k >= m.dim) {
      throw Error(ola::mismatch("DiagonalMatrix", "diagonal offset", "0.." + std::to_string(m.dim - 1), k));
    }
    if (static_cast<int>(d.size()) != m.dim) {
      throw Error(ola::mismatch("DiagonalMatrix", "diagonal " + std::to_string(k) + " length", m.dim, d.size()));
    }
  }
}

DiagonalMatrix identity_matrix(int dim) {
  if (dim < 1) throw Error(ola::mismatch("identity_matrix", "dim", ">= 1", dim));
  DiagonalMatrix m{dim, {}};
  m.diagonals[0] = ComplexVector(dim, Complex(1.0, 0.0));
  return m;
}

DiagonalMatrix from_dense(const std::vector<ComplexVector>& rows, double drop_below) {
  const int n = static_cast<int>(rows.size());
  if (n == 0) throw Error(ola::mismatch("from_dense", "rows", ">= 1", 0));
  for (const auto& r : rows) {
    if (static_cast<int>(r.size()) != n) throw Error(ola::mismatch("from_dense", "row length", n, r.size()));
  }
  DiagonalMatrix m{n, {}};
  for (int k = 0; k < n; ++k) {
    ComplexVector d(n);
    for (int i = 0; i < n; ++i) d[i] = rows[i][(i + k) % n];
    if (!negligible(d, drop_below)) m.diagonals.emplace(k, std::move(d));
  }
  return m;
}

std::vector<ComplexVector> to_dense(const DiagonalMatrix& m) {
  validate(m);
  std::vector<ComplexVector> rows(m.dim, ComplexVector(m.dim));
  for (const auto& [k, d] : m.diagonals) {
    for (int i = 0; i < m.dim; ++i) rows[i][(i + k) % m.dim] += d[i];
  }
  return rows;
}

ComplexVector apply_matrix(const DiagonalMatrix& m, std::span<const Complex> x) {
  validate(m);
  if (static_cast<int>(x.size()) != m.dim) throw Error(ola::mismatch("apply", "x.size()", m.dim, x.size()));
  ComplexVector y(m.dim);
  for (const auto& [k, d] : m.diagonals) {
    const ComplexVector r = rotate_left(x, k);
    for (int i = 0; i < m.dim; ++i) y[i] += d[i] * r[i];
  }
  return y;
}

DiagonalMatrix multiply(const DiagonalMatrix& a, const DiagonalMatrix& b, double drop_below) {
  validate(a);
  validate(b);
  if (a.dim != b.dim) throw Error(ola::mismatch("multiply", "b.dim", a.dim, b.dim));
  const int n = a.dim;
  DiagonalMatrix c{n, {}};
  for (const auto& [i, ai] : a.diagonals) {
    for (const auto& [j, bj] : b.diagonals) {
      const ComplexVector rb = rotate_left(bj, i);
      auto [it, inserted] = c.diagonals.try_emplace((i + j) % n, ComplexVector(n));
      ComplexVector& out = it->second;
      for (int t = 0; t < n; ++t) out[t] += ai[t] * rb[t];
    }
  }
  std::erase_if(c.diagonals, [&](const auto& kv) { return negligible(kv.second, drop_below); });
  return c;
}

void scale_rows_inplace(DiagonalMatrix& m, std::span<const Complex> row_factors) {
  if (static_cast<int>(row_factors.size()) != m.dim) {
    throw Error(ola::mismatch("scale_rows_inplace", "row_factors.size()", m.dim, row_factors.size()));
  }
  for (auto& [k, d] : m.diagonals) {
    for (int i = 0; i < m.dim; ++i) d[i] *= row_factors[i];
  }
}

void scale_inplace(DiagonalMatrix& m, Complex s) {
  for (auto& [k, d] : m.diagonals) {
    for (auto& v : d) v *= s;
  }
}

DiagonalMatrix lift(const DiagonalMatrix& m, int dim) {
  validate(m);
  if (dim < m.dim || dim % m.dim != 0) {
    throw Error(ola::mismatch("lift", "dim", "a multiple of " + std::to_string(m.dim), dim));
  }
  DiagonalMatrix out{dim, {}};
  for (const auto& [k, d] : m.diagonals) {
    ComplexVector big(dim);
    for (int i = 0; i < dim; ++i) big[i] = d[i % m.dim];
    out.diagonals.emplace(k, std::move(big));
  }
  return out;
}

double max_abs_difference(const DiagonalMatrix& a, const DiagonalMatrix& b) {
  if (a.dim != b.dim) throw Error(ola::mismatch("max_abs_difference", "b.dim", a.dim, b.dim));
  const auto da = to_dense(a);
  const auto db = to_dense(b);
  double worst = 0.0;
  for (int i = 0; i < a.dim; ++i) {
    for (int j = 0; j < a.dim; ++j) worst = std::max(worst, std::abs(da[i][j] - db[i][j]));
  }
  return worst;
}

}  // namespace ola::ckks
