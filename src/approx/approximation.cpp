// Names, exact activations, labels and plain evaluation of the Approximation value type.
#include "approx/approximation.h"

#include <cmath>
#include <sstream>

#include "approx/fit_error.h"

namespace ola::approx {

std::string to_string(Activation a) {
  switch (a) {
    case Activation::relu: return "relu";
    case Activation::gelu: return "gelu";
    case Activation::silu: return "silu";
  }
  OLA_CHECK(false, "unknown Activation " << static_cast<int>(a));
  return {};
}

std::string to_string(Kind k) {
  switch (k) {
    case Kind::exact: return "exact";
    case Kind::wls: return "wls";
    case Kind::minimax: return "minimax";
    case Kind::composite_relu: return "composite_relu";
  }
  OLA_CHECK(false, "unknown Kind " << static_cast<int>(k));
  return {};
}

Activation activation_from_string(const std::string& name) {
  if (name == "relu") return Activation::relu;
  if (name == "gelu") return Activation::gelu;
  if (name == "silu") return Activation::silu;
  throw FitError(ola::mismatch("activation_from_string", "name", "relu|gelu|silu", "'" + name + "'"));
}

Kind kind_from_string(const std::string& name) {
  if (name == "exact") return Kind::exact;
  if (name == "wls") return Kind::wls;
  if (name == "minimax") return Kind::minimax;
  if (name == "composite_relu") return Kind::composite_relu;
  throw FitError(ola::mismatch("kind_from_string", "name", "exact|wls|minimax|composite_relu",
                          "'" + name + "'"));
}

double activation_value(Activation a, double x) {
  switch (a) {
    case Activation::relu: return x > 0.0 ? x : 0.0;
    case Activation::gelu: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    case Activation::silu: return x / (1.0 + std::exp(-x));
  }
  OLA_CHECK(false, "unknown Activation " << static_cast<int>(a));
  return 0.0;
}

int Approximation::degree() const {
  if (kind == Kind::exact) return 0;
  int d = 1;
  for (const auto& s : stages) d *= s.degree();
  return kind == Kind::composite_relu ? d + 1 : d;
}

std::string Approximation::label() const {
  std::ostringstream os;
  switch (kind) {
    case Kind::exact: return "exact";
    case Kind::wls: os << "wls d=" << degree(); break;
    case Kind::minimax: os << "minimax d=" << degree(); break;
    case Kind::composite_relu: {
      os << "relu a=" << alpha << " {";
      for (std::size_t i = 0; i < stages.size(); ++i) os << (i ? "," : "") << stages[i].degree();
      os << "}";
      break;
    }
  }
  return os.str();
}

namespace {

// Sum_k c_k T_k(t) by the three-term recurrence T_{k+1} = 2t T_k - T_{k-1}.
template <class Real>
Real cheb_sum(const std::vector<double>& c, Real t) {
  if (c.empty()) return Real(0);
  Real prev = 1, cur = t, sum = Real(c[0]);
  if (c.size() > 1) sum += Real(c[1]) * t;
  for (std::size_t k = 2; k < c.size(); ++k) {
    const Real next = 2 * t * cur - prev;
    sum += Real(c[k]) * next;
    prev = cur;
    cur = next;
  }
  return sum;
}

template <class Real>
Real eval_stage(const ChebPoly& p, Real x) {
  const Real t = (2 * x - Real(p.lo) - Real(p.hi)) / (Real(p.hi) - Real(p.lo));
  return cheb_sum<Real>(p.coeffs, t);
}

template <class Real>
Real eval_approx(const Approximation& a, Real x) {
  switch (a.kind) {
    case Kind::exact: return Real(activation_value(a.activation, static_cast<double>(x)));
    case Kind::wls:
    case Kind::minimax:
      OLA_CHECK(a.stages.size() == 1, "evaluate: stages: expected 1, got " << a.stages.size());
      return eval_stage<Real>(a.stages[0], x);
    case Kind::composite_relu: {
      const Real bound = std::max(std::abs(Real(a.lo)), std::abs(Real(a.hi)));
      Real s = x / bound;
      for (const auto& st : a.stages) s = eval_stage<Real>(st, s);
      return x * (1 + s) / 2;
    }
  }
  OLA_CHECK(false, "unknown Kind");
  return Real(0);
}

}  // namespace

double evaluate(const Approximation& a, double x) { return eval_approx<double>(a, x); }
long double evaluate_long(const Approximation& a, long double x) {
  return eval_approx<long double>(a, x);
}
double evaluate(const ChebPoly& p, double x) { return eval_stage<double>(p, x); }

}  // namespace ola::approx
