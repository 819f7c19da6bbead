#include "ckks/core/serialization.h"

#include <filesystem>
#include <sstream>
#include <unistd.h>

#include "ckks_fixture.h"
#include "util/atomic_file.h"

namespace ola::ckks {
namespace {
using testing::cd;
using testing::Ctx;
using testing::precision_bits;
using testing::random_values;

using testing::contains;

std::string what_of(const std::function<void()>& f) { return testing::error_of<FormatError>(f); }

TEST(Serialization, RoundTripsEveryKind) {
  const Ctx& c = Ctx::get();
  const auto dir = std::filesystem::temp_directory_path() / ("ola_ckks_ser_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  save(dir / "params.bin", c.params);
  const Params p = load_params(dir / "params.bin", {.allow_test_only = true});
  EXPECT_EQ(p.fingerprint(), c.params.fingerprint());
  EXPECT_EQ(p.q(3), c.params.q(3));

  save(dir / "sk.bin", c.keygen.secret_key(), c.params);
  EXPECT_EQ(std::filesystem::status(dir / "sk.bin").permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  const SecretKey sk = load_secret_key(dir / "sk.bin", p);
  EXPECT_EQ(sk.coeffs, c.keygen.secret_key().coeffs);
  EXPECT_EQ(sk.s_qp, c.keygen.secret_key().s_qp);

  const PublicKey pk = c.keygen.public_key();
  save(dir / "pk.bin", pk, c.params);
  const PublicKey pk2 = load_public_key(dir / "pk.bin", p);
  EXPECT_EQ(pk2.a, pk.a);
  EXPECT_EQ(pk2.b, pk.b);

  save(dir / "rk.bin", *c.relin, c.params);
  const RelinKey rk = load_relin_key(dir / "rk.bin", p);
  EXPECT_EQ(rk.key.b, c.relin->key.b);
  EXPECT_EQ(rk.key.a, c.relin->key.a);  // re-expanded from the seed
  // The seed halves the storage: only b is stored.
  const auto rk_bytes = std::filesystem::file_size(dir / "rk.bin");
  std::size_t b_bytes = 0;
  for (const auto& b : c.relin->key.b) b_bytes += b.data.size() * 8;
  EXPECT_LT(rk_bytes, b_bytes + 200);

  save(dir / "gk.bin", *c.galois, c.params);
  const GaloisKeys gk = load_galois_keys(dir / "gk.bin", p);
  ASSERT_EQ(gk.keys.size(), c.galois->keys.size());
  for (const auto& [g, k] : c.galois->keys) EXPECT_EQ(gk.keys.at(g).b, k.b);

  const auto v = random_values(64, 3);
  const Ciphertext ct = c.encrypt(v, 4, 64);
  save(dir / "ct.bin", ct, c.params);
  const Ciphertext ct2 = load_ciphertext(dir / "ct.bin", p);
  EXPECT_EQ(ct2.parts, ct.parts);
  EXPECT_EQ(ct2.level, 4);
  EXPECT_EQ(ct2.slots, 64u);
  EXPECT_DOUBLE_EQ(ct2.scale, ct.scale);
  // Loaded keys work: rotate with loaded Galois keys, decrypt with the loaded secret key.
  const Evaluator ev(p, EvaluationKeys{std::make_shared<RelinKey>(rk), std::make_shared<GaloisKeys>(gk)});
  const Decryptor dec(p, sk);
  std::vector<cd> want(64);
  for (std::size_t j = 0; j < 64; ++j) want[j] = v[(j + 1) % 64];
  EXPECT_GE(precision_bits(c.encoder.decode(dec.decrypt(ev.rotate(ct2, 1))), want), 25.0);
  std::filesystem::remove_all(dir);
}

TEST(Serialization, OtherParametersAreRefused) {
  const Ctx& c = Ctx::get();
  const Params other(test_literal_n12());
  const auto bytes = to_bytes(c.encrypt(random_values(8, 1), 1, 8), c.params);
  const std::string msg = what_of([&] { ciphertext_from_bytes(bytes, other, "ct.bin"); });
  EXPECT_TRUE(contains(msg, "ct.bin: header.fingerprint: expected " + other.fingerprint() + ", got " +
                                c.params.fingerprint()))
      << msg;
  const auto rk = to_bytes(*c.relin, c.params);
  EXPECT_TRUE(contains(what_of([&] { relin_key_from_bytes(rk, other, "rk.bin"); }), "header.fingerprint"));
}

TEST(Serialization, TruncatedFilesAreRefusedAtEveryLength) {
  const Ctx& c = Ctx::get();
  const auto full = to_bytes(c.encrypt(random_values(8, 2), 0, 8), c.params);
  // Every prefix (a sample of lengths, including inside the header) must throw FormatError.
  for (std::size_t len : {std::size_t{0}, std::size_t{5}, std::size_t{20}, kHeaderBytes - 1, kHeaderBytes,
                          std::size_t{100}, full.size() / 2, full.size() - 1}) {
    const std::span<const std::uint8_t> prefix(full.data(), len);
    const std::string msg = what_of([&] { ciphertext_from_bytes(prefix, c.params, "ct.bin"); });
    EXPECT_TRUE(contains(msg, "ct.bin: ") && contains(msg, "truncated")) << len << ": " << msg;
  }
  const auto pbytes = to_bytes(c.params);
  const std::span<const std::uint8_t> pprefix(pbytes.data(), pbytes.size() - 3);
  EXPECT_TRUE(contains(what_of([&] { params_from_bytes(pprefix, "p.bin", {.allow_test_only = true}); }), "truncated"));
}

TEST(Serialization, CorruptedHeadersAndPayloadsAreRefused) {
  const Ctx& c = Ctx::get();
  const auto good = to_bytes(c.encrypt(random_values(8, 3), 1, 8), c.params);
  auto bad = good;
  bad[0] = 'X';
  EXPECT_TRUE(contains(what_of([&] { ciphertext_from_bytes(bad, c.params, "f"); }), "f: header.magic: expected OLACKKS1"));
  bad = good;
  bad[8] = 9;  // version
  EXPECT_TRUE(contains(what_of([&] { ciphertext_from_bytes(bad, c.params, "f"); }), "f: header.version: expected 2, got 9"));
  bad = good;
  bad[12] = 2;  // kind: secret key
  EXPECT_TRUE(contains(what_of([&] { ciphertext_from_bytes(bad, c.params, "f"); }), "f: header.kind"));
  bad = good;
  bad[16] = 0;  // fingerprint byte not hex
  EXPECT_TRUE(contains(what_of([&] { ciphertext_from_bytes(bad, c.params, "f"); }), "header.fingerprint"));
  bad = good;
  bad[kHeaderBytes - 8] ^= 0x40;  // payload size
  EXPECT_TRUE(contains(what_of([&] { ciphertext_from_bytes(bad, c.params, "f"); }), "f: payload"));
  bad = good;
  bad.push_back(0);
  EXPECT_TRUE(contains(what_of([&] { ciphertext_from_bytes(bad, c.params, "f"); }), "trailing"));
  bad = good;
  bad[kHeaderBytes] = 99;  // level
  EXPECT_TRUE(contains(what_of([&] { ciphertext_from_bytes(bad, c.params, "f"); }), "f: level: expected 0..7, got 99"));
  bad = good;
  bad[kHeaderBytes + 4 + 8] = 3;  // slots = 3 (not a power of two)
  EXPECT_TRUE(contains(what_of([&] { ciphertext_from_bytes(bad, c.params, "f"); }), "f: slots"));
  bad = good;
  bad[kHeaderBytes + 4 + 8 + 8 + 1] = 200;  // parts
  EXPECT_TRUE(contains(what_of([&] { ciphertext_from_bytes(bad, c.params, "f"); }), "f: parts"));
  bad = good;
  for (std::size_t i = 0; i < 8; ++i) bad[kHeaderBytes + 4 + 8 + 8 + 1 + 4 + i] = 0xff;  // first residue >= q
  EXPECT_TRUE(contains(what_of([&] { ciphertext_from_bytes(bad, c.params, "f"); }), "f: parts[0] limb 0 value 0"));
  auto sk = to_bytes(c.keygen.secret_key(), c.params);
  sk[kHeaderBytes + 8 + 5] = 7;
  EXPECT_TRUE(contains(what_of([&] { secret_key_from_bytes(sk, c.params, "sk"); }), "sk: coeffs[5]"));
  EXPECT_THROW(load_ciphertext("/nonexistent/ola/ct.bin", c.params), Error);
}

TEST(Serialization, GaloisKeysStreamFromTheMiddleOfAFileAndRefuseWhatTheBytesReaderRefuses) {
  // read_galois_keys reads a key file's bytes as it parses them (the n16 stage sets are GB): from a
  // stream positioned inside a larger file, with the same keys and the same errors as from bytes.
  const Ctx& c = Ctx::get();
  const auto bytes = to_bytes(*c.galois, c.params);
  const std::string before = "other section", after = "next section";
  std::stringstream file(before + std::string(bytes.begin(), bytes.end()) + after);
  file.seekg(static_cast<std::streamoff>(before.size()));
  const GaloisKeys gk = read_galois_keys(file, bytes.size(), c.params, "evk: galois keys");
  ASSERT_EQ(gk.keys.size(), c.galois->keys.size());
  for (const auto& [g, k] : c.galois->keys) {
    EXPECT_EQ(gk.keys.at(g).b, k.b);
    EXPECT_EQ(gk.keys.at(g).a, k.a);
  }
  EXPECT_EQ(gk.key_id, c.galois->key_id);
  std::string rest(after.size(), '\0');
  file.read(rest.data(), static_cast<std::streamsize>(rest.size()));
  EXPECT_EQ(rest, after);  // left right after the keys
  const auto streamed = [&](std::span<const std::uint8_t> b, std::uint64_t size, const Params& params) {
    std::stringstream in(std::string(b.begin(), b.end()));
    return what_of([&] { read_galois_keys(in, size, params, "f"); });
  };
  for (std::size_t len : {std::size_t{10}, kHeaderBytes + 2, bytes.size() - 1}) {  // truncated
    const std::string msg = streamed(std::span(bytes).first(len), len, c.params);
    EXPECT_TRUE(contains(msg, "f: ") && contains(msg, "truncated")) << len << ": " << msg;
    EXPECT_EQ(msg, what_of([&] { galois_keys_from_bytes(std::span(bytes).first(len), c.params, "f"); }));
  }
  // A size that promises more than the stream holds: a failed read, not garbage.
  EXPECT_TRUE(contains(streamed(std::span(bytes).first(bytes.size() - 5), bytes.size(), c.params), "a failed read"));
  const Params other(test_literal_n12());
  EXPECT_TRUE(contains(streamed(bytes, bytes.size(), other), "f: header.fingerprint: expected " + other.fingerprint()));
  auto bad = bytes;
  bad[kHeaderBytes + 4] = 2;  // first Galois element even
  EXPECT_TRUE(contains(streamed(bad, bad.size(), c.params), "f: galois_element[0]"));
}

}  // namespace
}  // namespace ola::ckks
