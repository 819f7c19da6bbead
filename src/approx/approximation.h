// The value type every other layer sees of an activation's polynomial replacement: basis, interval,
// coefficients, the cost our CKKS evaluator will pay for it, and its error metrics.
//
// Conventions (shared by approx/, nn/ simulation, ola/ plans and he/):
//  * A ChebPoly p on [lo, hi] is p(x) = sum_k coeffs[k] * T_k(t), t = (2x - lo - hi) / (hi - lo),
//    T_k the Chebyshev polynomials of the first kind. The affine map x -> t is folded into the
//    preceding linear layer under HE, so the encrypted evaluator works on t in [-1, 1].
//  * Kind::wls / Kind::minimax: stages has exactly one ChebPoly approximating the activation
//    directly on [lo, hi].
//  * Kind::composite_relu: relu(x) ~= x * (1 + s(x / bound)) / 2 where s = stages[m-1] o ... o
//    stages[0] approximates sign on [-1,-eps] U [eps,1]; each stage is a ChebPoly on [-1, 1]
//    (odd). bound = max(|lo|, |hi|).
//  * Kind::exact: no polynomial (the original activation), used by plans for "leave exact".
#pragma once

#include <span>
#include <string>
#include <vector>

namespace ola::approx {

enum class Activation { relu, gelu, silu };
enum class Kind { exact, wls, minimax, composite_relu };

std::string to_string(Activation a);
std::string to_string(Kind k);
/// @throws ola::Error for an unknown name ("relu", "gelu", "silu").
Activation activation_from_string(const std::string& name);
/// @throws ola::Error for an unknown name ("exact", "wls", "minimax", "composite_relu").
Kind kind_from_string(const std::string& name);

/// The exact activation in double precision (GELU with erf, SiLU = x * sigmoid(x)).
double activation_value(Activation a, double x);

/// One polynomial in the Chebyshev basis on [lo, hi].
struct ChebPoly {
  double lo = -1.0;
  double hi = 1.0;
  std::vector<double> coeffs;  ///< coeffs[k] multiplies T_k(t)
  int degree() const { return static_cast<int>(coeffs.size()) - 1; }
};

/// Cost of evaluating an approximation under CKKS with our evaluator (ckks/poly/schedule.h): the
/// same numbers the encrypted evaluator consumes, never a second estimate.
struct OpCounts {
  int depth = 0;            ///< levels consumed
  int nonscalar_mults = 0;  ///< ciphertext-ciphertext multiplications (each with relinearisation)
  int scalar_mults = 0;     ///< multiplications by a non-integer constant
  int additions = 0;        ///< ciphertext additions and constant additions
};

/// Error of an approximation against the exact activation.
struct ErrorMetrics {
  double weighted_mse = 0.0;  ///< on the distribution it was fitted or judged against (0 if none)
  double max_error = 0.0;     ///< max |f - p| over [lo, hi] (dense grid)
};

struct Approximation {
  Activation activation = Activation::relu;
  Kind kind = Kind::exact;
  double lo = -1.0;  ///< input interval the polynomial is valid on
  double hi = 1.0;
  std::vector<ChebPoly> stages;
  int alpha = 0;      ///< composite_relu: precision parameter (error of sign <= 2^-alpha)
  OpCounts counts;
  ErrorMetrics metrics;
  /// Per-channel polynomials (Kind::wls only; our extension of the method, docs/convnext.md): when
  /// non-empty, channel c of the site's input [B, C, ...] is evaluated with channels[c] instead of
  /// stages[0] (each of stages[0]'s degree, on its own interval; stages[0] stays the site-level
  /// fit). Under HE the coefficients become plaintext vectors at the same depth. Code that
  /// evaluates element by element without a channel index must refuse these
  /// (has_channel_polys()).
  std::vector<ChebPoly> channels{};

  /// Degree of the whole polynomial (product of stage degrees, +1 for composite ReLU's x factor).
  int degree() const;
  /// Short label such as "wls d=7", "wls d=3 per-channel", "relu a=13 {15,15,27}", "exact".
  std::string label() const;
  bool has_channel_polys() const { return !channels.empty(); }
};

/// Channel c of a per-channel approximation as a plain one-stage Kind::wls approximation on
/// channels[c]'s interval (counts and activation copied, metrics cleared).
/// @throws FitError if `a` has no channel polynomials or c >= a.channels.size().
Approximation channel_approximation(const Approximation& a, std::size_t c);

/// Where the encrypted executor writes each channel's polynomial of a per-channel approximation.
enum class ChannelBasis {
  /// On the site polynomial's interval (approx::on_interval): the input is the site's t in [-1, 1].
  site_interval,
  /// On the channel's own interval: the layers before the site map each channel's input onto its
  /// own t_c in [-1, 1] (he compile_program, where nn::channel_affine_foldable holds).
  own_interval,
};

/// How much a per-channel approximation, evaluated as the encrypted executor does in `basis`
/// (per-slot coefficients), can amplify an error in its input t in [-1, 1]: the largest over
/// channels of sum_k k^2 |c_k| (|T_k'| <= k^2 on [-1, 1]). On the site's interval a channel whose
/// interval is a small part of the site's needs large coefficients (growing like the width ratio
/// to the degree), and CKKS's ~2^-20 input error then swamps the result; on its own interval the
/// coefficients are those of the fit. 0 for an approximation without channels.
double per_channel_error_gain(const Approximation& a, ChannelBasis basis);

/// The largest per_channel_error_gain the encrypted executor accepts (he compile_program) and the
/// optimizer offers (ola candidates): an input error of 2^-20 stays below 2^-10 in the output.
inline constexpr double kMaxPerChannelErrorGain = 1024.0;

/// The largest degree of per-channel polynomials the encrypted executor evaluates (he/per_slot_poly.h:
/// Chebyshev division by T_4, T_8, T_16 down to per-slot cubics, depth 5 at degree 31).
inline constexpr int kMaxPerChannelDegree = 31;

/// What the encrypted executor's per-slot evaluation of a degree-d polynomial (he/per_slot_poly.h)
/// performs on one ciphertext: a per-channel polynomial pays these instead of its site polynomial's
/// OpCounts (ola/time_model prices them). Every product is followed by a rescale.
struct PerSlotOps {
  int depth = 0;
  int ct_mults = 0;     ///< ciphertext products (relinearised)
  int plain_mults = 0;  ///< products by an encoded per-slot vector (one encode each)
  int const_mults = 0;  ///< products by an integer constant (scale matching before an addition)
  int plain_adds = 0;   ///< additions of an encoded per-slot vector (one encode each)
  int adds = 0;         ///< ciphertext additions
};

/// The per-slot evaluation's operations for degree 2..kMaxPerChannelDegree: the coefficients are
/// padded to 2^k terms (k = depth), T_2 ... T_(2^(k-1)) made by doubling, and 2^(k-2) cubic leaves
/// combined by 2^(k-2) - 1 products q * T_m + r. @throws FitError outside 2..kMaxPerChannelDegree.
PerSlotOps per_slot_ops(int degree);

/// Plain evaluation in the same Chebyshev order as the encrypted evaluator.
/// @throws FitError if `a` has per-channel polynomials (evaluate channel_approximation(a, c)).
double evaluate(const Approximation& a, double x);
long double evaluate_long(const Approximation& a, long double x);
/// Evaluates a single ChebPoly (Clenshaw-free: follows ckks/poly/schedule order).
double evaluate(const ChebPoly& p, double x);
/// Vectorised plain evaluation in schedule order (nn simulation): out[i] = a(in[i]); in and out
/// may alias. Compiles `a` once per call through a per-thread cache (approx/compiled.h); for a
/// hot loop keep a CompiledApproximation yourself. @throws FitError as the scalar evaluate, or if
/// out.size() < in.size().
void evaluate(const Approximation& a, std::span<const float> in, std::span<float> out);

}  // namespace ola::approx
