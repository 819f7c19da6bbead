// The bad-input table of docs/security.md: every file kind we read x every kind of damage
// (truncated, flipped header byte, wrong magic, wrong version, other parameters, huge declared
// size, empty file) is refused with an ola::Error naming the file and field, never a crash or a
// foreign exception. OLA_PRINT_BAD_INPUTS=1 prints the rows (the table in the docs).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "fuzz/samples.h"
#include "nn/calib/calibration_json.h"
#include "nn/data/cifar10.h"
#include "security_fixture.h"
#include "util/atomic_file.h"
#include "util/data_paths.h"

namespace ola::security_test {
namespace {

namespace fs = std::filesystem;
using namespace ola::ckks;
using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t kVersionOffset = 8, kKindOffset = 12, kSizeOffset = kHeaderBytes - 8;  // docs/file-formats.md

Bytes text_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }
Bytes head(Bytes b, std::size_t n) {
  b.resize(std::min(n, b.size()));
  return b;
}
template <class T>
Bytes poke(Bytes b, std::size_t offset, T v) {
  std::memcpy(b.data() + offset, &v, sizeof(T));
  return b;
}

/// One row: a file kind, a damage, the bytes, how it is loaded, and a fragment its message must
/// contain (besides the file name).
struct Case {
  std::string kind, damage;
  Bytes bytes;
  std::function<void(const fs::path&)> load;
  std::string expect;
};

std::vector<Case> ckks_cases() {
  const Party& a = Party::a();
  const Party& b = Party::b();
  const std::vector<int> steps = {1};
  struct Kind {
    std::string name;
    Bytes valid, other;
    std::function<void(const fs::path&)> load;
  };
  const Params& pa = a.params;
  Bytes params_other = to_bytes(pa);
  params_other[kHeaderBytes] = 13;  // log_n 12 -> 13, header fingerprint kept
  // The fuzz set is test-only: the generic rows read it with the opt-in; the refusal without it
  // is a row of its own below.
  const auto load_test_params = [](const fs::path& p) { (void)load_params(p, {.allow_test_only = true}); };
  const std::vector<Kind> kinds = {
      {"params", to_bytes(pa), params_other, load_test_params},
      {"secret key", to_bytes(a.keygen.secret_key(), pa), to_bytes(b.keygen.secret_key(), b.params),
       [&pa](const fs::path& p) { (void)load_secret_key(p, pa); }},
      {"public key", to_bytes(a.keygen.public_key(), pa), to_bytes(b.keygen.public_key(), b.params),
       [&pa](const fs::path& p) { (void)load_public_key(p, pa); }},
      {"relin key", to_bytes(a.keygen.relin_key(), pa), to_bytes(b.keygen.relin_key(), b.params),
       [&pa](const fs::path& p) { (void)load_relin_key(p, pa); }},
      {"galois keys", to_bytes(a.keygen.galois_keys(steps), pa), to_bytes(b.keygen.galois_keys(steps), b.params),
       [&pa](const fs::path& p) { (void)load_galois_keys(p, pa); }},
      {"ciphertext", to_bytes(a.encrypt({0.5}), pa), to_bytes(b.encrypt({0.5}), b.params),
       [&pa](const fs::path& p) { (void)load_ciphertext(p, pa); }},
  };
  std::vector<Case> out;
  for (const auto& k : kinds) {
    const Bytes& v = k.valid;
    Bytes magic = v;
    std::memcpy(magic.data(), "NOTCKKS!", 8);
    Bytes flipped = v;
    flipped[kKindOffset] ^= 0x04;
    out.push_back({k.name, "truncated (last byte cut)", head(v, v.size() - 1), k.load, "(truncated)"});
    out.push_back({k.name, "flipped header byte (kind)", flipped, k.load, "header.kind: expected"});
    out.push_back({k.name, "wrong magic", magic, k.load, "header.magic: expected OLACKKS1, got NOTCKKS!"});
    out.push_back({k.name, "wrong version (3)", poke<std::uint32_t>(v, kVersionOffset, 3), k.load,
                   "header.version: expected 2, got 3"});
    out.push_back({k.name, "other parameters", k.other, k.load, "header.fingerprint: expected"});
    out.push_back({k.name, "huge declared size (payload 2^62)", poke<std::uint64_t>(v, kSizeOffset, 1ULL << 62), k.load,
                   "payload: expected 4611686018427387904 bytes"});
    out.push_back({k.name, "empty file", {}, k.load, "header.magic: expected 8 more bytes, got 0 (truncated)"});
  }
  // Counts inside the payload.
  const Bytes sk = to_bytes(a.keygen.secret_key(), pa);
  out.push_back({"secret key", "huge declared size (n = 2^40)", poke<std::uint64_t>(sk, kHeaderBytes, 1ULL << 40),
                 kinds[1].load, "n: expected 4096, got 1099511627776"});
  const Bytes gk = to_bytes(a.keygen.galois_keys(steps), pa);
  out.push_back({"galois keys", "huge declared size (count 2^32-1)", poke<std::uint32_t>(gk, kHeaderBytes, 0xFFFFFFFFu),
                 kinds[4].load, "count: expected <= N = 4096, got 4294967295"});
  // Switching-key limbs (count, element, seed, digits, then limbs): above L + 1 + k.
  out.push_back({"galois keys", "huge declared size (key limbs 2^40)",
                 poke<std::uint64_t>(gk, kHeaderBytes + 4 + 8 + 32 + 4, 1ULL << 40), kinds[4].load,
                 "limbs: expected 2..2 (level + 1 + k), got 1099511627776"});
  // Params files: test-only without the opt-in, and rings too large to build.
  out.push_back({"params", "test-only set (reader without opt-in)", to_bytes(pa),
                 [](const fs::path& p) { (void)load_params(p); }, "test_only: expected 0"});
  out.push_back({"params", "huge ring (log_n 17, 256 + 64 primes of 61 bits)", fuzz::params_file(17, 256, 64),
                 load_test_params, "log_q.size: expected 1..64, got 256"});
  out.push_back({"params", "huge ring within the counts (log_n 17, 64 + 16 primes)", fuzz::params_file(17, 64, 16),
                 load_test_params, "N x (L + 1 + k): expected <= 4194304, got 10485760"});
  // A ciphertext of another key pair of the same parameters, read to be decrypted.
  const KeyGenerator other_pair(pa);
  const Encryptor other_enc(pa, other_pair.public_key());
  const Bytes foreign = to_bytes(other_enc.encrypt(a.encoder.encode(std::vector<double>{0.5}, 0, pa.default_scale(), 1)), pa);
  const SecretKey& mine = a.keygen.secret_key();
  out.push_back({"ciphertext", "other key pair (same parameters), to decrypt", foreign,
                 [&pa, &mine](const fs::path& p) { check_key_pair(load_ciphertext(p, pa), mine, p.string()); },
                 "header.key_id: expected " + mine.key_id.hex()});
  return out;
}

std::vector<Case> json_cases(const std::string& kind, const nlohmann::json& valid,
                             const std::function<void(const fs::path&)>& load, const std::string& other_damage,
                             const nlohmann::json& other, const std::string& other_expect,
                             const std::string& huge_damage, const nlohmann::json& huge, const std::string& huge_expect) {
  const std::string text = valid.dump();
  nlohmann::json magic = valid, version = valid;
  magic["format"] = "ola-something";
  version["version"] = 2;
  std::string flipped = text;
  flipped[0] = static_cast<char>(flipped[0] ^ 0x20);
  return {
      {kind, "truncated (half)", text_bytes(text.substr(0, text.size() / 2)), load, "JSON"},
      {kind, "flipped header byte (first)", text_bytes(flipped), load, "JSON"},
      {kind, "wrong magic (\"format\")", text_bytes(magic.dump()), load, "format"},
      {kind, "wrong version (2)", text_bytes(version.dump()), load, "version"},
      {kind, other_damage, text_bytes(other.dump()), load, other_expect},
      {kind, huge_damage, text_bytes(huge.dump()), load, huge_expect},
      {kind, "empty file", {}, load, "JSON"},
  };
}

std::vector<Case> plan_cases() {
  const nlohmann::json valid = opt::plan_to_json(fuzz::small_plan());
  nlohmann::json other = valid, huge = valid;
  other["sites"][1]["depth"] = 99;  // the polynomial of another plan: depth no longer matches
  huge["sites"][0]["level_before"] = 1e300;
  return json_cases("plan", valid, [](const fs::path& p) { (void)opt::load_plan(p); },
                    "other site polynomial (depth 99)", other, "depth: expected 3, got 99",
                    "huge declared size (level_before 1e300)", huge, "level_before");
}

std::vector<Case> calibration_cases() {
  const nlohmann::json valid = nn::to_json(fuzz::small_calibration());
  nlohmann::json other = valid, huge = valid;
  other["data"]["images"] = 5;  // statistics claimed for other data: fingerprint no longer matches
  huge["histogram_bins"] = 1LL << 40;
  return json_cases("calibration", valid, [](const fs::path& p) { (void)nn::load_calibration(p); },
                    "other data (images 4 -> 5)", other, "fingerprint: expected",
                    "huge declared size (histogram_bins 2^40)", huge, "histogram_bins: expected 1..1048576, got 1099511627776");
}

std::vector<Case> onnx_cases() {
  const auto load = [](const fs::path& p) { (void)nn::import_onnx(p); };
  const Bytes valid = fuzz::small_cnn().bytes();
  Bytes flipped = valid;
  flipped[0] ^= 0xFF;
  auto version = fuzz::small_cnn();
  version.model().mutable_opset_import(0)->set_version(99);
  auto other = fuzz::small_cnn();
  other.node("LSTM", {"logits"}, "h", "/rnn/LSTM");
  other.model().mutable_graph()->mutable_output(0)->set_name("h");
  auto huge = fuzz::small_cnn();
  for (auto& t : *huge.model().mutable_graph()->mutable_initializer()) {
    if (t.name() == "fc") {
      t.clear_dims();
      t.add_dims(1LL << 40);
      t.add_dims(1LL << 30);
    }
  }
  return {
      {"onnx model", "truncated (half)", head(valid, valid.size() / 2), load, ""},
      {"onnx model", "flipped header byte (first)", flipped, load, ""},
      {"onnx model", "wrong magic (a CKKS params file)", to_bytes(Party::a().params), load, ""},
      {"onnx model", "wrong version (opset 99)", version.bytes(), load, "opset"},
      {"onnx model", "other model kind (unsupported op LSTM)", other.bytes(), load, "LSTM"},
      {"onnx model", "huge declared size (initializer dims 2^40 x 2^30)", huge.bytes(), load, "fc"},
      {"onnx model", "empty file", {}, load, ""},
  };
}

std::vector<Case> cifar_cases() {
  const auto load = [](const fs::path& p) { (void)nn::load_cifar10(p); };
  const Bytes all = read_file_bytes(bundled_data_dir() / "cifar10_test_first100.bin");
  const Bytes three = head(all, 3 * 3073);
  Bytes label = three;
  label[0] = 0xFF;
  return {
      {"cifar-10 batch", "truncated (last byte cut)", head(three, three.size() - 1), load, "size: expected"},
      {"cifar-10 batch", "flipped header byte (label 255)", label, load, "record 0 label: expected 0..9, got 255"},
      {"cifar-10 batch", "wrong magic (a CKKS params file)", to_bytes(Party::a().params), load, "size: expected"},
      {"cifar-10 batch", "huge declared size (first = 10^9 records)", three,
       [](const fs::path& p) { (void)nn::load_cifar10(p, nn::CifarOptions{.first = 1'000'000'000}); }, "count"},
      {"cifar-10 batch", "empty file", {}, load, "size: expected"},
  };
}

TEST(BadInputs, EveryFileKindAndDamageIsRefusedWithANamedError) {
  const auto dir = scratch_dir("bad");
  const bool print = std::getenv("OLA_PRINT_BAD_INPUTS") != nullptr;
  std::vector<Case> cases = ckks_cases();
  for (auto* more : {&plan_cases, &calibration_cases, &onnx_cases, &cifar_cases}) {
    auto c = (*more)();
    cases.insert(cases.end(), c.begin(), c.end());
  }
  int i = 0;
  for (const auto& c : cases) {
    const fs::path path = dir / ("input" + std::to_string(i++) + ".bin");
    write_file_atomic(path, c.bytes);
    std::string msg = error_of([&] { c.load(path); });
    SCOPED_TRACE(c.kind + " / " + c.damage);
    EXPECT_TRUE(contains(msg, path.string())) << "message does not name the file: " << msg;
    EXPECT_TRUE(contains(msg, c.expect)) << "expected '" << c.expect << "' in: " << msg;
    if (print) {
      const auto at = msg.find(path.string());
      if (at != std::string::npos) msg.replace(at, path.string().size(), "F");
      if (msg.size() > 160) msg = msg.substr(0, 157) + "...";
      std::cout << "| " << c.kind << " | " << c.damage << " | `" << msg << "` |\n";
    }
  }
  EXPECT_GE(i, 55);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ola::security_test
