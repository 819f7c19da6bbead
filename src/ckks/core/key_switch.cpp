#include "ckks/core/key_switch.h"

#include <array>

#include "ckks/core/params_context.h"
#include "ckks/core/poly_transform.h"
#include "ckks/ring/threads.h"
#include "util/error.h"

namespace ola::ckks::detail {

namespace {
constexpr std::size_t kChunk = 1024;

/// Runs conv over coefficient chunks in parallel.
void convert_parallel(const BaseConverter& conv, const std::vector<const u64*>& in, const std::vector<u64*>& out,
                      std::size_t n, bool centered = false) {
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for num_threads(threads()) if (threads() > 1)
  for (std::size_t c = 0; c < chunks; ++c) {
    const std::size_t off = c * kChunk;
    const std::size_t len = std::min(kChunk, n - off);
    std::vector<const u64*> ip(in.size());
    std::vector<u64*> op(out.size());
    for (std::size_t i = 0; i < in.size(); ++i) ip[i] = in[i] + off;
    for (std::size_t i = 0; i < out.size(); ++i) op[i] = out[i] + off;
    if (centered) {
      conv.convert_centered(ip.data(), op.data(), len);
    } else {
      conv.convert(ip.data(), op.data(), len);
    }
  }
}
}  // namespace

std::vector<RnsPoly> mod_up(const RnsPoly& c, int level, const Params& params) {
  const ParamsContext& ctx = params.context();
  const std::size_t n = ctx.n;
  const std::size_t nq = static_cast<std::size_t>(level) + 1;
  const std::size_t k = ctx.p_used[static_cast<std::size_t>(level)];
  OLA_CHECK(c.limbs >= nq && c.n == n, "mod_up: poly limbs " << c.limbs << " level " << level);
  // The decomposed value: c, or c * R_l^-1 (NTT form) when the level uses fewer special primes
  // than the keys hold (ParamsContext::p_used).
  const std::vector<u64>& rest_inv = ctx.p_rest_inv_mod_q[static_cast<std::size_t>(level)];
  RnsPoly scaled;
  if (!rest_inv.empty()) {
    scaled = RnsPoly::uninitialized(n, nq);  // written by the product
    poly_mul_scalar(c, rest_inv, scaled, ctx.q, nq);
  }
  const RnsPoly& src = rest_inv.empty() ? c : scaled;
  RnsPoly coeff = RnsPoly::uninitialized(n, nq);
#pragma omp parallel for num_threads(threads()) if (threads() > 1)
  for (std::size_t i = 0; i < nq; ++i) std::copy(src.limb(i), src.limb(i) + n, coeff.limb(i));
  to_coeff(coeff, params, nq);
  const int digits = ctx.digits_at(level);
  std::vector<RnsPoly> out;
  out.reserve(static_cast<std::size_t>(digits));
  for (int j = 0; j < digits; ++j) {
    RnsPoly d = RnsPoly::uninitialized(n, nq + k);  // every limb is converted or copied below
    const std::size_t b = ctx.digit_begin(j), e = ctx.digit_end(j, level);
    std::vector<const u64*> in;
    for (std::size_t i = b; i < e; ++i) in.push_back(coeff.limb(i));
    std::vector<u64*> outp;
    std::vector<std::size_t> targets;
    for (std::size_t i = 0; i < nq; ++i) {
      if (i < b || i >= e) {
        outp.push_back(d.limb(i));
        targets.push_back(i);
      }
    }
    for (std::size_t t = 0; t < k; ++t) {
      outp.push_back(d.limb(nq + t));
      targets.push_back(nq + t);
    }
    convert_parallel(ctx.modup[static_cast<std::size_t>(level)][static_cast<std::size_t>(j)], in, outp, n);
    // Own limbs: copy the NTT values; converted limbs: forward NTT (one parallel loop over both).
    for (std::size_t i = b; i < e; ++i) targets.push_back(i);
#pragma omp parallel for num_threads(threads()) if (threads() > 1)
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const std::size_t i = targets[t];
      if (i >= b && i < e) {
        std::copy(src.limb(i), src.limb(i) + n, d.limb(i));
        continue;
      }
      const NttTables& tab = i < nq ? ctx.q_ntt[i] : ctx.p_ntt[i - nq];
      tab.forward(d.limb(i));
    }
    out.push_back(std::move(d));
  }
  return out;
}

void inner_product(const std::vector<RnsPoly>& digits, const SwitchingKey& key, int level, const Params& params,
                   const std::vector<std::uint32_t>* perm, RnsPoly& acc0, RnsPoly& acc1, bool accumulate) {
  const ParamsContext& ctx = params.context();
  const std::size_t n = ctx.n;
  const std::size_t nq = static_cast<std::size_t>(level) + 1;
  const std::size_t k = ctx.p_used[static_cast<std::size_t>(level)];  // the key's first k special primes
  // The key's q limbs: q_0..q_{key.level} (fewer than L + 1 for a key made at a lower level).
  const std::size_t top_q = static_cast<std::size_t>(key.level) + 1;
  OLA_CHECK(key.b.size() >= digits.size() && key.a.size() >= digits.size(),
            "inner_product: key has " << key.b.size() << " digits, need " << digits.size());
  OLA_CHECK(top_q >= nq && !key.b.empty() && key.b[0].limbs == top_q + ctx.p.size(),
            "inner_product: key level " << key.level << " below ciphertext level " << level);
  const std::size_t total = nq + k;
  if (accumulate) {
    OLA_CHECK(acc0.limbs == total && acc1.limbs == total && acc0.n == n && acc1.n == n,
              "inner_product: accumulators have " << acc0.limbs << ", " << acc1.limbs << " limbs, need " << total);
  } else {
    acc0 = RnsPoly::uninitialized(n, total);  // every limb is written below
    acc1 = RnsPoly::uninitialized(n, total);
  }
  const std::size_t nd = digits.size();
#pragma omp parallel for num_threads(threads()) if (threads() > 1)
  for (std::size_t t = 0; t < total; ++t) {
    const std::size_t key_limb = t < nq ? t : top_q + (t - nq);
    const Modulus& m = t < nq ? ctx.q[t] : ctx.p[t - nq];
    u64* o0 = acc0.limb(t);
    u64* o1 = acc1.limb(t);
    std::vector<const u64*> d(nd), kb(nd), ka(nd);
    for (std::size_t j = 0; j < nd; ++j) {
      d[j] = digits[j].limb(t);
      kb[j] = key.b[j].limb(key_limb);
      ka[j] = key.a[j].limb(key_limb);
    }
    const u64 qv = m.value;
    auto store = [accumulate, qv](u64* o, u64 v) { *o = accumulate ? add_mod(*o, v, qv) : v; };
    // Lazy accumulation in registers: each product < 2^122, so up to 64 digits fit in 128 bits.
    if (perm == nullptr) {
      for (std::size_t c = 0; c < n; ++c) {
        u128 s0 = 0, s1 = 0;
        for (std::size_t j = 0; j < nd; ++j) {
          const u64 v = d[j][c];
          s0 += static_cast<u128>(v) * kb[j][c];
          s1 += static_cast<u128>(v) * ka[j][c];
        }
        store(o0 + c, reduce_128(s0, m));
        store(o1 + c, reduce_128(s1, m));
      }
    } else {
      const std::uint32_t* p = perm->data();
      for (std::size_t c = 0; c < n; ++c) {
        const std::uint32_t pc = p[c];
        u128 s0 = 0, s1 = 0;
        for (std::size_t j = 0; j < nd; ++j) {
          const u64 v = d[j][pc];
          s0 += static_cast<u128>(v) * kb[j][c];
          s1 += static_cast<u128>(v) * ka[j][c];
        }
        store(o0 + c, reduce_128(s0, m));
        store(o1 + c, reduce_128(s1, m));
      }
    }
  }
}

void mod_down(RnsPoly& x0, RnsPoly& x1, int level, const Params& params) {
  const ParamsContext& ctx = params.context();
  const std::size_t n = ctx.n;
  const std::size_t nq = static_cast<std::size_t>(level) + 1;
  const std::size_t k = ctx.p_used[static_cast<std::size_t>(level)];
  RnsPoly* const xs[2] = {&x0, &x1};
  for (const RnsPoly* x : xs) OLA_CHECK(x->limbs == nq + k, "mod_down: limbs " << x->limbs << " expected " << nq + k);
  // Both polynomials' limbs in each parallel loop: 2k and 2(l + 1) tasks balance over the
  // threads where k or l + 1 alone would not (7 special primes on 2 threads: 4 + 3).
  // P part to coefficients.
#pragma omp parallel for num_threads(threads()) if (threads() > 1)
  for (std::size_t t = 0; t < 2 * k; ++t) ctx.p_ntt[t % k].inverse(xs[t / k]->limb(nq + t % k));
  RnsPoly conv[2] = {RnsPoly::uninitialized(n, nq), RnsPoly::uninitialized(n, nq)};  // written by the conversion
  for (std::size_t x = 0; x < 2; ++x) {
    std::vector<const u64*> in;
    for (std::size_t t = 0; t < k; ++t) in.push_back(xs[x]->limb(nq + t));
    std::vector<u64*> out;
    for (std::size_t i = 0; i < nq; ++i) out.push_back(conv[x].limb(i));
    // Centered conversion: the result is round(x / P) with a zero-mean error. A floor (plain fast
    // conversion) leaves a bias mu that decodes to mu * (1 + X + ... + X^(N-1)) * s: up to
    // 2N/pi * |s(zeta)| in a slot, about 6 bits of precision lost at N = 2^13.
    convert_parallel(ctx.moddown[static_cast<std::size_t>(level)], in, out, n, true);
  }
#pragma omp parallel for num_threads(threads()) if (threads() > 1)
  for (std::size_t t = 0; t < 2 * nq; ++t) {
    const std::size_t x = t / nq, i = t % nq;
    ctx.q_ntt[i].forward(conv[x].limb(i));
    const u64 q = ctx.q[i].value;
    const u64 w = ctx.p_used_inv_mod_q[static_cast<std::size_t>(level)][i];
    sub_mul_shoup(xs[x]->limb(i), conv[x].limb(i), n, w, shoup(w, q), q);
  }
  x0.truncate(nq);
  x1.truncate(nq);
}

std::pair<RnsPoly, RnsPoly> level0_key_switch(const RnsPoly& c, const Level0SwitchingKey& key, const Params& params) {
  const ParamsContext& ctx = params.context();
  const std::array<Modulus, 2> mods = level0_key_moduli(params);
  const Modulus& q0 = mods[0];
  const Modulus& p0 = mods[1];
  const std::size_t n = ctx.n;
  OLA_CHECK(c.n == n && c.limbs >= 1 && key.b.limbs == 2 && key.a.limbs == 2, "level0_key_switch: shapes");
  // c in p_0: the centred lift of c mod q_0 (|c| < q_0 / 2 < p_0 / 2), in NTT form.
  std::vector<u64> cp(c.limb(0), c.limb(0) + n);
  ctx.q_ntt[0].inverse(cp.data());
  for (auto& v : cp) v = from_signed(center(v, q0.value), p0);
  ctx.p_ntt[0].forward(cp.data());
  const u64 p0_inv = inv_mod(p0.value % q0.value, q0);
  const u64 p0_inv_s = shoup(p0_inv, q0.value);
  std::pair<RnsPoly, RnsPoly> out{RnsPoly::uninitialized(n, 1), RnsPoly::uninitialized(n, 1)};
  RnsPoly* const parts[2] = {&out.first, &out.second};
  const RnsPoly* const keys[2] = {&key.b, &key.a};
  std::vector<u64> on_p(n), back(n);
  for (int x = 0; x < 2; ++x) {
    u64* on_q = parts[x]->limb(0);
    for (std::size_t i = 0; i < n; ++i) {
      on_q[i] = mul_mod(c.limb(0)[i], keys[x]->limb(0)[i], q0);
      on_p[i] = mul_mod(cp[i], keys[x]->limb(1)[i], p0);
    }
    // round(y / p_0) = (y - [y]_{p_0}) / p_0 with [y]_{p_0} centred (a zero-mean rounding error).
    ctx.p_ntt[0].inverse(on_p.data());
    for (std::size_t i = 0; i < n; ++i) back[i] = from_signed(center(on_p[i], p0.value), q0);
    ctx.q_ntt[0].forward(back.data());
    for (std::size_t i = 0; i < n; ++i) on_q[i] = mul_shoup(sub_mod(on_q[i], back[i], q0.value), p0_inv, p0_inv_s, q0.value);
  }
  return out;
}

}  // namespace ola::ckks::detail
