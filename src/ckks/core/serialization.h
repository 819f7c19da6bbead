// Versioned binary files for parameters, keys and ciphertexts (format in docs/file-formats.md):
// a header (magic, version, kind, parameter fingerprint, payload size) then the payload.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "ckks/core/ciphertext.h"
#include "ckks/core/keys.h"
#include "ckks/core/params.h"

namespace ola::ckks {

/// Kinds of file, stored in the header.
enum class FileKind : std::uint32_t {
  params = 1,
  secret_key = 2,
  public_key = 3,
  relin_key = 4,
  galois_keys = 5,
  ciphertext = 6,
};

inline constexpr std::uint32_t kFormatVersion = 1;

// In-memory encodings. The `where` argument names the source (a path) in error messages.
// Every reader validates the header and every size before allocating and throws FormatError:
//   "<where>: header.magic: expected OLACKKS1, got ...", "<where>: header.fingerprint: expected
//   <params>, got <file>", "<where>: payload: expected 1234 bytes, got 1000 (truncated)", ...
std::vector<std::uint8_t> to_bytes(const Params& params);
std::vector<std::uint8_t> to_bytes(const SecretKey& sk, const Params& params);
std::vector<std::uint8_t> to_bytes(const PublicKey& pk, const Params& params);
std::vector<std::uint8_t> to_bytes(const RelinKey& rk, const Params& params);
std::vector<std::uint8_t> to_bytes(const GaloisKeys& gk, const Params& params);
std::vector<std::uint8_t> to_bytes(const Ciphertext& ct, const Params& params);

/// @throws FormatError if the bytes are not a valid params file (or the literal is refused by
/// Params: the ParamError message is wrapped).
Params params_from_bytes(std::span<const std::uint8_t> bytes, const std::string& where);
/// @throws FormatError if the file is malformed, truncated, of another kind or of other params.
SecretKey secret_key_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where);
PublicKey public_key_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where);
RelinKey relin_key_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where);
GaloisKeys galois_keys_from_bytes(std::span<const std::uint8_t> bytes, const Params& params,
                                  const std::string& where);
Ciphertext ciphertext_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where);

/// Files (written atomically; secret keys with mode 0600).
/// @throws ola::Error if the file cannot be written.
void save(const std::filesystem::path& path, const Params& params);
void save(const std::filesystem::path& path, const SecretKey& sk, const Params& params);
void save(const std::filesystem::path& path, const PublicKey& pk, const Params& params);
void save(const std::filesystem::path& path, const RelinKey& rk, const Params& params);
void save(const std::filesystem::path& path, const GaloisKeys& gk, const Params& params);
void save(const std::filesystem::path& path, const Ciphertext& ct, const Params& params);

/// @throws ola::Error if the file cannot be read; FormatError as the *_from_bytes functions.
Params load_params(const std::filesystem::path& path);
SecretKey load_secret_key(const std::filesystem::path& path, const Params& params);
PublicKey load_public_key(const std::filesystem::path& path, const Params& params);
RelinKey load_relin_key(const std::filesystem::path& path, const Params& params);
GaloisKeys load_galois_keys(const std::filesystem::path& path, const Params& params);
Ciphertext load_ciphertext(const std::filesystem::path& path, const Params& params);

}  // namespace ola::ckks
