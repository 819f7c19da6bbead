// Runs a compiled he::Program on any slot backend (simulator or CKKS), step by step, with an
// observer for progress and per-step timing.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "he/backend.h"
#include "he/conv.h"
#include "he/pool_fc.h"
#include "he/program/program.h"
#include "he/residual.h"
#include "util/error.h"

namespace ola::he {

/// Called after each step with its index, the step, its wall time in seconds and the level of its
/// output as run.
using StepObserver = std::function<void(std::size_t index, const ProgramStep& step, double seconds, int level)>;

/// Runs `p` on `input` (pack(p.input_layout, image), encrypted at p.options.fresh_level) and returns
/// the ciphertext holding the logits (read them with unpack_logits(p.head, slots)).
/// `activations[i]` evaluates p.activations[i]'s polynomial on t (see program.h); build them with
/// sim_program_activations or ckks_program_activations (he/program/activations.h).
/// `tails[i]` finishes p.activations[i] when it is split (ProgramActivation::split > 0; build them
/// with sim_program_activation_tails or ckks_program_activation_tails); may be empty if none is.
/// Levels: the input must be at fresh_level; every step's output level is checked against the
/// program's static level (a mismatch is a bug of the compiler or the backend).
/// @throws ola::Error if the input level is not p.options.fresh_level, activations.size() differs
///         from p.activations.size(), a split activation has no tail function, or the backend's level after a step differs from the
///         program's (e.g. a bootstrapper whose output level is not boot_level).
/// Other exceptions of the backend (missing keys) pass through.
template <SlotBackend B>
typename B::Ciphertext run_program(B& be, const Program& p, const typename B::Ciphertext& input,
                                   std::span<const ActivationFn<B>> activations,
                                   const StepObserver& observe = {},
                                   std::span<const ActivationTailFn<B>> tails = {}) {
  using Ct = typename B::Ciphertext;
  if (be.level(input) != p.options.fresh_level) {
    throw Error(ola::mismatch("run_program", "input level", p.options.fresh_level, be.level(input)));
  }
  if (activations.size() != p.activations.size()) {
    throw Error(ola::mismatch("run_program", "activation functions", p.activations.size(), activations.size()));
  }
  for (std::size_t i = 0; i < p.activations.size(); ++i) {
    if (p.activations[i].split > 0 && (i >= tails.size() || !tails[i])) {
      throw Error(ola::mismatch("run_program: activation " + std::to_string(i), "tail function", "one (split activation)",
                                "none"));
    }
  }
  // Last step reading each register, so dead ciphertexts are freed early.
  std::vector<std::size_t> last_use(static_cast<std::size_t>(p.registers), 0);
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    for (int r : {p.steps[i].input, p.steps[i].input2}) {
      if (r >= 0) last_use[static_cast<std::size_t>(r)] = i;
    }
  }
  std::vector<std::optional<Ct>> regs(static_cast<std::size_t>(p.registers));
  regs[static_cast<std::size_t>(p.input_register)] = input;
  auto get = [&](int r) -> const Ct& {
    const auto& v = regs.at(static_cast<std::size_t>(r));
    OLA_CHECK(v.has_value(), "run_program: register " << r << " read before it was written or after its last use");
    return *v;
  };
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const ProgramStep& s = p.steps[i];
    const auto t0 = std::chrono::steady_clock::now();
    Ct out;
    switch (s.op) {
      case ProgramOp::conv:
      case ProgramOp::shortcut: out = conv(be, get(s.input), p.convs.at(static_cast<std::size_t>(s.index))); break;
      case ProgramOp::activation: {
        const ProgramActivation& a = p.activations.at(static_cast<std::size_t>(s.index));
        const Ct& in = get(s.input);
        if (a.t_shift == 0.0) {  // e.g. channel_basis: the shift is in the convolution's bias
          out = activations[static_cast<std::size_t>(s.index)](be, in);
          break;
        }
        const std::vector<double> shift(static_cast<std::size_t>(be.slots()), a.t_shift);
        out = activations[static_cast<std::size_t>(s.index)](be, be.add_plain(in, be.encode_like(shift, in)));
        break;
      }
      case ProgramOp::activation_tail: {
        const ProgramActivation& a = p.activations.at(static_cast<std::size_t>(s.index));
        const Ct& t = get(s.input2);
        const std::vector<double> shift(static_cast<std::size_t>(be.slots()), a.t_shift);
        out = tails[static_cast<std::size_t>(s.index)](be, get(s.input), be.add_plain(t, be.encode_like(shift, t)));
        break;
      }
      case ProgramOp::add: {
        const Ct& a = get(s.input);
        const Ct& b = get(s.input2);
        if (be.level(a) == be.level(b) && s.level_after < be.level(a)) {
          // Equal levels: no spare level to absorb a scale drift, so spend one on both (program.h).
          out = be.add(be.match_scale(a, be.scale(b)), be.drop_to_level(b, be.level(b) - 1));
        } else {
          // Equal levels the compiler kept (two linear layers' outputs, at the base scale):
          // add_residual adds them as they are and refuses scales that differ.
          out = add_residual(be, a, b);
        }
        break;
      }
      case ProgramOp::sum: {
        const Ct& a = get(s.input);
        const Ct& b = get(s.input2);
        const int l = std::min(be.level(a), be.level(b));
        out = be.add(be.drop_to_level(a, l), be.drop_to_level(b, l));
        break;
      }
      case ProgramOp::pool_fc: out = pool_fc(be, get(s.input), p.head); break;
      case ProgramOp::bootstrap: out = be.bootstrap(get(s.input), s.slots); break;
    }
    if (be.level(out) != s.level_after) {
      throw Error(ola::mismatch("run_program: step " + std::to_string(i) + " (" + to_string(s.op) + " " + s.name + ")",
                                "output level", s.level_after, be.level(out)));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const int level = be.level(out);
    for (int r : {s.input, s.input2}) {
      if (r >= 0 && r != s.output && last_use[static_cast<std::size_t>(r)] <= i) regs[static_cast<std::size_t>(r)].reset();
    }
    regs[static_cast<std::size_t>(s.output)] = std::move(out);
    if (observe) observe(i, s, seconds, level);
  }
  return get(p.output_register);
}

}  // namespace ola::he
