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

// Evaluates the option (bootstrap b, step cost from level r0) for all k of one (ri, si) row.
inline void relax_row(double* row, std::uint16_t* dec, const double* next_row, int K, int q, double cost,
                      std::uint16_t code) {
  for (int k = q; k <= K; ++k) {
    const double v = cost + next_row[k - q];
    if (v < row[k]) {
      row[k] = v;
      dec[k] = code;
    }
  }
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
  for (std::size_t i = p.steps.size(); i-- > 0;) {
    const DpStep& st = p.steps[i];
    std::fill(cur.begin(), cur.end(), kInfMs);
    std::uint16_t* dec_step = res.decision.data() + i * d.per_step;
    const bool can_boot = st.bootstrap_ms < kInfMs;
    for (int ri = 0; ri < d.R; ++ri) {
      const int r = d.min_level + ri;
      for (int si = 0; si < d.S; ++si) {
        const bool skip_open_now = si != 0;
        if (st.kind == StepKind::skip_open && skip_open_now) continue;
        if (st.kind == StepKind::skip_merge && !skip_open_now) continue;
        double* row = cur.data() + d.index(ri, si, 0);
        std::uint16_t* dec = dec_step + d.index(ri, si, 0);
        for (int b = 0; b < (can_boot ? 2 : 1); ++b) {
          const int r0 = b ? p.boot_level : r;
          const double boot = b ? st.bootstrap_ms : 0.0;
          const int r0i = r0 - d.min_level;
          switch (st.kind) {
            case StepKind::linear: {
              const int r1 = r0 - st.depth;
              if (r1 < d.min_level) break;
              relax_row(row, dec, next.data() + d.index(r1 - d.min_level, si, 0), d.K, 0,
                        boot + table_ms(st.ms_at_level, r0), static_cast<std::uint16_t>(b));
              break;
            }
            case StepKind::activation: {
              for (std::size_t c = 0; c < st.choices.size(); ++c) {
                const DpChoice& ch = st.choices[c];
                const int r1 = r0 - ch.depth;
                const double ms = ch.ms_at_level[static_cast<std::size_t>(r0)];
                if (r1 < d.min_level || ch.loss_units > d.K || !(ms < kInfMs)) continue;
                relax_row(row, dec, next.data() + d.index(r1 - d.min_level, si, 0), d.K, ch.loss_units,
                          boot + ms, static_cast<std::uint16_t>((c << 1) | static_cast<unsigned>(b)));
              }
              break;
            }
            case StepKind::skip_open:
              relax_row(row, dec, next.data() + d.index(r0i, 1 + r0i, 0), d.K, 0, boot,
                        static_cast<std::uint16_t>(b));
              break;
            case StepKind::skip_merge: {
              const int m = merged_level(r0, d.min_level + si - 1, st.merge_spends_level_at_equal);
              if (m < d.min_level) break;
              relax_row(row, dec, next.data() + d.index(m - d.min_level, 0, 0), d.K, 0,
                        boot + table_ms(st.ms_at_level, m), static_cast<std::uint16_t>(b));
              break;
            }
          }
        }
      }
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
