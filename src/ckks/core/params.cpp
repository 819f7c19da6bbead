#include "ckks/core/params.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <sstream>

#include "ckks/core/errors.h"
#include "ckks/core/params_context.h"
#include "ckks/ring/primes.h"
#include "ckks/ring/threads.h"
#include "util/hash.h"

namespace ola::ckks {

namespace {
const char* kWhere = "ParamsLiteral";

void check_bits(const std::vector<int>& bits, const char* field) {
  for (std::size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] < 20 || bits[i] > 61) {
      throw ParamError(ola::mismatch(kWhere, std::string(field) + "[" + std::to_string(i) + "]", "20..61", bits[i]));
    }
  }
}

std::string fingerprint_of(const detail::ParamsContext& c) {
  Hasher h;
  h.update("ola-ckks-params-v1");
  h.update_value(static_cast<std::int32_t>(c.log_n));
  h.update_value(static_cast<std::uint64_t>(c.q.size()));
  for (const auto& m : c.q) h.update_value(m.value);
  h.update_value(static_cast<std::uint64_t>(c.p.size()));
  for (const auto& m : c.p) h.update_value(m.value);
  h.update_value(static_cast<std::int32_t>(c.dnum));
  h.update_value(c.literal.log_default_scale);
  h.update_value(static_cast<std::int32_t>(c.literal.secret));
  h.update_value(static_cast<std::int32_t>(c.literal.hamming_weight));
  h.update_value(static_cast<std::uint8_t>(c.literal.test_only ? 1 : 0));
  return h.hex();
}
}  // namespace

std::string to_string(SecretDistribution d) {
  switch (d) {
    case SecretDistribution::uniform_ternary: return "ternary";
    case SecretDistribution::fixed_hamming: return "hamming";
  }
  return "unknown";
}

int max_log_qp_128(int log_n) {
  switch (log_n) {
    case 10: return 27;
    case 11: return 54;
    case 12: return 109;
    case 13: return 218;
    case 14: return 438;
    case 15: return 881;
    case 16: return 1772;
    case 17: return 3544;  // extrapolated (2 x the 2^16 bound); see params.h
    default: throw ParamError(ola::mismatch("max_log_qp_128", "log_n", "10..17", log_n));
  }
}

namespace {
/// Validates `lit` and fills c's sizes, primes and fingerprint: everything but the tables, so a
/// file's fingerprint can be checked before any N-sized allocation.
void validate_and_pick_primes(const ParamsLiteral& lit, detail::ParamsContext* c) {
  c->literal = lit;
  if (lit.log_n < 12 || lit.log_n > 17) throw ParamError(ola::mismatch(kWhere, "log_n", "12..17", lit.log_n));
  if (lit.log_q.empty()) throw ParamError(ola::mismatch(kWhere, "log_q", "at least 1 prime size", "none"));
  if (lit.log_p.empty()) throw ParamError(ola::mismatch(kWhere, "log_p", "at least 1 special prime size", "none"));
  check_bits(lit.log_q, "log_q");
  check_bits(lit.log_p, "log_p");
  const int nq = static_cast<int>(lit.log_q.size());
  const int np = static_cast<int>(lit.log_p.size());
  int dnum = lit.dnum;
  if (dnum == 0) dnum = (nq + np - 1) / np;
  if (dnum < 1 || dnum > nq) {
    throw ParamError(ola::mismatch(kWhere, "dnum", "1.." + std::to_string(nq) + " (or 0 = derive)", lit.dnum));
  }
  const int alpha = (nq + dnum - 1) / dnum;
  // Digits actually used: ceil(nq / alpha) may be < dnum when dnum does not divide nq.
  dnum = (nq + alpha - 1) / alpha;
  int log_p_sum = 0;
  for (int b : lit.log_p) log_p_sum += b;
  for (int j = 0; j < dnum; ++j) {
    int s = 0;
    for (int i = j * alpha; i < std::min(nq, (j + 1) * alpha); ++i) s += lit.log_q[static_cast<std::size_t>(i)];
    if (log_p_sum < s) {
      throw ParamError(ola::mismatch(kWhere, "sum(log_p)",
                                     ">= " + std::to_string(s) + " (bits of key-switching digit " + std::to_string(j) +
                                         " with dnum " + std::to_string(dnum) + ")",
                                     log_p_sum));
    }
  }
  if (!(lit.log_default_scale >= 1 && lit.log_default_scale <= 60) ||
      lit.log_default_scale >= lit.log_q[0] + 1) {
    throw ParamError(ola::mismatch(kWhere, "log_default_scale", "1..min(60, log_q[0])", lit.log_default_scale));
  }
  const std::size_t n = std::size_t{1} << lit.log_n;
  if (lit.secret == SecretDistribution::fixed_hamming &&
      (lit.hamming_weight < 1 || static_cast<std::size_t>(lit.hamming_weight) > n)) {
    throw ParamError(ola::mismatch(kWhere, "hamming_weight", "1..N = " + std::to_string(n), lit.hamming_weight));
  }
  int nominal = 0;
  for (int b : lit.log_q) nominal += b;
  nominal += log_p_sum;
  const int max_bits = max_log_qp_128(lit.log_n);
  if (!lit.test_only && nominal > max_bits) {
    throw ParamError(ola::mismatch(kWhere, "log2(QP) for 128-bit security at N=2^" + std::to_string(lit.log_n),
                                   "<= " + std::to_string(max_bits) + " (HE standard, ternary secret)",
                                   std::to_string(nominal) + " (set test_only = true for an insecure test set)"));
  }
  c->log_n = lit.log_n;
  c->n = n;
  c->dnum = dnum;
  c->alpha = alpha;
  c->default_scale = std::exp2(lit.log_default_scale);

  // Primes: for each size, the largest unused primes = 1 mod 2N below 2^bits.
  std::vector<u64> used;
  auto take = [&](int bits) {
    try {
      const u64 v = ntt_primes(bits, 1, 2 * n, used)[0];
      used.push_back(v);
      return v;
    } catch (const Error& e) {
      throw ParamError(std::string(kWhere) + ": " + e.what());
    }
  };
  for (int b : lit.log_q) c->q.emplace_back(take(b));
  for (int b : lit.log_p) c->p.emplace_back(take(b));
  c->log_qp = 0;
  for (const auto& m : c->q) c->log_qp += std::log2(static_cast<double>(m.value));
  for (const auto& m : c->p) c->log_qp += std::log2(static_cast<double>(m.value));
  if (!lit.test_only && c->log_qp > max_bits) {
    throw ParamError(ola::mismatch(kWhere, "log2(QP) of the generated primes", "<= " + std::to_string(max_bits),
                                   c->log_qp));
  }
  c->fingerprint = fingerprint_of(*c);
}
}  // namespace

std::string literal_fingerprint(const ParamsLiteral& literal) {
  detail::ParamsContext c;
  validate_and_pick_primes(literal, &c);
  return c.fingerprint;
}

Params::Params(const ParamsLiteral& lit) {
  tune_allocator_once();
  auto c = std::make_shared<detail::ParamsContext>();
  validate_and_pick_primes(lit, c.get());
  const std::size_t n = c->n;
  const int nq = static_cast<int>(c->q.size());
  for (const auto& m : c->q) c->q_ntt.emplace_back(n, m);
  for (const auto& m : c->p) c->p_ntt.emplace_back(n, m);

  // Rescaling constants.
  c->q_inv.resize(static_cast<std::size_t>(nq));
  for (int l = 1; l < nq; ++l) {
    auto& row = c->q_inv[static_cast<std::size_t>(l)];
    for (int i = 0; i < l; ++i) {
      const Modulus& qi = c->q[static_cast<std::size_t>(i)];
      row.push_back(inv_mod(reduce_64(c->q[static_cast<std::size_t>(l)].value, qi), qi));
    }
  }
  const auto product_mod = [](std::span<const Modulus> primes, const Modulus& m) {
    u64 prod = 1;
    for (const auto& x : primes) prod = mul_mod(prod, reduce_64(x.value, m), m);
    return prod;
  };
  // P mod q_i (the keys' special modulus).
  for (const auto& qi : c->q) c->p_mod_q.push_back(product_mod(c->p, qi));
  // Per level: the special primes key switching uses, their inverses, and the converters.
  c->modup.resize(static_cast<std::size_t>(nq));
  c->moddown.reserve(static_cast<std::size_t>(nq));
  for (int l = 0; l < nq; ++l) {
    const int digits = c->digits_at(l);
    double widest = 0;
    for (int j = 0; j < digits; ++j) {
      double bits = 0;
      for (std::size_t i = c->digit_begin(j); i < c->digit_end(j, l); ++i) {
        bits += std::log2(static_cast<double>(c->q[i].value));
      }
      widest = std::max(widest, bits);
    }
    std::size_t used_p = c->p.size();
    double p_bits = 0;
    for (std::size_t t = 0; t < c->p.size(); ++t) {
      p_bits += std::log2(static_cast<double>(c->p[t].value));
      if (p_bits >= widest + detail::kKeySwitchMarginBits) {
        used_p = t + 1;
        break;
      }
    }
    c->p_used.push_back(used_p);
    const std::span<const Modulus> p_l(c->p.data(), used_p), rest(c->p.data() + used_p, c->p.size() - used_p);
    std::vector<u64> p_inv, rest_inv;
    for (int i = 0; i <= l; ++i) {
      const Modulus& qi = c->q[static_cast<std::size_t>(i)];
      p_inv.push_back(inv_mod(product_mod(p_l, qi), qi));
      if (!rest.empty()) rest_inv.push_back(inv_mod(product_mod(rest, qi), qi));
    }
    c->p_used_inv_mod_q.push_back(std::move(p_inv));
    c->p_rest_inv_mod_q.push_back(std::move(rest_inv));
    for (int j = 0; j < digits; ++j) {
      std::vector<Modulus> from, to;
      for (int i = 0; i <= l; ++i) {
        const auto ui = static_cast<std::size_t>(i);
        if (ui >= c->digit_begin(j) && ui < c->digit_end(j, l)) {
          from.push_back(c->q[ui]);
        } else {
          to.push_back(c->q[ui]);
        }
      }
      to.insert(to.end(), p_l.begin(), p_l.end());
      c->modup[static_cast<std::size_t>(l)].emplace_back(std::move(from), std::move(to));
    }
    c->moddown.emplace_back(std::vector<Modulus>(p_l.begin(), p_l.end()),
                            std::vector<Modulus>(c->q.begin(), c->q.begin() + l + 1));
  }
  ctx_ = std::move(c);
}

const ParamsLiteral& Params::literal() const { return ctx_->literal; }
int Params::log_n() const { return ctx_->log_n; }
std::size_t Params::n() const { return ctx_->n; }
int Params::max_level() const { return static_cast<int>(ctx_->q.size()) - 1; }
std::size_t Params::q_count() const { return ctx_->q.size(); }
std::size_t Params::p_count() const { return ctx_->p.size(); }
std::size_t Params::p_count_at(int level) const {
  if (level < 0 || level > max_level()) {
    throw OperandError(ola::mismatch("Params::p_count_at", "level", "0.." + std::to_string(max_level()), level));
  }
  return ctx_->p_used[static_cast<std::size_t>(level)];
}
int Params::dnum() const { return ctx_->dnum; }
int Params::alpha() const { return ctx_->alpha; }
int Params::digits_at(int level) const { return ctx_->digits_at(level); }
double Params::default_scale() const { return ctx_->default_scale; }
double Params::log_qp() const { return ctx_->log_qp; }
double Params::log_q_at(int level) const {
  double s = 0;
  for (int i = 0; i <= level && i < static_cast<int>(ctx_->q.size()); ++i) {
    s += std::log2(static_cast<double>(ctx_->q[static_cast<std::size_t>(i)].value));
  }
  return s;
}
bool Params::test_only() const { return ctx_->literal.test_only; }
SecretDistribution Params::secret() const { return ctx_->literal.secret; }
int Params::hamming_weight() const { return ctx_->literal.hamming_weight; }
const std::string& Params::fingerprint() const { return ctx_->fingerprint; }
u64 Params::q(std::size_t i) const { return ctx_->q.at(i).value; }
u64 Params::p(std::size_t j) const { return ctx_->p.at(j).value; }
std::span<const Modulus> Params::q_moduli() const { return ctx_->q; }
std::span<const Modulus> Params::p_moduli() const { return ctx_->p; }
std::vector<Modulus> Params::qp_moduli(int level) const {
  std::vector<Modulus> out(ctx_->q.begin(), ctx_->q.begin() + level + 1);
  out.insert(out.end(), ctx_->p.begin(), ctx_->p.end());
  return out;
}
const NttTables& Params::q_ntt(std::size_t i) const { return ctx_->q_ntt.at(i); }
const NttTables& Params::p_ntt(std::size_t j) const { return ctx_->p_ntt.at(j); }

std::string Params::summary() const {
  std::ostringstream os;
  os << "N=2^" << log_n() << " L=" << max_level() << " logQP=" << std::lround(log_qp()) << " dnum=" << dnum()
     << " k=" << p_count() << " scale=2^" << ctx_->literal.log_default_scale << " " << to_string(secret());
  if (secret() == SecretDistribution::fixed_hamming) os << " h=" << hamming_weight();
  if (test_only()) os << " TEST-ONLY";
  return os.str();
}

ParamsLiteral test_literal_n12() {
  return ParamsLiteral{.log_n = 12, .log_q = {55, 40, 40, 40, 40}, .log_p = {55}, .dnum = 0,
                       .log_default_scale = 40, .test_only = true};
}

ParamsLiteral test_literal_n13() {
  return ParamsLiteral{.log_n = 13, .log_q = {60, 40, 40, 40, 40, 40, 40, 40}, .log_p = {60, 60}, .dnum = 4,
                       .log_default_scale = 40, .test_only = true};
}

ParamsLiteral test_literal_n14() {
  ParamsLiteral lit{.log_n = 14, .log_q = {60}, .log_p = {60, 60, 60}, .dnum = 0, .log_default_scale = 45,
                    .test_only = true};
  for (int i = 0; i < 10; ++i) lit.log_q.push_back(45);
  return lit;
}

ParamsLiteral peer_literal(int log_n) {
  ParamsLiteral lit{.log_n = log_n, .log_q = {60}, .log_p = {60, 60, 60, 60, 60}, .dnum = 5,
                    .log_default_scale = 59, .test_only = log_n < 16};
  for (int i = 0; i < 23; ++i) lit.log_q.push_back(59);
  return lit;
}

ParamsLiteral boot_literal_n16(int compute_levels, int boot_levels, int scale_bits, int dnum) {
  ParamsLiteral lit{.log_n = 16, .log_q = {60}, .log_p = {}, .dnum = dnum,
                    .log_default_scale = static_cast<double>(scale_bits), .test_only = false};
  for (int i = 0; i < compute_levels; ++i) lit.log_q.push_back(scale_bits);
  for (int i = 0; i < boot_levels; ++i) lit.log_q.push_back(60);
  const int nq = static_cast<int>(lit.log_q.size());
  const int d = dnum < 1 ? 1 : dnum;
  const int alpha = (nq + d - 1) / d;
  for (int i = 0; i < alpha; ++i) lit.log_p.push_back(60);
  return lit;
}

}  // namespace ola::ckks
