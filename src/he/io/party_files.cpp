#include "he/io/party_files.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/secure_memory.h"

namespace ola::he {
namespace {

// Container: magic (8 bytes), u32 version (1), u32 sections, then per section u64 size + bytes.
constexpr char kSecretMagic[] = "OLASKEY1";
constexpr char kEvalMagic[] = "OLAEVK01";
constexpr char kLogitsMagic[] = "OLALOGT1";
constexpr char kCkksMagic[] = "OLACKKS1";
constexpr std::uint32_t kVersion = 1;

using Bytes = std::vector<std::uint8_t>;

// The named sets (param_sets.h) include test-only ones, so the readers opt in to them; the
// ckks size caps still bound what a params file may allocate.
// TODO(he): refuse test-only sets unless the user asks for them (e.g. --allow-insecure).
constexpr ckks::ParamsFileOptions kParamsFiles{.allow_test_only = true};

void put_u32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u64(Bytes& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

/// A container's first 16 bytes: magic, version, section count.
Bytes container_head(const char* magic, std::size_t sections) {
  Bytes out(magic, magic + 8);
  put_u32(out, kVersion);
  put_u32(out, static_cast<std::uint32_t>(sections));
  return out;
}

Bytes pack_container(const char* magic, const std::vector<Bytes>& sections) {
  Bytes out = container_head(magic, sections.size());
  std::size_t total = out.size();
  for (const auto& s : sections) total += 8 + s.size();
  out.reserve(total);  // no reallocation: a section may be a secret key, wiped by the caller
  for (const auto& s : sections) {
    put_u64(out, s.size());
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

std::string magic_of(const Bytes& b) { return b.size() >= 8 ? std::string(b.begin(), b.begin() + 8) : ""; }

/// What a file is, for refusal messages.
std::string describe(const Bytes& b) {
  const std::string m = magic_of(b);
  if (m == kSecretMagic) return "a client secret key file (OLASKEY1)";
  if (m == kEvalMagic) return "an evaluation key file (OLAEVK01)";
  if (m == kLogitsMagic) return "an encrypted logits file (OLALOGT1)";
  if (m == kCkksMagic && b.size() >= 16) {
    std::uint32_t kind = 0;
    for (int i = 0; i < 4; ++i) kind |= static_cast<std::uint32_t>(b[12 + static_cast<std::size_t>(i)]) << (8 * i);
    if (kind == 2) return "a CKKS secret key file (OLACKKS1 kind 2)";
    return "a CKKS file of kind " + std::to_string(kind);
  }
  return "an unknown file (" + std::to_string(b.size()) + " bytes)";
}

bool is_secret(const Bytes& b) { return describe(b).find("secret") != std::string::npos; }

/// Where each section of a container lies (offset of its bytes, size), read from the headers alone:
/// a file reader can then load only the sections it needs.
struct SectionIndex {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> sections;
};

/// Reads n bytes at offset pos of a container into dst (the caller has checked pos + n <= end).
using ReadAt = std::function<bool(std::uint64_t pos, std::uint8_t* dst, std::size_t n)>;

/// The container format's one parser: `head` (its first bytes) for the kind, then version, section
/// count (checked against `count` when given) and each section's size against `end`, the
/// container's size.
/// @throws FormatError naming the field: other kind or version, truncated, trailing data.
SectionIndex index_sections(const ReadAt& read, std::uint64_t end, const Bytes& head, const char* magic,
                            std::optional<std::size_t> count, const std::string& where) {
  if (magic_of(head) != magic) {
    throw FormatError(ola::mismatch(where, "kind", std::string("a ") + magic + " file", describe(head)));
  }
  std::uint64_t pos = 8;
  auto get = [&](int n, const char* field) {
    std::uint8_t buf[8] = {};
    if (end < pos + static_cast<std::uint64_t>(n) || !read(pos, buf, static_cast<std::size_t>(n))) {
      throw FormatError(ola::mismatch(where, field, std::to_string(n) + " more bytes", "end of file (truncated)"));
    }
    pos += static_cast<std::uint64_t>(n);
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(buf[i]) << (8 * i);
    return v;
  };
  const auto version = get(4, "version");
  if (version != kVersion) throw FormatError(ola::mismatch(where, "version", kVersion, version));
  const auto sections = get(4, "sections");
  if (count && sections != *count) throw FormatError(ola::mismatch(where, "sections", *count, sections));
  SectionIndex index;
  for (std::uint64_t i = 0; i < sections; ++i) {
    const auto size = get(8, "section size");
    if (size > end - pos) {
      throw FormatError(ola::mismatch(where, "section " + std::to_string(i), std::to_string(size) + " bytes",
                                      std::to_string(end - pos) + " (truncated)"));
    }
    index.sections.emplace_back(pos, size);
    pos += size;
  }
  if (pos != end) throw FormatError(ola::mismatch(where, "size", pos, std::to_string(end) + " (trailing data)"));
  return index;
}

std::vector<Bytes> unpack_container(const Bytes& b, const char* magic, std::size_t count, const std::string& where) {
  const ReadAt in_memory = [&b](std::uint64_t pos, std::uint8_t* dst, std::size_t n) {
    std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(pos), n, dst);
    return true;
  };
  std::vector<Bytes> out;
  for (const auto& [offset, size] : index_sections(in_memory, b.size(), b, magic, count, where).sections) {
    out.emplace_back(b.begin() + static_cast<std::ptrdiff_t>(offset), b.begin() + static_cast<std::ptrdiff_t>(offset + size));
  }
  return out;
}

/// The first `n` bytes of a file (fewer if it is shorter), for identifying it.
Bytes read_prefix(const std::filesystem::path& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open file for reading");
  Bytes b(n);
  in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(n));
  b.resize(static_cast<std::size_t>(in.gcount()));
  return b;
}

/// index_sections over a file, reading only the section headers.
SectionIndex index_container(const std::filesystem::path& path, const char* magic) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open file for reading");
  in.seekg(0, std::ios::end);
  const auto end = static_cast<std::uint64_t>(in.tellg());
  const ReadAt from_file = [&in](std::uint64_t pos, std::uint8_t* dst, std::size_t n) {
    in.seekg(static_cast<std::streamoff>(pos));
    return static_cast<bool>(in.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(n)));
  };
  return index_sections(from_file, end, read_prefix(path, 16), magic, std::nullopt, path.string());
}

std::string section_read_failed(const std::filesystem::path& path, std::size_t i) {
  return path.string() + ": read failed (section " + std::to_string(i) + ")";
}

/// The file opened at section i's first byte.
std::ifstream open_section(const std::filesystem::path& path, const SectionIndex& index, std::size_t i) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(index.sections.at(i).first));
  if (!in) throw Error(section_read_failed(path, i));
  return in;
}

Bytes read_section(const std::filesystem::path& path, const SectionIndex& index, std::size_t i) {
  const std::uint64_t size = index.sections.at(i).second;
  std::ifstream in = open_section(path, index, i);
  Bytes b(static_cast<std::size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(size))) {
    throw Error(section_read_failed(path, i));
  }
  return b;
}

/// Section i of a container file as Galois keys, streamed from the file (ckks::read_galois_keys:
/// several GB of keys are never held next to their bytes).
ckks::GaloisKeys read_galois_section(const std::filesystem::path& path, const SectionIndex& index, std::size_t i,
                                     const ckks::Params& params, const std::string& what) {
  std::ifstream in = open_section(path, index, i);
  return ckks::read_galois_keys(in, index.sections.at(i).second, params, what);
}

Bytes json_bytes(const nlohmann::json& j) {
  const std::string s = j.dump();
  return Bytes(s.begin(), s.end());
}

nlohmann::json parse_json(const Bytes& b, const std::string& where) {
  try {
    return nlohmann::json::parse(b.begin(), b.end());
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(ola::mismatch(where, "metadata", "JSON", e.what()));
  }
}

template <class T>
T field(const nlohmann::json& j, const char* name, const std::string& where) {
  try {
    return j.at(name).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw FormatError(ola::mismatch(where, std::string("metadata.") + name, "present and well typed", "missing or mistyped"));
  }
}

}  // namespace

std::string program_fingerprint(const Program& p) {
  std::ostringstream os;
  os.precision(17);
  const Layout& l = p.input_layout;
  os << "layout " << l.channels << ' ' << l.height << ' ' << l.width << ' ' << l.gap << ' ' << l.slots << '\n';
  os << "levels " << p.options.fresh_level << ' ' << p.options.boot_level << "\nrot";
  for (int s : p.rotation_steps) os << ' ' << s;
  os << "\nlogits";
  for (int s : p.head.logit_slots) os << ' ' << s;
  for (const auto& s : p.steps) {
    os << '\n' << to_string(s.op) << ' ' << s.level_before << ' ' << s.level_after;
    if (s.op == ProgramOp::bootstrap) os << ' ' << s.slots;  // which bootstrapper (and its keys)
  }
  for (const auto& a : p.activations) {
    os << "\nact " << a.site << ' ' << a.t_scale << ' ' << a.t_shift << ' ' << a.out_factor;
    for (const auto& st : a.approximation.stages) {
      for (double c : st.coeffs) os << ' ' << c;
    }
  }
  return hash_hex(os.str());
}

void save_client_secret(const std::filesystem::path& path, const ClientSecret& s) {
  const Layout& l = s.input_layout;
  const nlohmann::json meta{{"channels", l.channels}, {"height", l.height}, {"width", l.width}, {"gap", l.gap},
                            {"slots", l.slots},       {"fresh_level", s.fresh_level}, {"program", s.program}};
  // Secret bytes (the key section and the file image) are wiped once written (util/secure_memory.h).
  std::vector<Bytes> sections;
  sections.reserve(3);
  sections.push_back(ckks::to_bytes(s.params));
  sections.push_back(ckks::to_bytes(s.secret, s.params));
  WipeOnExit wipe_key(sections.back());
  sections.push_back(json_bytes(meta));
  Bytes file = pack_container(kSecretMagic, sections);
  WipeOnExit wipe_file(file);
  write_file_atomic(path, file, 0600);
}

ClientSecret load_client_secret(const std::filesystem::path& path) {
  const std::string where = path.string();
  Bytes file = read_file_bytes(path);
  WipeOnExit wipe_file(file);
  auto parts = unpack_container(file, kSecretMagic, 3, where);
  WipeOnExit wipe_key(parts[1]);
  ckks::Params params = ckks::params_from_bytes(parts[0], where + ": params", kParamsFiles);
  ckks::SecretKey sk = ckks::secret_key_from_bytes(parts[1], params, where + ": secret key");
  const auto meta = parse_json(parts[2], where);
  const Layout l = make_layout(field<int>(meta, "channels", where), field<int>(meta, "height", where),
                               field<int>(meta, "width", where), field<int>(meta, "gap", where),
                               field<int>(meta, "slots", where));
  return {std::move(params), std::move(sk), l, field<int>(meta, "fresh_level", where),
          field<std::string>(meta, "program", where)};
}

namespace {

/// The evaluation-key container (pack_container's layout) written to `path` section by section,
/// every Galois-key set streamed one key at a time; each stage set is asked of `stage` just before
/// its section and not used after it, so a maker may keep only one alive (each several GB at n16).
void write_evaluation_key_file(const std::filesystem::path& path, const EvaluationKeys& k,
                               const std::function<const ckks::GaloisKeys&(int)>& stage) {
  nlohmann::json meta{{"rotation_steps", k.rotation_steps}, {"program", k.program},
                      {"param_set", k.param_set},           {"slots", k.slots},
                      {"stage_bootstraps", k.stage_bootstraps}, {"stage_slots", k.stage_slots}};
  if (k.encapsulation) meta["encapsulation_weight"] = k.encapsulation->hamming_weight;
  write_file_atomic_streamed(path, [&](const ByteSink& sink) {
    sink(container_head(kEvalMagic, 4 + k.stage_slots.size() + (k.encapsulation ? 1 : 0)));
    const auto section = [&sink](const Bytes& b) {
      Bytes size;
      put_u64(size, b.size());
      sink(size);
      sink(b);
    };
    const auto galois_section = [&](const ckks::GaloisKeys& gk) {
      Bytes size;
      put_u64(size, ckks::serialized_size(gk));
      sink(size);
      ckks::write_galois_keys(gk, k.params, sink);
    };
    section(ckks::to_bytes(k.params));
    section(ckks::to_bytes(k.relin, k.params));
    galois_section(k.galois);
    section(json_bytes(meta));
    for (int slots : k.stage_slots) galois_section(stage(slots));
    if (k.encapsulation) section(ckks::to_bytes(*k.encapsulation, k.params));  // s -> s_e and s_e -> s
  });
}

}  // namespace

void save_evaluation_keys(const std::filesystem::path& path, const EvaluationKeys& k) {
  if (k.stage_galois.size() != k.stage_slots.size()) {
    throw Error(ola::mismatch(path.string(), "stage key sets", k.stage_slots.size(), k.stage_galois.size()));
  }
  for (int slots : k.stage_slots) {
    if (k.stage_galois.count(slots) == 0) {
      throw Error(ola::mismatch(path.string(), "stage key sets", "one for " + std::to_string(slots) + " slots", "none"));
    }
  }
  write_evaluation_key_file(path, k, [&k](int slots) -> const ckks::GaloisKeys& { return k.stage_galois.at(slots); });
}

void save_evaluation_keys(const std::filesystem::path& path, const EvaluationKeys& k, const StageKeyMaker& make_stage) {
  if (!k.stage_galois.empty()) {
    throw Error(ola::mismatch(path.string(), "stage key sets", "none held (made by the maker)", k.stage_galois.size()));
  }
  std::optional<ckks::GaloisKeys> current;  // the one stage set alive
  write_evaluation_key_file(path, k, [&](int slots) -> const ckks::GaloisKeys& {
    current.reset();  // free the previous set before making the next
    return current.emplace(make_stage(slots));
  });
}

namespace {

/// @throws FormatError naming `what` if `got` is of another key pair than the relinearisation key's.
void check_relin_key_pair(const std::string& what, const ckks::KeyId& relin, const ckks::KeyId& got) {
  if (!ckks::compatible(relin, got)) {
    throw FormatError(ola::mismatch(what, "key_id", relin.hex() + " (the relinearisation key's key pair)", got.hex()));
  }
}

/// The metadata section of an evaluation key file and its stage slot counts (absent in older files);
/// the file holds 4 sections, one per stage set, and one more with encapsulation keys.
std::pair<nlohmann::json, std::vector<int>> evaluation_key_meta(const std::filesystem::path& path,
                                                                const SectionIndex& index) {
  const std::string where = path.string();
  if (index.sections.size() < 4) throw FormatError(ola::mismatch(where, "sections", "at least 4", index.sections.size()));
  nlohmann::json meta = parse_json(read_section(path, index, 3), where);
  std::vector<int> stages = meta.contains("stage_slots") ? field<std::vector<int>>(meta, "stage_slots", where)
                                                         : std::vector<int>{};
  const std::size_t encapsulation = meta.contains("encapsulation_weight") ? 1 : 0;
  if (index.sections.size() != 4 + stages.size() + encapsulation) {
    throw FormatError(ola::mismatch(where, "sections", 4 + stages.size() + encapsulation, index.sections.size()));
  }
  return {std::move(meta), std::move(stages)};
}

}  // namespace

EvaluationKeys load_evaluation_keys(const std::filesystem::path& path) {
  const std::string where = path.string();
  const Bytes head = read_prefix(path, 16);
  if (is_secret(head)) {
    throw FormatError(ola::mismatch(where, "kind", "evaluation keys (the server never reads a secret key)", describe(head)));
  }
  const SectionIndex index = index_container(path, kEvalMagic);
  auto [meta, stages] = evaluation_key_meta(path, index);
  ckks::Params params = ckks::params_from_bytes(read_section(path, index, 0), where + ": params", kParamsFiles);
  ckks::RelinKey relin = ckks::relin_key_from_bytes(read_section(path, index, 1), params, where + ": relin key");
  ckks::GaloisKeys galois = read_galois_section(path, index, 2, params, where + ": galois keys");
  EvaluationKeys k{std::move(params), std::move(relin), std::move(galois),
                   field<std::vector<int>>(meta, "rotation_steps", where), field<std::string>(meta, "program", where),
                   field<std::string>(meta, "param_set", where), field<int>(meta, "slots", where),
                   meta.contains("stage_bootstraps") && field<bool>(meta, "stage_bootstraps", where),
                   std::move(stages), {}};
  if (meta.contains("encapsulation_weight")) {
    const std::string name = where + ": encapsulation keys";
    auto enc = std::make_shared<ckks::EncapsulationKeys>(ckks::encapsulation_keys_from_bytes(
        read_section(path, index, 4 + k.stage_slots.size()), k.params, name));
    check_relin_key_pair(name, k.relin.key_id, enc->key_id);
    const int weight = field<int>(meta, "encapsulation_weight", where);
    if (enc->hamming_weight != weight) {
      throw FormatError(ola::mismatch(name, "hamming_weight", std::to_string(weight) + " (the metadata's)", enc->hamming_weight));
    }
    k.encapsulation = std::move(enc);
  }
  return k;
}

ckks::GaloisKeys load_stage_galois_keys(const std::filesystem::path& path, const ckks::Params& params,
                                        const ckks::KeyId& key_id, int slots) {
  const std::string where = path.string();
  const SectionIndex index = index_container(path, kEvalMagic);
  const auto [meta, stages] = evaluation_key_meta(path, index);
  const auto it = std::find(stages.begin(), stages.end(), slots);
  if (it == stages.end()) {
    throw FormatError(ola::mismatch(where, "stage_slots", "a key set for " + std::to_string(slots) + " slots",
                                    stages.empty() ? std::string("none (keys made without --keys-per-stage)")
                                                   : "sets for other slot counts"));
  }
  const std::string what = where + ": stage keys for " + std::to_string(slots) + " slots";
  ckks::GaloisKeys gk = read_galois_section(path, index, 4 + static_cast<std::size_t>(it - stages.begin()), params, what);
  check_relin_key_pair(what, key_id, gk.key_id);
  return gk;
}

void save_encrypted_logits(const std::filesystem::path& path, const EncryptedLogits& l, const ckks::Params& params) {
  const nlohmann::json meta{{"logit_slots", l.logit_slots}, {"program", l.program}};
  write_file_atomic(path, pack_container(kLogitsMagic, {ckks::to_bytes(l.ct, params), json_bytes(meta)}));
}

EncryptedLogits load_encrypted_logits(const std::filesystem::path& path, const ckks::Params& params) {
  const std::string where = path.string();
  const auto parts = unpack_container(read_file_bytes(path), kLogitsMagic, 2, where);
  ckks::Ciphertext ct = ckks::ciphertext_from_bytes(parts[0], params, where + ": ciphertext");
  const auto meta = parse_json(parts[1], where);
  return {std::move(ct), field<std::vector<int>>(meta, "logit_slots", where), field<std::string>(meta, "program", where)};
}

ckks::Ciphertext load_input_ciphertext(const std::filesystem::path& path, const ckks::Params& params) {
  const Bytes b = read_file_bytes(path);
  if (is_secret(b)) {
    throw FormatError(ola::mismatch(path.string(), "kind", "a ciphertext (the server never reads a secret key)", describe(b)));
  }
  return ckks::ciphertext_from_bytes(b, params, path.string());
}

}  // namespace ola::he
