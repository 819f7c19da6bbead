#include "ckks/core/serialization.h"

#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <istream>

#include "ckks/core/errors.h"
#include "ckks/core/poly_transform.h"
#include "util/atomic_file.h"
#include "util/secure_memory.h"

namespace ola::ckks {

namespace {

constexpr char kMagic[8] = {'O', 'L', 'A', 'C', 'K', 'K', 'S', '1'};
constexpr std::size_t kFingerprintBytes = 64;
constexpr std::size_t kKeyIdBytes = 16;
static_assert(kHeaderBytes == 8 + 4 + 4 + kFingerprintBytes + kKeyIdBytes + 8);

const char* kind_name(FileKind k) {
  switch (k) {
    case FileKind::params: return "params";
    case FileKind::secret_key: return "secret_key";
    case FileKind::public_key: return "public_key";
    case FileKind::relin_key: return "relin_key";
    case FileKind::galois_keys: return "galois_keys";
    case FileKind::ciphertext: return "ciphertext";
    case FileKind::encapsulation_keys: return "encapsulation_keys";
  }
  return "unknown";
}

class Writer {
 public:
  /// Reserves the final size up front where the bytes are secret: a growing vector would free
  /// unwiped copies of its earlier buffers.
  void reserve(std::size_t n) { out_.reserve(n); }
  template <class T>
  void put(T v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    out_.insert(out_.end(), p, p + sizeof(T));
  }
  void put_bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  void put_poly(const RnsPoly& p) { put_bytes(p.data.data(), p.data.size() * sizeof(u64)); }
  std::vector<std::uint8_t>& bytes() { return out_; }

 private:
  std::vector<std::uint8_t> out_;
};

/// Bounds-checked reader: every read names the field on failure. Reads from bytes in memory, or
/// from `size` bytes of a stream as they are asked for (a key file is not held twice).
class Reader {
 public:
  Reader(std::span<const std::uint8_t> b, std::string where) : b_(b), size_(b.size()), where_(std::move(where)) {}
  Reader(std::istream& in, std::size_t size, std::string where) : in_(&in), size_(size), where_(std::move(where)) {}
  const std::string& where() const { return where_; }
  std::size_t remaining() const { return size_ - pos_; }
  void need(std::size_t n, const std::string& field) const {
    if (remaining() < n) {
      throw FormatError(ola::mismatch(where_, field, std::to_string(n) + " more bytes",
                                      std::to_string(remaining()) + " (truncated)"));
    }
  }
  template <class T>
  T get(const std::string& field) {
    T v;
    get_bytes(&v, sizeof(T), field);
    return v;
  }
  void get_bytes(void* dst, std::size_t n, const std::string& field) {
    need(n, field);
    if (in_ == nullptr) {
      std::memcpy(dst, b_.data() + pos_, n);
    } else if (n > 0 && !in_->read(static_cast<char*>(dst), static_cast<std::streamsize>(n))) {
      throw FormatError(ola::mismatch(where_, field, std::to_string(n) + " bytes", "a failed read"));
    }
    pos_ += n;
  }
  /// Reads a polynomial of `limbs` limbs of degree n whose limb i must be < mods[i].
  RnsPoly get_poly(std::size_t n, std::size_t limbs, std::span<const Modulus> mods, const std::string& field) {
    const std::size_t bytes = n * limbs * sizeof(u64);
    need(bytes, field);
    RnsPoly p(n, limbs);
    get_bytes(p.data.data(), bytes, field);
    for (std::size_t i = 0; i < limbs; ++i) {
      const u64 q = mods[i].value;
      const u64* x = p.limb(i);
      for (std::size_t j = 0; j < n; ++j) {
        if (x[j] >= q) {
          throw FormatError(ola::mismatch(where_, field + " limb " + std::to_string(i) + " value " + std::to_string(j),
                                          "< q = " + std::to_string(q), x[j]));
        }
      }
    }
    return p;
  }
  void expect_end() const {
    if (remaining() != 0) throw FormatError(ola::mismatch(where_, "payload", "end of data", std::to_string(remaining()) + " trailing bytes"));
  }

 private:
  std::span<const std::uint8_t> b_;
  std::istream* in_ = nullptr;
  std::size_t size_ = 0;
  std::string where_;
  std::size_t pos_ = 0;
};

void write_header(Writer& w, FileKind kind, const std::string& fingerprint, const KeyId& key_id,
                  std::uint64_t payload_size) {
  w.put_bytes(kMagic, sizeof(kMagic));
  w.put<std::uint32_t>(kFormatVersion);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(kind));
  w.put_bytes(fingerprint.data(), kFingerprintBytes);
  w.put_bytes(key_id.bytes.data(), kKeyIdBytes);
  w.put<std::uint64_t>(payload_size);
}

/// Header + payload in one buffer of the exact size (the payload, if secret, is wiped).
std::vector<std::uint8_t> with_header(FileKind kind, const std::string& fingerprint, const KeyId& key_id,
                                      std::vector<std::uint8_t> payload) {
  Writer w;
  w.reserve(kHeaderBytes + payload.size());
  write_header(w, kind, fingerprint, key_id, payload.size());
  auto& out = w.bytes();
  out.insert(out.end(), payload.begin(), payload.end());
  if (kind == FileKind::secret_key) secure_wipe(payload);
  return std::move(out);
}

struct Opened {
  std::span<const std::uint8_t> payload;
  std::string fingerprint;
  KeyId key_id;
};

struct Header {
  std::string fingerprint;
  KeyId key_id;
};

/// Reads and validates the header from `r` (at the file's start), including that the payload size
/// it states is what follows; `r` is left at the payload.
Header read_header(Reader& r, FileKind kind) {
  const std::string& where = r.where();
  char magic[8];
  r.get_bytes(magic, 8, "header.magic");
  if (std::memcmp(magic, kMagic, 8) != 0) {
    std::string got;
    for (char c : magic) got += (c >= 32 && c < 127) ? c : '?';
    throw FormatError(ola::mismatch(where, "header.magic", "OLACKKS1", got));
  }
  const auto version = r.get<std::uint32_t>("header.version");
  if (version != kFormatVersion) throw FormatError(ola::mismatch(where, "header.version", kFormatVersion, version));
  const auto k = r.get<std::uint32_t>("header.kind");
  if (k != static_cast<std::uint32_t>(kind)) {
    throw FormatError(ola::mismatch(where, "header.kind", std::string(kind_name(kind)) + " (" +
                                                             std::to_string(static_cast<std::uint32_t>(kind)) + ")",
                                    k));
  }
  std::string fp(kFingerprintBytes, '\0');
  r.get_bytes(fp.data(), kFingerprintBytes, "header.fingerprint");
  for (char c : fp) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw FormatError(ola::mismatch(where, "header.fingerprint", "64 hex digits", "non-hex bytes"));
    }
  }
  KeyId id;
  r.get_bytes(id.bytes.data(), kKeyIdBytes, "header.key_id");
  const auto size = r.get<std::uint64_t>("header.payload_size");
  if (size != r.remaining()) {
    throw FormatError(ola::mismatch(where, "payload", std::to_string(size) + " bytes",
                                    std::to_string(r.remaining()) + (size > r.remaining() ? " (truncated)" : " (trailing data)")));
  }
  return {fp, id};
}

void check_fingerprint(const Header& h, const Params& params, const std::string& where) {
  if (h.fingerprint != params.fingerprint()) {
    throw FormatError(ola::mismatch(where, "header.fingerprint", params.fingerprint(), h.fingerprint));
  }
}

/// Validates the header; returns the payload, the fingerprint and the key-pair id of the file.
Opened open_payload(std::span<const std::uint8_t> bytes, FileKind kind, const std::string& where) {
  Reader r(bytes, where);
  Header h = read_header(r, kind);
  return {bytes.subspan(kHeaderBytes), std::move(h.fingerprint), h.key_id};
}

Opened open_for(std::span<const std::uint8_t> bytes, FileKind kind, const Params& params, const std::string& where) {
  Opened o = open_payload(bytes, kind, where);
  check_fingerprint({o.fingerprint, o.key_id}, params, where);
  return o;
}

void write_switching_key(Writer& w, const SwitchingKey& k) {
  w.put_bytes(k.seed.data(), k.seed.size());
  w.put<std::uint32_t>(static_cast<std::uint32_t>(k.b.size()));
  w.put<std::uint64_t>(k.b.empty() ? 0 : k.b[0].limbs);
  for (const auto& b : k.b) w.put_poly(b);
}

/// Bytes write_switching_key writes for k.
std::uint64_t switching_key_size(const SwitchingKey& k) {
  std::uint64_t n = k.seed.size() + 4 + 8;
  for (const auto& b : k.b) n += b.data.size() * sizeof(u64);
  return n;
}

std::uint64_t galois_payload_size(const GaloisKeys& gk) {
  std::uint64_t payload = 4;
  for (const auto& [g, k] : gk.keys) payload += 8 + switching_key_size(k);
  return payload;
}


/// A switching key; its level (highest ciphertext level it switches) is limbs - 1 - k.
SwitchingKey read_switching_key(Reader& r, const Params& params, const std::string& field) {
  SwitchingKey k;
  r.get_bytes(k.seed.data(), k.seed.size(), field + ".seed");
  const auto digits = r.get<std::uint32_t>(field + ".digits");
  const auto limbs = r.get<std::uint64_t>(field + ".limbs");
  const std::uint64_t kp = params.p_count();
  if (limbs < 1 + kp || limbs > params.q_count() + kp) {
    throw FormatError(ola::mismatch(r.where(), field + ".limbs",
                                    std::to_string(1 + kp) + ".." + std::to_string(params.q_count() + kp) +
                                        " (level + 1 + k)",
                                    limbs));
  }
  k.level = static_cast<int>(limbs - 1 - kp);
  const auto expected_digits = static_cast<std::uint32_t>(params.digits_at(k.level));
  if (digits != expected_digits) {
    throw FormatError(ola::mismatch(r.where(), field + ".digits",
                                    std::to_string(expected_digits) + " (at key level " + std::to_string(k.level) + ")",
                                    digits));
  }
  const auto mods = params.qp_moduli(k.level);
  for (std::uint32_t j = 0; j < digits; ++j) {
    k.b.push_back(r.get_poly(params.n(), mods.size(), mods, field + ".b[" + std::to_string(j) + "]"));
    RnsPoly a(params.n(), mods.size());
    sample_uniform(derive_seed(k.seed, j), mods, a);  // same expansion as KeyGenerator::switching_key
    k.a.push_back(std::move(a));
  }
  return k;
}

}  // namespace

// ------------------------------------------------------------------ writers

std::uint64_t serialized_size(const GaloisKeys& gk) { return kHeaderBytes + galois_payload_size(gk); }

void write_galois_keys(const GaloisKeys& gk, const Params& params, const ByteSink& sink) {
  Writer head;
  write_header(head, FileKind::galois_keys, params.fingerprint(), gk.key_id, galois_payload_size(gk));
  head.put<std::uint32_t>(static_cast<std::uint32_t>(gk.keys.size()));
  sink(head.bytes());
  for (const auto& [g, k] : gk.keys) {
    Writer w;
    w.reserve(8 + switching_key_size(k));
    w.put<std::uint64_t>(g);
    write_switching_key(w, k);
    sink(w.bytes());
  }
}

std::vector<std::uint8_t> to_bytes(const Params& params) {
  const ParamsLiteral& l = params.literal();
  Writer w;
  w.put<std::int32_t>(l.log_n);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(l.log_q.size()));
  for (int b : l.log_q) w.put<std::int32_t>(b);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(l.log_p.size()));
  for (int b : l.log_p) w.put<std::int32_t>(b);
  w.put<std::int32_t>(l.dnum);
  w.put<double>(l.log_default_scale);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(l.secret));
  w.put<std::int32_t>(l.hamming_weight);
  w.put<std::uint8_t>(l.test_only ? 1 : 0);
  return with_header(FileKind::params, params.fingerprint(), KeyId{}, std::move(w.bytes()));
}

std::vector<std::uint8_t> to_bytes(const SecretKey& sk, const Params& params) {
  Writer w;
  w.reserve(8 + sk.coeffs.size());
  w.put<std::uint64_t>(sk.coeffs.size());
  w.put_bytes(sk.coeffs.data(), sk.coeffs.size());
  return with_header(FileKind::secret_key, params.fingerprint(), sk.key_id, std::move(w.bytes()));
}

std::vector<std::uint8_t> to_bytes(const PublicKey& pk, const Params& params) {
  Writer w;
  w.put<std::uint64_t>(pk.b.limbs);
  w.put_poly(pk.b);
  w.put_poly(pk.a);
  return with_header(FileKind::public_key, params.fingerprint(), pk.key_id, std::move(w.bytes()));
}

std::vector<std::uint8_t> to_bytes(const RelinKey& rk, const Params& params) {
  Writer w;
  write_switching_key(w, rk.key);
  return with_header(FileKind::relin_key, params.fingerprint(), rk.key_id, std::move(w.bytes()));
}

std::vector<std::uint8_t> to_bytes(const GaloisKeys& gk, const Params& params) {
  std::vector<std::uint8_t> out;
  out.reserve(serialized_size(gk));
  write_galois_keys(gk, params, [&out](std::span<const std::uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); });
  return out;
}

std::vector<std::uint8_t> to_bytes(const Ciphertext& ct, const Params& params) {
  Writer w;
  w.put<std::int32_t>(ct.level);
  w.put<double>(ct.scale);
  w.put<std::uint64_t>(ct.slots);
  w.put<std::uint8_t>(ct.ntt ? 1 : 0);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(ct.parts.size()));
  for (const auto& p : ct.parts) w.put_poly(p);
  return with_header(FileKind::ciphertext, params.fingerprint(), ct.key_id, std::move(w.bytes()));
}

std::vector<std::uint8_t> to_bytes(const EncapsulationKeys& keys, const Params& params) {
  Writer w;
  w.put<std::int32_t>(keys.hamming_weight);
  w.put_bytes(keys.to_sparse.seed.data(), keys.to_sparse.seed.size());
  w.put_poly(keys.to_sparse.b);
  write_switching_key(w, keys.from_sparse);
  return with_header(FileKind::encapsulation_keys, params.fingerprint(), keys.key_id, std::move(w.bytes()));
}

// ------------------------------------------------------------------ readers

Params params_from_bytes(std::span<const std::uint8_t> bytes, const std::string& where, ParamsFileOptions options) {
  const auto [payload, fp, key_id] = open_payload(bytes, FileKind::params, where);
  Reader r(payload, where);
  ParamsLiteral l;
  l.log_n = r.get<std::int32_t>("log_n");
  if (l.log_n < 12 || l.log_n > 17) throw FormatError(ola::mismatch(where, "log_n", "12..17", l.log_n));
  const auto nq = r.get<std::uint32_t>("log_q.size");
  if (nq == 0 || nq > kMaxFileQPrimes) {
    throw FormatError(ola::mismatch(where, "log_q.size", "1.." + std::to_string(kMaxFileQPrimes), nq));
  }
  for (std::uint32_t i = 0; i < nq; ++i) l.log_q.push_back(r.get<std::int32_t>("log_q"));
  const auto np = r.get<std::uint32_t>("log_p.size");
  if (np == 0 || np > kMaxFilePPrimes) {
    throw FormatError(ola::mismatch(where, "log_p.size", "1.." + std::to_string(kMaxFilePPrimes), np));
  }
  for (std::uint32_t i = 0; i < np; ++i) l.log_p.push_back(r.get<std::int32_t>("log_p"));
  l.dnum = r.get<std::int32_t>("dnum");
  l.log_default_scale = r.get<double>("log_default_scale");
  const auto secret = r.get<std::uint32_t>("secret");
  if (secret > 1) throw FormatError(ola::mismatch(where, "secret", "0 (ternary) or 1 (hamming)", secret));
  l.secret = static_cast<SecretDistribution>(secret);
  l.hamming_weight = r.get<std::int32_t>("hamming_weight");
  const auto t = r.get<std::uint8_t>("test_only");
  if (t > 1) throw FormatError(ola::mismatch(where, "test_only", "0 or 1", static_cast<int>(t)));
  l.test_only = t == 1;
  r.expect_end();
  // Everything below is checked before any table of N values is built.
  if (l.test_only && !options.allow_test_only) {
    throw FormatError(ola::mismatch(where, "test_only", "0 (a 128-bit set; this reader does not accept test-only sets)",
                                    "1 (an insecure test-only set)"));
  }
  const std::uint64_t residues = (std::uint64_t{1} << l.log_n) * (nq + np);
  if (residues > kMaxFileResidues) {
    throw FormatError(ola::mismatch(where, "N x (L + 1 + k)", "<= " + std::to_string(kMaxFileResidues),
                                    std::to_string(residues) + " (2^" + std::to_string(l.log_n) + " x " +
                                        std::to_string(nq + np) + " primes)"));
  }
  try {
    const std::string want = literal_fingerprint(l);
    if (want != fp) throw FormatError(ola::mismatch(where, "header.fingerprint", want, fp));
    return Params(l);
  } catch (const ParamError& e) {
    throw FormatError(where + ": " + e.what());
  }
}

SecretKey secret_key_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where) {
  const Opened o = open_for(bytes, FileKind::secret_key, params, where);
  Reader r(o.payload, where);
  const auto n = r.get<std::uint64_t>("n");
  if (n != params.n()) throw FormatError(ola::mismatch(where, "n", params.n(), n));
  SecretKey sk;  // wiped by its destructor if a check below throws
  sk.key_id = o.key_id;
  sk.coeffs.resize(params.n());
  r.get_bytes(sk.coeffs.data(), params.n(), "coeffs");
  for (std::size_t i = 0; i < sk.coeffs.size(); ++i) {
    if (sk.coeffs[i] < -1 || sk.coeffs[i] > 1) {
      throw FormatError(ola::mismatch(where, "coeffs[" + std::to_string(i) + "]", "-1, 0 or 1", static_cast<int>(sk.coeffs[i])));
    }
  }
  r.expect_end();
  const auto mods = params.qp_moduli(params.max_level());
  sk.s_qp = RnsPoly(params.n(), mods.size());
  signed_to_rns(std::span<const std::int8_t>(sk.coeffs), mods, sk.s_qp);
  to_ntt(sk.s_qp, params, params.q_count(), true);
  sk.params_fingerprint = params.fingerprint();
  return sk;
}

PublicKey public_key_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where) {
  const Opened o = open_for(bytes, FileKind::public_key, params, where);
  Reader r(o.payload, where);
  const auto limbs = r.get<std::uint64_t>("limbs");
  if (limbs != params.q_count()) throw FormatError(ola::mismatch(where, "limbs", params.q_count(), limbs));
  PublicKey pk;
  pk.key_id = o.key_id;
  pk.b = r.get_poly(params.n(), params.q_count(), params.q_moduli(), "b");
  pk.a = r.get_poly(params.n(), params.q_count(), params.q_moduli(), "a");
  r.expect_end();
  pk.params_fingerprint = params.fingerprint();
  return pk;
}

RelinKey relin_key_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where) {
  const Opened o = open_for(bytes, FileKind::relin_key, params, where);
  Reader r(o.payload, where);
  RelinKey rk{read_switching_key(r, params, "key"), params.fingerprint(), o.key_id};
  r.expect_end();
  return rk;
}

EncapsulationKeys encapsulation_keys_from_bytes(std::span<const std::uint8_t> bytes, const Params& params,
                                                const std::string& where) {
  const Opened o = open_for(bytes, FileKind::encapsulation_keys, params, where);
  Reader r(o.payload, where);
  EncapsulationKeys keys;
  keys.hamming_weight = r.get<std::int32_t>("hamming_weight");
  if (keys.hamming_weight < 1 || static_cast<std::size_t>(keys.hamming_weight) > params.n()) {
    throw FormatError(ola::mismatch(where, "hamming_weight", "1..N = " + std::to_string(params.n()), keys.hamming_weight));
  }
  std::array<Modulus, 2> mods{};
  try {
    mods = level0_key_moduli(params);
  } catch (const ParamError& e) {
    throw FormatError(where + ": encapsulation keys need " + e.what());
  }
  r.get_bytes(keys.to_sparse.seed.data(), keys.to_sparse.seed.size(), "to_sparse.seed");
  keys.to_sparse.b = r.get_poly(params.n(), 2, mods, "to_sparse.b");
  keys.to_sparse.a = level0_key_a(params, keys.to_sparse.seed);
  keys.from_sparse = read_switching_key(r, params, "from_sparse");
  r.expect_end();
  keys.params_fingerprint = params.fingerprint();
  keys.key_id = o.key_id;
  return keys;
}

namespace {

/// The payload of a Galois-keys file, from `r` (positioned after the header).
GaloisKeys read_galois_payload(Reader& r, const Params& params, const KeyId& key_id) {
  const std::string& where = r.where();
  const auto count = r.get<std::uint32_t>("count");
  if (count > params.n()) throw FormatError(ola::mismatch(where, "count", "<= N = " + std::to_string(params.n()), count));
  GaloisKeys gk;
  gk.key_id = key_id;
  gk.params_fingerprint = params.fingerprint();
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto g = r.get<std::uint64_t>("galois_element");
    if ((g & 1) == 0 || g >= 2 * params.n() || gk.has(g)) {
      throw FormatError(ola::mismatch(where, "galois_element[" + std::to_string(i) + "]",
                                      "odd, < 2N, not repeated", g));
    }
    gk.keys.emplace(g, read_switching_key(r, params, "key[" + std::to_string(g) + "]"));
  }
  r.expect_end();
  return gk;
}

}  // namespace

GaloisKeys galois_keys_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where) {
  const Opened o = open_for(bytes, FileKind::galois_keys, params, where);
  Reader r(o.payload, where);
  return read_galois_payload(r, params, o.key_id);
}

GaloisKeys read_galois_keys(std::istream& in, std::uint64_t size, const Params& params, const std::string& where) {
  Reader r(in, static_cast<std::size_t>(size), where);
  const Header h = read_header(r, FileKind::galois_keys);
  check_fingerprint(h, params, where);
  return read_galois_payload(r, params, h.key_id);
}

Ciphertext ciphertext_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where) {
  const Opened o = open_for(bytes, FileKind::ciphertext, params, where);
  Reader r(o.payload, where);
  Ciphertext ct;
  ct.key_id = o.key_id;
  ct.level = r.get<std::int32_t>("level");
  if (ct.level < 0 || ct.level > params.max_level()) {
    throw FormatError(ola::mismatch(where, "level", "0.." + std::to_string(params.max_level()), ct.level));
  }
  ct.scale = r.get<double>("scale");
  if (!(ct.scale > 0) || !std::isfinite(ct.scale)) throw FormatError(ola::mismatch(where, "scale", "positive and finite", ct.scale));
  ct.slots = r.get<std::uint64_t>("slots");
  if (ct.slots == 0 || ct.slots > params.max_slots() || (ct.slots & (ct.slots - 1)) != 0) {
    throw FormatError(ola::mismatch(where, "slots", "a power of two in 1.." + std::to_string(params.max_slots()), ct.slots));
  }
  const auto ntt = r.get<std::uint8_t>("ntt");
  if (ntt > 1) throw FormatError(ola::mismatch(where, "ntt", "0 or 1", static_cast<int>(ntt)));
  ct.ntt = ntt == 1;
  const auto parts = r.get<std::uint32_t>("parts");
  if (parts < 2 || parts > 3) throw FormatError(ola::mismatch(where, "parts", "2 or 3", parts));
  for (std::uint32_t k = 0; k < parts; ++k) {
    ct.parts.push_back(r.get_poly(params.n(), ct.limbs(), params.q_moduli(), "parts[" + std::to_string(k) + "]"));
  }
  r.expect_end();
  return ct;
}

// ------------------------------------------------------------------ files

void save(const std::filesystem::path& path, const Params& params) { write_file_atomic(path, to_bytes(params)); }
void save(const std::filesystem::path& path, const SecretKey& sk, const Params& params) {
  auto bytes = to_bytes(sk, params);
  WipeOnExit wipe(bytes);
  write_file_atomic(path, bytes, 0600);
}
void save(const std::filesystem::path& path, const PublicKey& pk, const Params& params) {
  write_file_atomic(path, to_bytes(pk, params));
}
void save(const std::filesystem::path& path, const RelinKey& rk, const Params& params) {
  write_file_atomic(path, to_bytes(rk, params));
}
void save(const std::filesystem::path& path, const GaloisKeys& gk, const Params& params) {
  // Streamed: an n16 bootstrapping key set is several GB, never held again as bytes.
  write_file_atomic_streamed(path, [&](const ByteSink& sink) { write_galois_keys(gk, params, sink); });
}
void save(const std::filesystem::path& path, const Ciphertext& ct, const Params& params) {
  write_file_atomic(path, to_bytes(ct, params));
}

Params load_params(const std::filesystem::path& path, ParamsFileOptions options) {
  return params_from_bytes(read_file_bytes(path), path.string(), options);
}
SecretKey load_secret_key(const std::filesystem::path& path, const Params& params) {
  auto bytes = read_file_bytes(path);
  WipeOnExit wipe(bytes);
  return secret_key_from_bytes(bytes, params, path.string());
}
PublicKey load_public_key(const std::filesystem::path& path, const Params& params) {
  return public_key_from_bytes(read_file_bytes(path), params, path.string());
}
RelinKey load_relin_key(const std::filesystem::path& path, const Params& params) {
  return relin_key_from_bytes(read_file_bytes(path), params, path.string());
}
GaloisKeys load_galois_keys(const std::filesystem::path& path, const Params& params) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open file for reading");
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0) throw Error(path.string() + ": cannot determine file size");
  in.seekg(0);
  return read_galois_keys(in, static_cast<std::uint64_t>(size), params, path.string());
}
Ciphertext load_ciphertext(const std::filesystem::path& path, const Params& params) {
  return ciphertext_from_bytes(read_file_bytes(path), params, path.string());
}

void check_key_pair(const Ciphertext& ct, const SecretKey& sk, const std::string& where) {
  if (!compatible(ct.key_id, sk.key_id)) {
    throw FormatError(ola::mismatch(where, "header.key_id", sk.key_id.hex() + " (the secret key's key pair)",
                                    ct.key_id.hex() + " (encrypted under another key pair)"));
  }
}

}  // namespace ola::ckks
