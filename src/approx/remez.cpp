// Remez exchange in MPFR (see remez.h).
#include "approx/remez.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "approx/fit_error.h"
#include "approx/mp_real.h"

namespace ola::approx {
namespace {

using detail::MpReal;

class RemezSolver {
 public:
  RemezSolver(const MpFunction& f, double a, double b, const std::vector<int>& basis,
              const RemezOptions& opt)
      : f_(f), a_(a), b_(b), basis_(basis), opt_(opt), prec_(opt.precision_bits),
        dmax_(basis.back()), n_(static_cast<int>(basis.size())) {
    coeffs_.assign(static_cast<std::size_t>(dmax_) + 1, MpReal(prec_));
  }

  RemezResult run() {
    // Initial reference: Chebyshev extrema of degree n mapped to [a, b].
    std::vector<double> ref(static_cast<std::size_t>(n_) + 1);
    for (int i = 0; i <= n_; ++i) ref[static_cast<std::size_t>(i)] = map(-std::cos(std::numbers::pi * i / n_));
    RemezResult res;
    for (int it = 1; it <= opt_.max_iterations; ++it) {
      res.levelled_error = std::abs(solve(ref));
      std::vector<Extremum> ext = extrema();
      double emax = 0.0;
      for (const auto& e : ext) emax = std::max(emax, std::abs(e.e));
      res.max_error = emax;
      res.iterations = it;
      if (emax <= 1e-28) return finish(res);  // f lies in the span: exact
      if (static_cast<int>(ext.size()) < n_ + 1) {
        throw FitError(ola::mismatch("remez", "alternation points", ">= " + std::to_string(n_ + 1),
                                     ext.size()));
      }
      reduce(ext);
      double emin = emax;
      for (const auto& e : ext) emin = std::min(emin, std::abs(e.e));
      for (int i = 0; i <= n_; ++i) ref[static_cast<std::size_t>(i)] = ext[static_cast<std::size_t>(i)].t;
      if ((emax - emin) <= opt_.tolerance * emax) return finish(res);
    }
    throw FitError(ola::mismatch("remez", "iterations", "convergence within " +
                                 std::to_string(opt_.max_iterations), "no convergence"));
  }

 private:
  struct Extremum {
    double t;
    double e;
  };

  double map(double u) const { return 0.5 * (a_ + b_) + 0.5 * (b_ - a_) * u; }

  RemezResult finish(RemezResult res) const {
    res.coeffs.assign(static_cast<std::size_t>(dmax_) + 1, 0.0);
    for (int k : basis_) res.coeffs[static_cast<std::size_t>(k)] = coeffs_[static_cast<std::size_t>(k)].to_double();
    return res;
  }

  // Solves sum_j c_j T_{k_j}(x_i) + (-1)^i E = f(x_i), i = 0..n; returns E.
  double solve(const std::vector<double>& ref) {
    const int m = n_ + 1;
    std::vector<MpReal> A(static_cast<std::size_t>(m * m), MpReal(prec_));
    std::vector<MpReal> rhs(static_cast<std::size_t>(m), MpReal(prec_));
    std::vector<MpReal> T(static_cast<std::size_t>(dmax_) + 1, MpReal(prec_));
    MpReal t(prec_), tmp(prec_);
    for (int i = 0; i < m; ++i) {
      mpfr_set_d(t.get(), ref[static_cast<std::size_t>(i)], MPFR_RNDN);
      cheb_all(t, T, tmp);
      for (int j = 0; j < n_; ++j) {
        mpfr_set(A[static_cast<std::size_t>(i * m + j)].get(), T[static_cast<std::size_t>(basis_[static_cast<std::size_t>(j)])].get(), MPFR_RNDN);
      }
      mpfr_set_si(A[static_cast<std::size_t>(i * m + n_)].get(), i % 2 == 0 ? 1 : -1, MPFR_RNDN);
      f_(rhs[static_cast<std::size_t>(i)].get(), t.get());
    }
    gauss(A, rhs, m);
    for (auto& c : coeffs_) mpfr_set_zero(c.get(), 1);
    for (int j = 0; j < n_; ++j) {
      mpfr_set(coeffs_[static_cast<std::size_t>(basis_[static_cast<std::size_t>(j)])].get(), rhs[static_cast<std::size_t>(j)].get(), MPFR_RNDN);
    }
    return rhs[static_cast<std::size_t>(n_)].to_double();
  }

  void cheb_all(const MpReal& t, std::vector<MpReal>& T, MpReal& tmp) const {
    mpfr_set_si(T[0].get(), 1, MPFR_RNDN);
    if (dmax_ >= 1) mpfr_set(T[1].get(), t.get(), MPFR_RNDN);
    for (int k = 2; k <= dmax_; ++k) {
      mpfr_mul(tmp.get(), t.get(), T[static_cast<std::size_t>(k - 1)].get(), MPFR_RNDN);
      mpfr_mul_2ui(tmp.get(), tmp.get(), 1, MPFR_RNDN);
      mpfr_sub(T[static_cast<std::size_t>(k)].get(), tmp.get(), T[static_cast<std::size_t>(k - 2)].get(), MPFR_RNDN);
    }
  }

  // Gaussian elimination with partial pivoting; the solution replaces rhs.
  void gauss(std::vector<MpReal>& A, std::vector<MpReal>& rhs, int m) const {
    MpReal factor(prec_), tmp(prec_);
    auto at = [&](int r, int c) -> MpReal& { return A[static_cast<std::size_t>(r * m + c)]; };
    for (int col = 0; col < m; ++col) {
      int piv = col;
      for (int r = col + 1; r < m; ++r) {
        if (mpfr_cmpabs(at(r, col).get(), at(piv, col).get()) > 0) piv = r;
      }
      if (mpfr_zero_p(at(piv, col).get())) {
        throw FitError(ola::mismatch("remez", "reference system", "non-singular", "singular"));
      }
      if (piv != col) {
        for (int c = 0; c < m; ++c) mpfr_swap(at(piv, c).get(), at(col, c).get());
        mpfr_swap(rhs[static_cast<std::size_t>(piv)].get(), rhs[static_cast<std::size_t>(col)].get());
      }
      for (int r = col + 1; r < m; ++r) {
        mpfr_div(factor.get(), at(r, col).get(), at(col, col).get(), MPFR_RNDN);
        for (int c = col; c < m; ++c) {
          mpfr_mul(tmp.get(), factor.get(), at(col, c).get(), MPFR_RNDN);
          mpfr_sub(at(r, c).get(), at(r, c).get(), tmp.get(), MPFR_RNDN);
        }
        mpfr_mul(tmp.get(), factor.get(), rhs[static_cast<std::size_t>(col)].get(), MPFR_RNDN);
        mpfr_sub(rhs[static_cast<std::size_t>(r)].get(), rhs[static_cast<std::size_t>(r)].get(), tmp.get(), MPFR_RNDN);
      }
    }
    for (int r = m - 1; r >= 0; --r) {
      for (int c = r + 1; c < m; ++c) {
        mpfr_mul(tmp.get(), at(r, c).get(), rhs[static_cast<std::size_t>(c)].get(), MPFR_RNDN);
        mpfr_sub(rhs[static_cast<std::size_t>(r)].get(), rhs[static_cast<std::size_t>(r)].get(), tmp.get(), MPFR_RNDN);
      }
      mpfr_div(rhs[static_cast<std::size_t>(r)].get(), rhs[static_cast<std::size_t>(r)].get(), at(r, r).get(), MPFR_RNDN);
    }
  }

  // e(t) = f(t) - p(t) with p by Clenshaw, in MPFR; returned as a double.
  double error_at(double tv) {
    mpfr_set_d(t_.get(), tv, MPFR_RNDN);
    mpfr_set_zero(b1_.get(), 1);
    mpfr_set_zero(b2_.get(), 1);
    for (int k = dmax_; k >= 1; --k) {
      // b0 = 2 t b1 - b2 + c_k
      mpfr_mul(tmp_.get(), t_.get(), b1_.get(), MPFR_RNDN);
      mpfr_mul_2ui(tmp_.get(), tmp_.get(), 1, MPFR_RNDN);
      mpfr_sub(tmp_.get(), tmp_.get(), b2_.get(), MPFR_RNDN);
      mpfr_add(tmp_.get(), tmp_.get(), coeffs_[static_cast<std::size_t>(k)].get(), MPFR_RNDN);
      mpfr_swap(b2_.get(), b1_.get());
      mpfr_swap(b1_.get(), tmp_.get());
    }
    // p = t b1 - b2 + c_0
    mpfr_mul(tmp_.get(), t_.get(), b1_.get(), MPFR_RNDN);
    mpfr_sub(tmp_.get(), tmp_.get(), b2_.get(), MPFR_RNDN);
    mpfr_add(tmp_.get(), tmp_.get(), coeffs_[0].get(), MPFR_RNDN);
    f_(fv_.get(), t_.get());
    mpfr_sub(fv_.get(), fv_.get(), tmp_.get(), MPFR_RNDN);
    return mpfr_get_d(fv_.get(), MPFR_RNDN);
  }

  // One extremum per maximal run of constant sign on a scan grid, refined by golden section.
  std::vector<Extremum> extrema() {
    const int M = std::max(64, opt_.grid_per_coeff * (n_ + 1)) + 1;
    std::vector<double> ts(static_cast<std::size_t>(M)), es(static_cast<std::size_t>(M));
    for (int j = 0; j < M; ++j) {
      ts[static_cast<std::size_t>(j)] = j == 0 ? a_ : j == M - 1 ? b_ : map(-std::cos(std::numbers::pi * j / (M - 1)));
      es[static_cast<std::size_t>(j)] = error_at(ts[static_cast<std::size_t>(j)]);
    }
    std::vector<Extremum> out;
    int j = 0;
    while (j < M) {
      const bool pos = es[static_cast<std::size_t>(j)] >= 0.0;
      int best = j;
      int k = j;
      while (k < M && (es[static_cast<std::size_t>(k)] >= 0.0) == pos) {
        if (std::abs(es[static_cast<std::size_t>(k)]) > std::abs(es[static_cast<std::size_t>(best)])) best = k;
        ++k;
      }
      out.push_back(refine(ts, es, best, pos ? 1.0 : -1.0));
      j = k;
    }
    return out;
  }

  Extremum refine(const std::vector<double>& ts, const std::vector<double>& es, int j, double s) {
    const int M = static_cast<int>(ts.size());
    Extremum best{ts[static_cast<std::size_t>(j)], es[static_cast<std::size_t>(j)]};
    double lo = ts[static_cast<std::size_t>(std::max(0, j - 1))];
    double hi = ts[static_cast<std::size_t>(std::min(M - 1, j + 1))];
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    double f1 = s * error_at(x1), f2 = s * error_at(x2);
    for (int it = 0; it < 40 && hi - lo > 1e-15 * (1.0 + std::abs(lo)); ++it) {
      if (f1 < f2) {
        lo = x1;
        x1 = x2;
        f1 = f2;
        x2 = lo + g * (hi - lo);
        f2 = s * error_at(x2);
      } else {
        hi = x2;
        x2 = x1;
        f2 = f1;
        x1 = hi - g * (hi - lo);
        f1 = s * error_at(x1);
      }
    }
    const double xm = f1 > f2 ? x1 : x2;
    const double fm = std::max(f1, f2);
    if (fm > s * best.e) best = {xm, s * fm};
    return best;
  }

  // Keeps n+1 alternating extrema, dropping the smaller end point each time (the global maximum is
  // never dropped).
  void reduce(std::vector<Extremum>& ext) const {
    std::size_t first = 0, last = ext.size();
    while (last - first > static_cast<std::size_t>(n_) + 1) {
      if (std::abs(ext[first].e) < std::abs(ext[last - 1].e)) ++first;
      else --last;
    }
    ext = std::vector<Extremum>(ext.begin() + static_cast<std::ptrdiff_t>(first),
                                ext.begin() + static_cast<std::ptrdiff_t>(last));
  }

  const MpFunction& f_;
  double a_, b_;
  std::vector<int> basis_;
  RemezOptions opt_;
  mpfr_prec_t prec_;
  int dmax_;
  int n_;
  std::vector<MpReal> coeffs_;
  MpReal t_{prec_}, b1_{prec_}, b2_{prec_}, tmp_{prec_}, fv_{prec_};
};

}  // namespace

RemezResult remez(const MpFunction& f, double a, double b, const std::vector<int>& basis,
                  const RemezOptions& options) {
  if (!(a < b)) throw FitError(ola::mismatch("remez", "interval", "a < b", std::to_string(a) + " >= " + std::to_string(b)));
  if (a < -1.0 || b > 1.0) {
    throw FitError(ola::mismatch("remez", "interval", "inside [-1, 1]",
                                 "[" + std::to_string(a) + ", " + std::to_string(b) + "]"));
  }
  if (basis.empty()) throw FitError(ola::mismatch("remez", "basis.size()", ">= 1", 0));
  for (std::size_t i = 0; i < basis.size(); ++i) {
    if (basis[i] < 0 || (i > 0 && basis[i] <= basis[i - 1])) {
      throw FitError(ola::mismatch("remez", "basis", "strictly increasing indices >= 0",
                                   "index " + std::to_string(basis[i]) + " at " + std::to_string(i)));
    }
  }
  RemezSolver solver(f, a, b, basis, options);
  return solver.run();
}

}  // namespace ola::approx
