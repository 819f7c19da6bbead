// The OLA dynamic program (docs/method.md step 6): over a network flattened into steps, choose one
// candidate per activation site and where to bootstrap so that the total predicted time is minimal
// for every quantised accuracy budget at once (the whole Pareto front from one run).
//
// Model. A ciphertext has a level r (levels left above 0). A linear step of depth d at level r
// costs ms_at_level[r] and leaves r - d; an activation candidate of depth d likewise. Before any
// step whose bootstrap_ms is finite, the program may bootstrap (cost bootstrap_ms, level becomes
// boot_level). No step may end below min_level (the bootstrap's input level). A residual block is
// skip_open ... skip_merge: the skip branch keeps the level it had at skip_open, and the merge
// continues at min(main, skip) (the higher branch drops levels, which is free), or one level
// lower when both are equal and merge_spends_level_at_equal (scales matched by a product).
//
// State: (step i, level r, skip level s or none, loss units k still allowed). Value: minimum time
// to finish. Backward recursion V_i(r, s, k) = min over decisions of cost + V_{i+1}(next state),
// O(steps * R^2 * K * |C|) time, one uint16 decision per state kept for reconstruction.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace ola::opt {

inline constexpr double kInfMs = std::numeric_limits<double>::infinity();

/// One priced candidate of an activation step.
struct DpChoice {
  int depth = 0;                     ///< levels it consumes
  std::vector<double> ms_at_level;   ///< [r]: time when evaluated from level r (kInfMs: not allowed)
  int loss_units = 0;                ///< quantised accuracy loss, >= 0
};

enum class StepKind { linear, activation, skip_open, skip_merge };

struct DpStep {
  StepKind kind = StepKind::linear;
  int depth = 0;                    ///< linear: levels consumed
  std::vector<double> ms_at_level;  ///< linear and skip_merge: time from level r (empty = 0)
  std::vector<DpChoice> choices;    ///< activation: its candidates (at most 32767)
  double bootstrap_ms = kInfMs;     ///< cost of bootstrapping just before this step; kInfMs = never
  /// skip_merge: at equal levels the merge spends one level (the branches' scales differ).
  bool merge_spends_level_at_equal = false;
};

/// Level after a skip_merge of the main branch at `main` and the skip branch at `skip`: the lower
/// one, or one below both when they are equal and the merge spends a level there.
int merged_level(int main, int skip, bool spends_level_at_equal);

/// Thread safety: a plain value.
struct DpProblem {
  int min_level = 0;    ///< lowest level a step may end at
  int boot_level = 0;   ///< level right after a bootstrap
  int start_level = 0;  ///< level of the encrypted input
  int max_units = 0;    ///< K: the front covers total losses 0..K units
  std::vector<DpStep> steps;
};

/// Tables of a solved problem. Thread safety: a plain value; reads are safe.
struct DpResult {
  int min_level = 0;
  int num_levels = 0;  ///< R: levels min_level .. min_level + R - 1
  int max_units = 0;
  std::vector<double> best_ms;          ///< [k]: minimum total time with loss <= k units (inf if none)
  std::vector<std::uint16_t> decision;  ///< [step][r][s][k]: (choice << 1) | bootstrap, 0xFFFF none
};

/// Solves the whole front. The rows of a step run on OpenMP threads (as many as
/// omp_get_max_threads()); the result, decisions included, does not depend on their number.
/// @throws ola::Error if the problem is malformed: levels out of order (min_level > boot_level or
///         start_level < min_level), negative depth or loss units, a linear/merge ms_at_level table
///         shorter than the top level + 1, skip_open inside an open skip, skip_merge without one,
///         an unclosed skip at the end, an activation without choices, or max_units < 0.
DpResult solve_dp(const DpProblem& p);

/// One step of a reconstructed solution.
struct StepDecision {
  bool bootstrap_before = false;
  int choice = -1;        ///< activation: index into choices, else -1
  int level_before = 0;   ///< after the optional bootstrap
  int level_after = 0;
  double ms = 0.0;        ///< this step's time, bootstrap included
};

struct DpSolution {
  double total_ms = 0.0;
  int loss_units = 0;
  int bootstraps = 0;
  std::vector<StepDecision> steps;
};

/// The minimum-time solution with total loss <= `units` (clamped to max_units), or nothing if no
/// schedule is feasible. @pre `r` = solve_dp(p).
std::optional<DpSolution> reconstruct(const DpProblem& p, const DpResult& r, int units);

/// A point of the Pareto front: the least loss that reaches `total_ms`.
struct ParetoPoint {
  int loss_units = 0;
  double total_ms = 0.0;
};

/// The staircase of best_ms: one point per strict improvement as the budget grows.
std::vector<ParetoPoint> pareto_front(const DpResult& r);

}  // namespace ola::opt
