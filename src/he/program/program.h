// An encrypted program: a whole nn::Graph plus one polynomial per activation site, compiled into
// a straight-line sequence of he/ layers on the multiplexed packing (he/layout.h), with statically
// known levels, the bootstraps it needs and the rotation steps (Galois keys) it uses.
//
// Scale folding (our choice; approx/approximation.h convention): a polynomial on [lo, hi] works on
// t = a x + b, a = 2 / (hi - lo), b = -(lo + hi) / (hi - lo). Every register r holds s_r times its
// true value; convolutions, shortcuts and activation polynomials absorb any input/output factor
// for free (weights, bias and Chebyshev coefficients are rescaled at compile time), so the value
// reaching an activation already holds a x, and b is added as a constant plaintext (no level).
// Per-channel polynomials whose site's input comes from a convolution, or from an add of a
// convolution's output (nn::channel_affine_foldable), are evaluated each on its own channel's
// interval: the register holds t_c = a_c x + b_c per channel c, a_c in the convolution's output
// weights, b_c in its bias; an add's other input (an activation's output, one factor for all
// channels) is multiplied by a_c / s first, one plaintext product on the shortcut branch (a 1x1
// diagonal convolution step, usually on levels the branch has to spare).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "approx/approximation.h"
#include "he/conv.h"
#include "he/layout.h"
#include "he/pool_fc.h"
#include "nn/ir/graph.h"
#include "ola/plan.h"

namespace ola::he {

enum class ProgramOp {
  conv,        ///< convolution with folded BN (and folded activation scales)
  shortcut,    ///< option-A shortcut (subsample + zero channels) as a 0/1 convolution
  activation,  ///< add_plain(b), then the site's polynomial
  add,         ///< residual add with level/scale alignment
  pool_fc,     ///< global average pooling + the final linear layer
  bootstrap,   ///< refreshes `input` in place
  /// second half of a split composite ReLU (ProgramActivation::split): the remaining sign stages
  /// on `input` (s, bootstrapped), then the product with t read from `input2` (the activation's input)
  activation_tail,
  /// `input` + `input2`: two partial results of one convolution whose input is split over several
  /// registers (equal scales by construction); the higher is dropped to the lower level, no level
  /// is spent
  sum,
};
std::string to_string(ProgramOp op);

/// One step. Registers are indices into the program's register file (nn value ids).
/// Thread safety: a plain value.
struct ProgramStep {
  ProgramOp op = ProgramOp::conv;
  std::string name;       ///< nn node name ("bootstrap" for inserted bootstraps)
  int input = -1;         ///< register read (bootstrap: read and written)
  int input2 = -1;        ///< add: second register
  int output = -1;        ///< register written
  int index = -1;         ///< conv/shortcut: into Program::convs; activation: into activations
  int level_before = 0;   ///< level of `input` (add: the higher of the two) before the step
  int level_after = 0;    ///< level of `output`
  /// bootstrap: its slot count. With ProgramOptions::stage_bootstraps the period of the register's
  /// layout (Layout::period(): 2^14, 2^13, 2^12 by ResNet-20 stage at 2^15 slots): the register's
  /// slots repeat with it, so it is that sparse encoding and a bootstrapper for this many slots
  /// refreshes it (docs/he-workflow.md, "Per-stage sparse bootstraps"); else the program's slot
  /// count. 0 for other steps.
  int slots = 0;
};

/// An activation site as compiled: the plan's approximation, its affine input map and the factor
/// its output is multiplied by (to serve the next consumer's scale).
/// Thread safety: a plain value.
struct ProgramActivation {
  int site = -1;
  approx::Approximation approximation;
  double t_scale = 1.0;     ///< a: the register entering holds a * x
  double t_shift = 0.0;     ///< b: added before the polynomial, giving t = a x + b in [-1, 1]
  double out_factor = 1.0;  ///< the register leaving holds out_factor * f(x)
  int depth = 0;            ///< levels the polynomial consumes (ckks/poly schedule)
  /// Composite ReLU deeper than the levels after a bootstrap (e.g. alpha = 13, depth 14, with 10):
  /// the number of sign stages evaluated before a bootstrap inside the activation (0: not split).
  /// Then the activation step writes s = stages[split-1] o ... o stages[0] (t) to a register of its
  /// own, a bootstrap refreshes it, and an activation_tail step finishes from s and t.
  int split = 0;
  int head_depth = 0;       ///< split: levels of stages [0, split); the tail consumes depth - head_depth
  /// The layout of the register the step reads, and the site channel its channel 0 is (part k of a
  /// feature map split over registers starts at k * layout.channels): where each channel's slots
  /// are, for per-channel polynomials (approx::Approximation::channels, he/per_slot_poly.h).
  Layout layout{};
  int first_channel = 0;
  /// Per-channel polynomials each on its own channel's interval: the register entering holds
  /// t_c = a_c x + b_c per channel (t_scale 1, t_shift 0); else each channel's polynomial is
  /// written on the site polynomial's interval.
  bool channel_basis = false;
};

/// Compile-time settings: the slot count and the level model of the target parameters.
/// Thread safety: a plain value.
struct ProgramOptions {
  int slots = 1 << 15;       ///< n, power of two (N/2 or sparse)
  int fresh_level = 16;      ///< level of a freshly encrypted input
  int boot_level = 12;       ///< level after a bootstrap
  bool allow_bootstrap = true;          ///< false: throw instead of inserting a bootstrap
  /// true: each bootstrap at its register's period (per-stage sparse, one bootstrapper per period);
  /// false: every bootstrap at `slots` (one bootstrapper, fewer keys: the default while the
  /// n16 memory of several bootstrappers exceeds the budget, docs/he-workflow.md).
  bool stage_bootstraps = false;
  std::vector<bool> bootstrap_before;   ///< per site: force a bootstrap before it (from a plan)
};

/// A compiled network. Invariants (compile_program): steps read only registers written earlier;
/// levels never negative; every rotation any step performs is in rotation_steps.
/// Thread safety: a plain value; concurrent reads are safe.
struct Program {
  std::string model;            ///< nn::Graph::source
  ProgramOptions options;
  Layout input_layout;          ///< the client packs the image with pack(input_layout, image)
  int input_register = -1;
  int output_register = -1;
  int registers = 0;
  std::vector<CompiledConv> convs;
  std::vector<ProgramActivation> activations;
  CompiledPoolFc head;
  std::vector<ProgramStep> steps;
  std::vector<int> rotation_steps;  ///< ascending, in [1, slots): the Galois keys needed
  int bootstraps = 0;
  int classes = 0;
};

/// Compiles `g` with `sites[i]` replacing activation site i.
/// Supported graphs (CIFAR ResNets, plain CNNs, ConvNeXt blocks) after lower_for_he
/// (he/program/lower_graph.h: per-channel constants folded into the linear layers next to them):
/// one data input [1, C, H, W]; conv (any group, e.g. depthwise; square odd kernel with "same"
/// padding and stride 1 or 2, or 2x2 with stride 2 and no padding); activation; add of two data
/// values; the option-A shortcut as slice(s) with step 2 on both spatial axes then pad on the
/// channel axis; global_average_pool, reshape, and one final linear layer producing the output.
/// Bootstraps (ProgramStep::slots: the register's period with stage_bootstraps, else `slots`):
/// before a site whose bootstrap_before is set, wherever the next step needs more levels than its
/// input has, and inside a composite ReLU deeper than boot_level (split: the most leading sign
/// stages that fit in boot_level levels, then a bootstrap, then the rest; the activation's input
/// must keep boot_level - tail depth + 2 levels for the final product).
/// Per-channel polynomials (approx::Approximation::channels, degree 2..approx::kMaxPerChannelDegree)
/// are evaluated with per-slot coefficients at the site polynomial's depth (he/per_slot_poly.h); a
/// site whose channels all lie on its interval uses the site's map, not a per-channel one.
/// @throws ola::Error if sites.size() differs from the site count, a site's approximation is exact,
///         has per-channel polynomials of a degree outside 2..kMaxPerChannelDegree or of a count other than the
///         site's channels, a node is of an unsupported kind or shape (naming the node), a register would need two
///         different scales, a bootstrap is needed while allow_bootstrap is false, or a composite ReLU
///         does not fit in two windows of boot_level levels.
Program compile_program(const nn::Graph& g, std::span<const approx::Approximation> sites,
                        const ProgramOptions& options);

/// compile_program with the plan's approximations and bootstrap placement.
/// @throws ola::Error if the plan's site count differs from the graph's, or as compile_program.
Program compile_program(const nn::Graph& g, const opt::Plan& plan, ProgramOptions options);

/// The step's name for logs: ProgramStep::name, and for a bootstrap its slot count ("bootstrap
/// (16384 slots)").
std::string step_label(const ProgramStep& s);

/// Bootstraps per slot count (ProgramStep::slots), ascending by slot count; empty without bootstraps.
/// The keys are the slot counts a bootstrapper is needed for.
std::map<int, int> bootstraps_by_slots(const Program& p);

/// Levels consumed per step kind: 1 for conv/shortcut/pool_fc, the polynomial's depth for an
/// activation (split: head_depth, and depth - head_depth for its activation_tail), 0 or 1 for add
/// (1 when both inputs are at the same level and one is not at the base scale, e.g. an
/// activation's output: scale alignment; 0 for two linear layers' outputs, which share it).
int step_depth(const Program& p, const ProgramStep& s);

}  // namespace ola::he
