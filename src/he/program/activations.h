// The activation functions a Program's sites run with, per backend: slot-wise evaluation on the
// simulator, the ckks/poly Chebyshev evaluator on CKKS ciphertexts.
#pragma once

#include <vector>

#include "he/ckks_backend.h"
#include "he/per_slot_poly.h"
#include "he/program/program.h"
#include "he/slot_sim_backend.h"

namespace ola::he {

/// The per-slot coefficients of an activation with per-channel polynomials: every slot of a.layout's
/// channel c (in every copy) holds out_factor times the Chebyshev coefficients of
/// approximation.channels[first_channel + c], as they are with a.channel_basis (t is that
/// channel's own t_c), else written on the site polynomial's interval (approx::on_interval), so
/// evaluate_slot_poly on t computes each channel's own polynomial; unused slots hold 0. One coefficient vector per degree up to the highest channel's.
/// @throws ola::Error if the approximation has no per-channel polynomials, one of degree > 7, or
///         fewer than first_channel + layout.channels of them.
SlotPoly channel_slot_poly(const ProgramActivation& a);

/// One function per p.activations[i]: u -> out_factor * f(x) with x = (u - t_shift) / t_scale and f
/// the approximation evaluated in plain (approx::evaluate, as the nn simulation does), consuming
/// the site's depth. Any approximation kind; per-channel polynomials run evaluate_slot_poly with
/// channel_slot_poly's coefficients (the same code as on CKKS).
/// A split activation's function is its head (the first `split` sign stages, slot-wise).
std::vector<ActivationFn<SlotSimBackend>> sim_program_activations(const Program& p);

/// One function per p.activations[i], empty unless it is split: (s, t) -> out_factor * x (1 +
/// stages[m-1] o ... o stages[split] (s)) / 2 slot-wise, x = (t - t_shift) / t_scale, consuming the
/// tail's depth from s's level.
std::vector<ActivationTailFn<SlotSimBackend>> sim_program_activation_tails(const Program& p);

/// One function per p.activations[i] (he/ckks_activation.h): a one-stage approximation (wls,
/// minimax) as its Chebyshev polynomial with coefficients times out_factor, on t; composite_relu
/// as ckks_composite_relu_activation(approximation, out_factor), on t = x / B; per-channel
/// polynomials as evaluate_slot_poly with channel_slot_poly's coefficients.
/// @throws ola::Error if a site's approximation is neither one-stage nor a valid composite_relu.
/// A split activation's function is the head of ckks_split_composite_relu_activation.
std::vector<ActivationFn<CkksBackend>> ckks_program_activations(const Program& p);

/// One function per p.activations[i], empty unless it is split: the tail of
/// ckks_split_composite_relu_activation. @throws as ckks_split_composite_relu_activation.
std::vector<ActivationTailFn<CkksBackend>> ckks_program_activation_tails(const Program& p);

}  // namespace ola::he
