#include "ckks/core/encryptor.h"

#include "ckks/core/errors.h"
#include "ckks/core/poly_transform.h"
#include "ckks/ring/sampler.h"
#include "util/secure_memory.h"

namespace ola::ckks {

namespace {
constexpr double kSigma = 3.2;

void check_fingerprint(const Params& params, const std::string& fp, const char* where) {
  if (fp != params.fingerprint()) throw OperandError(ola::mismatch(where, "key parameters", params.fingerprint(), fp));
}

RnsPoly gaussian(const Params& params, std::size_t limbs) {
  auto e = sample_gaussian(params.n(), kSigma);
  WipeOnExit wipe_e(e);  // with the ciphertext, the noise would reveal the message
  RnsPoly out(params.n(), limbs);
  signed_to_rns(e, params.q_moduli(), out);
  to_ntt(out, params, limbs);
  return out;
}
}  // namespace

Encryptor::Encryptor(Params params, PublicKey public_key) : params_(std::move(params)), pk_(std::move(public_key)) {
  check_fingerprint(params_, pk_->params_fingerprint, "Encryptor");
}

Encryptor::Encryptor(Params params, SecretKey secret_key) : params_(std::move(params)), sk_(std::move(secret_key)) {
  check_fingerprint(params_, sk_->params_fingerprint, "Encryptor");
}

Ciphertext Encryptor::encrypt_zero(int level, double scale, std::size_t slots) const {
  if (level < 0 || level > params_.max_level()) {
    throw OperandError(ola::mismatch("Encryptor::encrypt", "level", "0.." + std::to_string(params_.max_level()), level));
  }
  const std::size_t limbs = static_cast<std::size_t>(level) + 1;
  const auto mods = params_.q_moduli();
  Ciphertext ct;
  ct.level = level;
  ct.scale = scale;
  ct.slots = slots;
  ct.ntt = true;
  ct.key_id = sk_ ? sk_->key_id : pk_->key_id;
  if (sk_) {
    RnsPoly a(params_.n(), limbs);
    sample_uniform(random_seed(), mods, a);
    RnsPoly c0 = gaussian(params_, limbs);
    RnsPoly as(params_.n(), limbs);
    WipeOnExit wipe_as(as.data);  // a*s with the public a reveals s
    poly_mul(a, sk_->s_qp, as, mods, limbs);
    poly_sub(c0, as, c0, mods, limbs);
    ct.parts = {std::move(c0), std::move(a)};
  } else {
    std::vector<std::int8_t> u = sample_ternary(params_.n());  // ephemeral u: uniform ternary
    WipeOnExit wipe_u(u);  // u with the ciphertext reveals the message
    RnsPoly un(params_.n(), limbs);
    WipeOnExit wipe_un(un.data);
    signed_to_rns(std::span<const std::int8_t>(u), mods, un);
    to_ntt(un, params_, limbs);
    RnsPoly c0 = gaussian(params_, limbs);
    RnsPoly c1 = gaussian(params_, limbs);
    poly_mul_add(un, pk_->b, c0, mods, limbs);
    poly_mul_add(un, pk_->a, c1, mods, limbs);
    ct.parts = {std::move(c0), std::move(c1)};
  }
  return ct;
}

Ciphertext Encryptor::encrypt(const Plaintext& pt) const {
  if (!pt.ntt || pt.poly.limbs != static_cast<std::size_t>(pt.level) + 1 || pt.poly.n != params_.n()) {
    throw OperandError(ola::mismatch("Encryptor::encrypt", "plaintext", "NTT form with level + 1 = " +
                                                                           std::to_string(pt.level + 1) + " limbs",
                                     std::to_string(pt.poly.limbs) + " limbs" + (pt.ntt ? "" : ", coefficient form")));
  }
  Ciphertext ct = encrypt_zero(pt.level, pt.scale, pt.slots);
  poly_add(ct.parts[0], pt.poly, ct.parts[0], params_.q_moduli(), ct.limbs());
  return ct;
}

Decryptor::Decryptor(Params params, SecretKey secret_key) : params_(std::move(params)), sk_(std::move(secret_key)) {
  check_fingerprint(params_, sk_.params_fingerprint, "Decryptor");
}

Plaintext Decryptor::decrypt(const Ciphertext& ct) const {
  const char* where = "Decryptor::decrypt";
  if (ct.parts.size() < 2 || ct.parts.size() > 3) {
    throw OperandError(ola::mismatch(where, "ciphertext parts", "2 or 3", ct.parts.size()));
  }
  if (!ct.ntt) throw OperandError(ola::mismatch(where, "form", "NTT", "coefficient"));
  if (ct.level < 0 || ct.level > params_.max_level()) {
    throw OperandError(ola::mismatch(where, "level", "0.." + std::to_string(params_.max_level()), ct.level));
  }
  const std::size_t limbs = ct.limbs();
  for (const auto& p : ct.parts) {
    if (p.limbs != limbs || p.n != params_.n()) throw OperandError(ola::mismatch(where, "part limbs", limbs, p.limbs));
  }
  if (!compatible(ct.key_id, sk_.key_id)) {
    throw OperandError(ola::mismatch(where, "key pair", sk_.key_id.hex() + " (the secret key's)",
                                     ct.key_id.hex() + " (the ciphertext's: encrypted under another key pair)"));
  }
  const auto mods = params_.q_moduli();
  Plaintext pt;
  pt.level = ct.level;
  pt.scale = ct.scale;
  pt.slots = ct.slots;
  pt.ntt = true;
  pt.poly = ct.parts[0];
  poly_mul_add(ct.parts[1], sk_.s_qp, pt.poly, mods, limbs);
  if (ct.parts.size() == 3) {
    RnsPoly s2(params_.n(), limbs);
    WipeOnExit wipe_s2(s2.data);
    poly_mul(sk_.s_qp, sk_.s_qp, s2, mods, limbs);
    poly_mul_add(ct.parts[2], s2, pt.poly, mods, limbs);
  }
  return pt;
}

}  // namespace ola::ckks
