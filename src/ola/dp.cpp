#include "ola/dp.h"

#include <algorithm>
#include <string>

#include "util/error.h"

namespace ola::opt {

namespace {

constexpr std::uint16_t kNone = 0xFFFF;

struct Dims {
  int min_level = 0;
  int top = 0;  // highest level a state can have
  int R = 0;    // levels
  int S = 0;    // skip states: 0 = none, 1 + level index
  int K = 0;    // max units
  std::size_t per_step = 0;
  std::size_t index(int ri, int si, int k) const {
    return (static_cast<std::size_t>(ri) * static_cast<std::size_t>(S) + static_cast<std::size_t>(si)) *
               static_cast<std::size_t>(K + 1) +
           static_cast<std::size_t>(k);
  }
};

Dims dims_of(const DpProblem& p) {
  Dims d;
  d.min_level = p.min_level;
  d.top = std::max(p.boot_level, p.start_level);
  d.R = d.top - d.min_level + 1;
  d.S = d.R + 1;
  d.K = p.max_units;
  d.per_step = static_cast<std::size_t>(d.R) * static_cast<std::size_t>(d.S) * static_cast<std::size_t>(d.K + 1);
  return d;
}

void check_table(const std::vector<double>& t, int top, const std::string& where, bool may_be_empty) {
  if (may_be_empty && t.empty()) return;
  if (static_cast<int>(t.size()) < top + 1) {
    throw Error(ola::mismatch(where, "ms_at_level.size", ">= " + std::to_string(top + 1), t.size()));
  }
}

void validate(const DpProblem& p) {
  const std::string w = "DpProblem";
  if (p.min_level < 0) throw Error(ola::mismatch(w, "min_level", ">= 0", p.min_level));
  if (p.boot_level < p.min_level) {
    throw Error(ola::mismatch(w, "boot_level", ">= min_level = " + std::to_string(p.min_level), p.boot_level));
  }
  if (p.start_level < p.min_level) {
    throw Error(ola::mismatch(w, "start_level", ">= min_level = " + std::to_string(p.min_level), p.start_level));
  }
  if (p.max_units < 0) throw Error(ola::mismatch(w, "max_units", ">= 0", p.max_units));
  const int top = std::max(p.boot_level, p.start_level);
  bool open = false;
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const DpStep& s = p.steps[i];
    const std::string ws = w + ": steps[" + std::to_string(i) + "]";
    if (s.depth < 0) throw Error(ola::mismatch(ws, "depth", ">= 0", s.depth));
    switch (s.kind) {
      case StepKind::linear:
        check_table(s.ms_at_level, top, ws, false);
        break;
      case StepKind::skip_merge:
        if (!open) throw Error(ola::mismatch(ws, "kind", "skip_merge after a skip_open", "skip_merge with no open skip"));
        open = false;
        check_table(s.ms_at_level, top, ws, true);
        break;
      case StepKind::skip_open:
        if (open) throw Error(ola::mismatch(ws, "kind", "skip_open with no skip open", "a nested skip_open"));
        open = true;
        break;
      case StepKind::activation:
        if (s.choices.empty()) throw Error(ola::mismatch(ws, "choices", "at least one", 0));
        if (s.choices.size() > 32767) throw Error(ola::mismatch(ws, "choices", "at most 32767", s.choices.size()));
        for (std::size_t c = 0; c < s.choices.size(); ++c) {
          const std::string wc = ws + ": choices[" + std::to_string(c) + "]";
          if (s.choices[c].depth < 0) throw Error(ola::mismatch(wc, "depth", ">= 0", s.choices[c].depth));
          if (s.choices[c].loss_units < 0) throw Error(ola::mismatch(wc, "loss_units", ">= 0", s.choices[c].loss_units));
          check_table(s.choices[c].ms_at_level, top, wc, false);
        }
        break;
    }
  }
  if (open) throw Error(ola::mismatch(w, "steps", "every skip_open closed by a skip_merge", "an open skip at the end"));
}

// One way to leave a state of a row: the next step's row it reaches, the loss units it spends
// (q), its cost and its decision code.
struct Option {
  const double* next_row;
  int q;
  double cost;
  std::uint16_t code;
};

// Relaxes row[k] over k in [k0, k1) with every option, in order (so ties go to the earlier option,
// as a k-outer loop would). The caller keeps [k0, k1) small enough for row and dec to stay in the
// L1 cache while the options stream their next rows; the loop is branch-free, so it vectorises.
inline void relax_chunk(double* __restrict row, std::uint16_t* __restrict dec, const std::vector<Option>& options,
                        int k0, int k1) {
  for (const Option& o : options) {
    const double* __restrict next_row = o.next_row;
    for (int k = std::max(k0, o.q); k < k1; ++k) {
      const double v = o.cost + next_row[k - o.q];
      const bool better = v < row[k];
      row[k] = better ? v : row[k];
      dec[k] = better ? o.code : dec[k];
    }
  }
}

// Takes, over k in [k0, k1), the precomputed alternative (value[k], code[k]) where it is strictly
// better: after a row's own options, as a single pass over all options would.
inline void take_better(double* __restrict row, std::uint16_t* __restrict dec, const double* __restrict value,
                        const std::uint16_t* __restrict code, int k0, int k1) {
  for (int k = k0; k < k1; ++k) {
    const bool better = value[k] < row[k];
    row[k] = better ? value[k] : row[k];
    dec[k] = better ? code[k] : dec[k];
  }
}

// Whether a skip branch is open when step i starts. The skip structure is static, so a step
// outside a residual block only has states without a skip level, and one inside only states with
// one: the DP fills just those rows.
std::vector<bool> skip_open_before(const DpProblem& p) {
  std::vector<bool> open(p.steps.size(), false);
  bool now = false;
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    open[i] = now;
    if (p.steps[i].kind == StepKind::skip_open) now = true;
    if (p.steps[i].kind == StepKind::skip_merge) now = false;
  }
  return open;
}

double table_ms(const std::vector<double>& t, int level) {
  return t.empty() ? 0.0 : t[static_cast<std::size_t>(level)];
}

}  // namespace

int merged_level(int main, int skip, bool spends_level_at_equal) {
  return main == skip && spends_level_at_equal ? main - 1 : std::min(main, skip);
}

DpResult solve_dp(const DpProblem& p) {
  validate(p);
  const Dims d = dims_of(p);
  DpResult res;
  res.min_level = d.min_level;
  res.num_levels = d.R;
  res.max_units = d.K;
  res.decision.assign(d.per_step * p.steps.size(), kNone);

  std::vector<double> next(d.per_step, kInfMs), cur(d.per_step, kInfMs);
  for (int ri = 0; ri < d.R; ++ri) {
    for (int k = 0; k <= d.K; ++k) next[d.index(ri, 0, k)] = 0.0;
  }
  const std::vector<bool> open_before = skip_open_before(p);
  // Per skip index: the best time and decision when bootstrapping before the current step.
  std::vector<double> boot_row(static_cast<std::size_t>(d.S) * static_cast<std::size_t>(d.K + 1));
  std::vector<std::uint16_t> boot_dec(boot_row.size());
  for (std::size_t i = p.steps.size(); i-- > 0;) {
    const DpStep& st = p.steps[i];
    std::uint16_t* dec_step = res.decision.data() + i * d.per_step;
    const bool can_boot = st.bootstrap_ms < kInfMs;
    // The reachable skip states of this step: none (si = 0) outside a block, a level inside.
    const int si_first = open_before[i] ? 1 : 0;
    const int si_end = open_before[i] ? d.S : 1;
    // The options of leaving a state at level r0 (after the optional bootstrap b) with skip index si.
    const auto options_at = [&](int r0, int b, int si) {
      std::vector<Option> options;
      const double boot = b ? st.bootstrap_ms : 0.0;
      const auto next_row = [&](int level, int skip_index) { return next.data() + d.index(level - d.min_level, skip_index, 0); };
      const auto code = [b](unsigned choice) { return static_cast<std::uint16_t>((choice << 1) | static_cast<unsigned>(b)); };
      switch (st.kind) {
        case StepKind::linear: {
          const int r1 = r0 - st.depth;
          if (r1 >= d.min_level) options.push_back({next_row(r1, si), 0, boot + table_ms(st.ms_at_level, r0), code(0)});
          break;
        }
        case StepKind::activation:
          for (std::size_t c = 0; c < st.choices.size(); ++c) {
            const DpChoice& ch = st.choices[c];
            const int r1 = r0 - ch.depth;
            const double ms = ch.ms_at_level[static_cast<std::size_t>(r0)];
            if (r1 < d.min_level || ch.loss_units > d.K || !(ms < kInfMs)) continue;
            options.push_back({next_row(r1, si), ch.loss_units, boot + ms, code(static_cast<unsigned>(c))});
          }
          break;
        case StepKind::skip_open:
          options.push_back({next_row(r0, 1 + r0 - d.min_level), 0, boot, code(0)});
          break;
        case StepKind::skip_merge: {
          const int m = merged_level(r0, d.min_level + si - 1, st.merge_spends_level_at_equal);
          if (m >= d.min_level) options.push_back({next_row(m, 0), 0, boot + table_ms(st.ms_at_level, m), code(0)});
          break;
        }
      }
      return options;
    };
    constexpr int kChunk = 1024;  // 8 KiB of a row and 2 KiB of its decisions
    // Fills a row from its options and, if given, a precomputed alternative row (boot_row), block by block.
    const auto relax_row = [&](double* row, std::uint16_t* dec, const std::vector<Option>& options,
                               const double* alt_row = nullptr, const std::uint16_t* alt_dec = nullptr) {
      std::fill(row, row + d.K + 1, kInfMs);
      for (int k0 = 0; k0 <= d.K; k0 += kChunk) {
        const int k1 = std::min(d.K + 1, k0 + kChunk);
        relax_chunk(row, dec, options, k0, k1);
        if (alt_row != nullptr) take_better(row, dec, alt_row, alt_dec, k0, k1);
      }
    };
    // Bootstrapping before the step leads to the same level from every level r, so its best
    // continuation depends on the skip index only: solved once per skip index, then merged into
    // each row after the row's own options (the order a single pass would take them in).
    const int skips = si_end - si_first;
    if (can_boot) {
#pragma omp parallel for schedule(dynamic)
      for (int j = 0; j < skips; ++j) {
        const std::size_t at = static_cast<std::size_t>(j) * static_cast<std::size_t>(d.K + 1);
        relax_row(boot_row.data() + at, boot_dec.data() + at, options_at(p.boot_level, 1, si_first + j));
      }
    }
#pragma omp parallel for schedule(dynamic)
    for (int row_index = 0; row_index < d.R * skips; ++row_index) {
      const int ri = row_index / skips;
      const int si = si_first + row_index % skips;
      double* row = cur.data() + d.index(ri, si, 0);
      std::uint16_t* dec = dec_step + d.index(ri, si, 0);
      const std::size_t at = static_cast<std::size_t>(si - si_first) * static_cast<std::size_t>(d.K + 1);
      relax_row(row, dec, options_at(d.min_level + ri, 0, si), can_boot ? boot_row.data() + at : nullptr,
                boot_dec.data() + at);
    }
    std::swap(cur, next);
  }
  res.best_ms.resize(static_cast<std::size_t>(d.K + 1));
  for (int k = 0; k <= d.K; ++k) res.best_ms[static_cast<std::size_t>(k)] = next[d.index(p.start_level - d.min_level, 0, k)];
  return res;
}

std::optional<DpSolution> reconstruct(const DpProblem& p, const DpResult& res, int units) {
  const Dims d = dims_of(p);
  OLA_CHECK(d.R == res.num_levels && d.K == res.max_units && res.decision.size() == d.per_step * p.steps.size(),
            "reconstruct: result does not belong to this problem");
  int k = std::clamp(units, 0, d.K);
  if (!(res.best_ms[static_cast<std::size_t>(k)] < kInfMs)) return std::nullopt;
  DpSolution sol;
  int r = p.start_level;
  int s = -1;  // skip level, -1 = none
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const DpStep& st = p.steps[i];
    const int si = s < 0 ? 0 : 1 + s - d.min_level;
    const std::uint16_t code = res.decision[i * d.per_step + d.index(r - d.min_level, si, k)];
    OLA_CHECK(code != kNone, "reconstruct: no decision on a feasible path at step " << i);
    StepDecision sd;
    sd.bootstrap_before = (code & 1U) != 0;
    const int r0 = sd.bootstrap_before ? p.boot_level : r;
    sd.level_before = r0;
    sd.ms = sd.bootstrap_before ? st.bootstrap_ms : 0.0;
    switch (st.kind) {
      case StepKind::linear:
        sd.level_after = r0 - st.depth;
        sd.ms += table_ms(st.ms_at_level, r0);
        break;
      case StepKind::activation: {
        sd.choice = code >> 1;
        const DpChoice& ch = st.choices[static_cast<std::size_t>(sd.choice)];
        sd.level_after = r0 - ch.depth;
        sd.ms += ch.ms_at_level[static_cast<std::size_t>(r0)];
        k -= ch.loss_units;
        sol.loss_units += ch.loss_units;
        break;
      }
      case StepKind::skip_open:
        sd.level_after = r0;
        s = r0;
        break;
      case StepKind::skip_merge:
        sd.level_after = merged_level(r0, s, st.merge_spends_level_at_equal);
        sd.ms += table_ms(st.ms_at_level, sd.level_after);
        s = -1;
        break;
    }
    r = sd.level_after;
    sol.total_ms += sd.ms;
    sol.bootstraps += sd.bootstrap_before ? 1 : 0;
    sol.steps.push_back(sd);
  }
  return sol;
}

std::vector<ParetoPoint> pareto_front(const DpResult& r) {
  std::vector<ParetoPoint> front;
  for (std::size_t k = 0; k < r.best_ms.size(); ++k) {
    const double v = r.best_ms[k];
    if (!(v < kInfMs)) continue;
    if (front.empty() || v < front.back().total_ms) front.push_back({static_cast<int>(k), v});
  }
  return front;
}

}  // namespace ola::opt
