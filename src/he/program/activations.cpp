#include "he/program/activations.h"

#include <algorithm>
#include <string>

#include "approx/chebyshev.h"
#include "he/ckks_activation.h"
#include "util/error.h"

namespace ola::he {

SlotPoly channel_slot_poly(const ProgramActivation& a) {
  const approx::Approximation& ap = a.approximation;
  const Layout& l = a.layout;
  const std::string where = "channel_slot_poly(site " + std::to_string(a.site) + ")";
  if (!ap.has_channel_polys() || ap.stages.empty()) {
    throw Error(ola::mismatch(where, "approximation", "per-channel polynomials", ap.label()));
  }
  if (a.first_channel < 0 || static_cast<std::size_t>(a.first_channel + l.channels) > ap.channels.size()) {
    throw Error(ola::mismatch(where, "per-channel polynomials", ">= " + std::to_string(a.first_channel + l.channels),
                              ap.channels.size()));
  }
  const approx::ChebPoly& site = ap.stages[0];
  std::vector<approx::ChebPoly> polys;
  std::size_t terms = 1;
  for (int c = 0; c < l.channels; ++c) {
    const approx::ChebPoly& own = ap.channels[static_cast<std::size_t>(a.first_channel + c)];
    polys.push_back(a.channel_basis ? own : approx::on_interval(own, site.lo, site.hi));
    if (polys.back().degree() > approx::kMaxPerChannelDegree) {
      throw Error(ola::mismatch(where + ": channel " + std::to_string(a.first_channel + c), "degree",
                                "<= " + std::to_string(approx::kMaxPerChannelDegree), polys.back().degree()));
    }
    terms = std::max(terms, polys.back().coeffs.size());
  }
  SlotPoly out;
  out.c.assign(terms, std::vector<double>(static_cast<std::size_t>(l.slots), 0.0));
  for (int c = 0; c < l.channels; ++c) {
    const approx::ChebPoly& q = polys[static_cast<std::size_t>(c)];
    for (int y = 0; y < l.height; ++y) {
      for (int x = 0; x < l.width; ++x) {
        for (int copy = 0; copy < l.copies(); ++copy) {
          const auto slot = static_cast<std::size_t>(slot_of(l, c, y, x) + copy * l.period());
          for (std::size_t k = 0; k < q.coeffs.size(); ++k) out.c[k][slot] = a.out_factor * q.coeffs[k];
        }
      }
    }
  }
  return out;
}

namespace {

/// evaluate_slot_poly with a's per-slot coefficients, for backend B.
template <SlotBackend B>
ActivationFn<B> slot_poly_activation(const ProgramActivation& a) {
  return [p = channel_slot_poly(a)](B& be, const typename B::Ciphertext& t) { return evaluate_slot_poly(be, t, p); };
}

}  // namespace

std::vector<ActivationFn<SlotSimBackend>> sim_program_activations(const Program& p) {
  std::vector<ActivationFn<SlotSimBackend>> fns;
  for (const ProgramActivation& a : p.activations) {
    if (a.approximation.has_channel_polys()) {
      fns.push_back(slot_poly_activation<SlotSimBackend>(a));
      continue;
    }
    if (a.split > 0) {
      fns.push_back(sim_activation(
          [stages = a.approximation.stages, k = static_cast<std::size_t>(a.split)](double t) {
            for (std::size_t i = 0; i < k; ++i) t = approx::evaluate(stages[i], t);
            return t;
          },
          a.head_depth));
      continue;
    }
    fns.push_back(sim_activation(
        [approximation = a.approximation, s = a.t_scale, b = a.t_shift, c = a.out_factor](double u) {
          return c * approx::evaluate(approximation, (u - b) / s);
        },
        a.depth));
  }
  return fns;
}

std::vector<ActivationTailFn<SlotSimBackend>> sim_program_activation_tails(const Program& p) {
  std::vector<ActivationTailFn<SlotSimBackend>> fns(p.activations.size());
  for (std::size_t j = 0; j < p.activations.size(); ++j) {
    const ProgramActivation& a = p.activations[j];
    if (a.split == 0) continue;
    fns[j] = [a](SlotSimBackend& be, const SimCiphertext& s, const SimCiphertext& t) {
      SimCiphertext out = be.map_slots(s, [](double v) { return v; }, a.depth - a.head_depth);
      const auto& st = a.approximation.stages;
      for (std::size_t i = 0; i < out.slots.size(); ++i) {
        double v = s.slots[i];
        for (std::size_t k = static_cast<std::size_t>(a.split); k < st.size(); ++k) v = approx::evaluate(st[k], v);
        const double x = (t.slots[i] - a.t_shift) / a.t_scale;
        out.slots[i] = a.out_factor * x * (1.0 + v) / 2.0;
      }
      return out;
    };
  }
  return fns;
}

std::vector<ActivationFn<CkksBackend>> ckks_program_activations(const Program& p) {
  std::vector<ActivationFn<CkksBackend>> fns;
  for (const ProgramActivation& a : p.activations) {
    if (a.approximation.has_channel_polys()) {
      fns.push_back(slot_poly_activation<CkksBackend>(a));
      continue;
    }
    if (a.split > 0) {
      fns.push_back(ckks_split_composite_relu_activation(a.approximation, a.out_factor, a.split).head);
      continue;
    }
    if (a.approximation.kind == approx::Kind::composite_relu) {
      fns.push_back(ckks_composite_relu_activation(a.approximation, a.out_factor));
      continue;
    }
    if (a.approximation.stages.size() != 1) {
      throw Error(ola::mismatch("ckks_program_activations: site " + std::to_string(a.site), "approximation",
                                "one stage (wls, minimax) or composite_relu", a.approximation.label()));
    }
    approx::ChebPoly q = a.approximation.stages[0];
    for (double& c : q.coeffs) c *= a.out_factor;
    fns.push_back(ckks_chebyshev_activation(q));
  }
  return fns;
}

std::vector<ActivationTailFn<CkksBackend>> ckks_program_activation_tails(const Program& p) {
  std::vector<ActivationTailFn<CkksBackend>> fns(p.activations.size());
  for (std::size_t j = 0; j < p.activations.size(); ++j) {
    const ProgramActivation& a = p.activations[j];
    if (a.split > 0) fns[j] = ckks_split_composite_relu_activation(a.approximation, a.out_factor, a.split).tail;
  }
  return fns;
}

}  // namespace ola::he
