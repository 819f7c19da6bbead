// Names, exact activations, labels and plain evaluation of the Approximation value type.
#include "approx/approximation.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "approx/chebyshev.h"
#include "approx/compiled.h"
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
    case Kind::wls: os << "wls d=" << degree() << (channels.empty() ? "" : " per-channel"); break;
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

double per_channel_error_gain(const Approximation& a, ChannelBasis basis) {
  if (a.channels.empty() || a.stages.empty()) return 0.0;
  double worst = 0.0;
  for (const ChebPoly& c : a.channels) {
    const ChebPoly q = basis == ChannelBasis::site_interval ? on_interval(c, a.stages[0].lo, a.stages[0].hi) : c;
    double gain = 0.0;
    for (std::size_t k = 1; k < q.coeffs.size(); ++k) gain += static_cast<double>(k * k) * std::abs(q.coeffs[k]);
    worst = std::max(worst, gain);
  }
  return worst;
}

PerSlotOps per_slot_ops(int degree) {
  if (degree < 2 || degree > kMaxPerChannelDegree) {
    throw FitError(ola::mismatch("per_slot_ops", "degree", "2.." + std::to_string(kMaxPerChannelDegree), degree));
  }
  int depth = 2;  // the cubic leaf: T_2, then (2 c3 t + c2) * T_2
  while ((1 << depth) <= degree) ++depth;
  const int doublings = depth - 1, leaves = 1 << (depth - 2), joins = leaves - 1;
  PerSlotOps n;
  n.depth = depth;
  // leaf: 2 plaintext products, 2 plaintext additions, 1 ciphertext product, 1 scale match, 1 add;
  // doubling 2 T^2 - 1: 1 product, 1 add, 1 plaintext add; join q * T_m + r: 1 product, 1 scale match, 1 add.
  n.ct_mults = leaves + doublings + joins;
  n.plain_mults = 2 * leaves;
  n.const_mults = leaves + joins;
  n.plain_adds = 2 * leaves + doublings;
  n.adds = leaves + doublings + joins;
  return n;
}

Approximation channel_approximation(const Approximation& a, std::size_t c) {
  if (c >= a.channels.size()) {
    throw FitError(ola::mismatch("channel_approximation", "channel", "< " + std::to_string(a.channels.size()), c));
  }
  Approximation out;
  out.activation = a.activation;
  out.kind = Kind::wls;
  out.lo = a.channels[c].lo;
  out.hi = a.channels[c].hi;
  out.stages = {a.channels[c]};
  out.counts = a.counts;
  return out;
}

namespace {
void refuse_channel_polys(const Approximation& a) {
  if (a.has_channel_polys()) {
    throw FitError(ola::mismatch("evaluate", "approximation " + a.label(), "one polynomial for every channel",
                                 "per-channel polynomials (evaluate channel_approximation(a, c))"));
  }
}
}  // namespace

double evaluate(const Approximation& a, double x) {
  refuse_channel_polys(a);
  if (a.kind == Kind::exact) return activation_value(a.activation, x);
  return evaluate(compiled_cached(a), x);
}

long double evaluate_long(const Approximation& a, long double x) {
  refuse_channel_polys(a);
  if (a.kind == Kind::exact) return activation_value(a.activation, static_cast<double>(x));
  return evaluate_long(compiled_cached(a), x);
}

double evaluate(const ChebPoly& p, double x) {
  Approximation a;
  a.kind = Kind::minimax;
  a.lo = p.lo;
  a.hi = p.hi;
  a.stages = {p};
  return evaluate(compiled_cached(a), x);
}

void evaluate(const Approximation& a, std::span<const float> in, std::span<float> out) {
  refuse_channel_polys(a);
  evaluate(compiled_cached(a), in, out);
}

}  // namespace ola::approx
