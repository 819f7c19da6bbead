// Versioned binary files for parameters, keys and ciphertexts (format in docs/file-formats.md):
// a header (magic, version, kind, parameter fingerprint, key-pair id, payload size), then the
// payload.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "ckks/core/ciphertext.h"
#include "ckks/core/keys.h"
#include "ckks/core/params.h"
#include "util/atomic_file.h"

namespace ola::ckks {

/// Kinds of file, stored in the header.
enum class FileKind : std::uint32_t {
  params = 1,
  secret_key = 2,
  public_key = 3,
  relin_key = 4,
  galois_keys = 5,
  ciphertext = 6,
  encapsulation_keys = 7,
};

inline constexpr std::uint32_t kFormatVersion = 2;
/// Bytes of the header: magic 8, version 4, kind 4, fingerprint 64, key id 16, payload size 8.
inline constexpr std::size_t kHeaderBytes = 104;

/// Caps on what a params file may ask for, checked before any table is built (a file of a few
/// hundred bytes must not make the reader allocate gigabytes): at most 64 primes q_i, 16 special
/// primes p_j, and N x (L + 1 + k) <= 2^22 residues per polynomial (e.g. 64 limbs at N = 2^16,
/// 32 at N = 2^17); one NTT table set is then at most 2^22 x 8 bytes x 4 = 128 MiB.
inline constexpr std::uint32_t kMaxFileQPrimes = 64;
inline constexpr std::uint32_t kMaxFilePPrimes = 16;
inline constexpr std::uint64_t kMaxFileResidues = std::uint64_t{1} << 22;

/// What a params reader accepts beyond the caps.
struct ParamsFileOptions {
  /// false (default): a file with test_only = 1 (an insecure set) is refused; the CLI of the
  /// test-only sets and the tests opt in.
  bool allow_test_only = false;
};

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
/// Payload: the ephemeral Hamming weight, s -> s_e (seed and b over q_0, p_0), s_e -> s (a
/// switching key as in a relinearisation-key file).
std::vector<std::uint8_t> to_bytes(const EncapsulationKeys& keys, const Params& params);

/// Reads a params file. Order: header; sizes against the caps above; test_only against `options`;
/// the fingerprint of the literal's primes (ckks::literal_fingerprint) against the header; only
/// then Params (NTT tables).
/// @throws FormatError if the bytes are not a valid params file, exceed a cap, are test-only
/// without options.allow_test_only, or the literal is refused by Params (message wrapped).
Params params_from_bytes(std::span<const std::uint8_t> bytes, const std::string& where,
                         ParamsFileOptions options = {});
/// Readers of keys and ciphertexts restore the key-pair id of the header into the object.
/// Switching keys may have any level 0..L (limbs = level + 1 + k, digits = digits_at(level)).
/// @throws FormatError if the file is malformed, truncated, of another kind or of other params.
SecretKey secret_key_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where);
PublicKey public_key_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where);
RelinKey relin_key_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where);
GaloisKeys galois_keys_from_bytes(std::span<const std::uint8_t> bytes, const Params& params,
                                  const std::string& where);
Ciphertext ciphertext_from_bytes(std::span<const std::uint8_t> bytes, const Params& params, const std::string& where);
/// Also refuses a Hamming weight outside 1..N and parameters without a special prime p_0 > q_0.
EncapsulationKeys encapsulation_keys_from_bytes(std::span<const std::uint8_t> bytes, const Params& params,
                                                const std::string& where);
/// to_bytes(gk, params)'s size, and its bytes passed to `sink` in order, one key at a time (a
/// container of several key sets is written without holding any set's bytes whole).
std::uint64_t serialized_size(const GaloisKeys& gk);
void write_galois_keys(const GaloisKeys& gk, const Params& params, const ByteSink& sink);
/// galois_keys_from_bytes of the `size` bytes of a Galois-keys file that `in` reads next (e.g. a
/// section of a container file), read as they are parsed: the file's bytes are never held next to
/// the keys (a set of n16 bootstrapping keys is several GB). `in` is left after the bytes on success.
/// @throws FormatError as galois_keys_from_bytes, or if the stream ends early or fails.
GaloisKeys read_galois_keys(std::istream& in, std::uint64_t size, const Params& params, const std::string& where);

/// Files (written atomically; secret keys with mode 0600 and their serialised bytes wiped; Galois
/// keys streamed to the file one key at a time).
/// @throws ola::Error if the file cannot be written.
void save(const std::filesystem::path& path, const Params& params);
void save(const std::filesystem::path& path, const SecretKey& sk, const Params& params);
void save(const std::filesystem::path& path, const PublicKey& pk, const Params& params);
void save(const std::filesystem::path& path, const RelinKey& rk, const Params& params);
void save(const std::filesystem::path& path, const GaloisKeys& gk, const Params& params);
void save(const std::filesystem::path& path, const Ciphertext& ct, const Params& params);

/// @throws ola::Error if the file cannot be read; FormatError as the *_from_bytes functions.
Params load_params(const std::filesystem::path& path, ParamsFileOptions options = {});
SecretKey load_secret_key(const std::filesystem::path& path, const Params& params);
PublicKey load_public_key(const std::filesystem::path& path, const Params& params);
RelinKey load_relin_key(const std::filesystem::path& path, const Params& params);
/// Galois keys are read with read_galois_keys (streamed).
GaloisKeys load_galois_keys(const std::filesystem::path& path, const Params& params);
Ciphertext load_ciphertext(const std::filesystem::path& path, const Params& params);

/// Refuses to decrypt `ct` (read from `where`) with `sk` when both key-pair ids are known and
/// differ, instead of answering with noise.
/// @throws FormatError "<where>: header.key_id: expected <sk id> (the secret key's key pair), got
///         <ct id> (encrypted under another key pair)".
void check_key_pair(const Ciphertext& ct, const SecretKey& sk, const std::string& where);

}  // namespace ola::ckks
