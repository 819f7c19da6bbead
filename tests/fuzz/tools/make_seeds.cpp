// Writes the derived seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from real
// objects: CKKS files at the fuzz parameter set (fuzz_params.h), tiny ONNX models built with the nn
// tests' OnnxBuilder, a calibration of one of them, a small plan, and CIFAR-10 records of the
// bundled test file. Run: cmake --build <dir> --target fuzz_make_seeds &&
//   <dir>/tests/fuzz/fuzz_make_seeds tests/fuzz/corpus
// Regression inputs (crash-*, named after the finding) are kept by hand and never rewritten.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "ckks/core/ckks.h"
#include "fuzz_params.h"
#include "samples.h"
#include "nn/calib/calibration_json.h"
#include "ola/plan.h"
#include "util/atomic_file.h"
#include "util/data_paths.h"

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

namespace {

void put(const fs::path& dir, const std::string& name, const Bytes& b) {
  fs::create_directories(dir);
  ola::write_file_atomic(dir / name, b);
}
void put(const fs::path& dir, const std::string& name, const std::string& s) {
  put(dir, name, Bytes(s.begin(), s.end()));
}
Bytes head(const Bytes& b, std::size_t n) { return Bytes(b.begin(), b.begin() + static_cast<long>(std::min(n, b.size()))); }

void ckks_seeds(const fs::path& root) {
  using namespace ola::ckks;
  const Params& params = ola::fuzz::fuzz_params();
  const KeyGenerator keygen(params);
  const Encoder encoder(params);
  const Encryptor encryptor(params, keygen.public_key());
  const Bytes pfile = to_bytes(params);
  put(root / "ckks_params", "fuzz_set.bin", pfile);
  put(root / "ckks_params", "test_n12.bin", to_bytes(Params(test_literal_n12())));
  ParamsLiteral hamming = ola::fuzz::fuzz_literal();
  hamming.secret = SecretDistribution::fixed_hamming;
  hamming.hamming_weight = 64;
  hamming.dnum = 1;
  put(root / "ckks_params", "hamming.bin", to_bytes(Params(hamming)));
  put(root / "ckks_params", "truncated_header.bin", head(pfile, 40));
  // Regression (docs/security.md): log_n 17, 256 x 61-bit q, 64 x 61-bit p, test_only. Before the
  // caps the reader built every NTT table first (21.4 s, 1.45 GB); now refused from its sizes.
  put(root / "ckks_params", "regression-huge-ring.bin", ola::fuzz::params_file(17, 256, 64));

  const std::vector<double> values = {0.5, -0.25, 1.0, 0.125};
  const Ciphertext ct = encryptor.encrypt(encoder.encode(values, 0, params.default_scale(), 4));
  const Bytes cfile = to_bytes(ct, params);
  put(root / "ckks_ciphertext", "level0_slots4.bin", cfile);
  put(root / "ckks_ciphertext", "header_only.bin", head(cfile, kHeaderBytes + 25));

  put(root / "ckks_keys", "secret.bin", to_bytes(keygen.secret_key(), params));
  put(root / "ckks_keys", "relin.bin", to_bytes(keygen.relin_key(), params));
  put(root / "ckks_keys", "galois_empty.bin", to_bytes(GaloisKeys{{}, params.fingerprint(), keygen.secret_key().key_id}, params));
  put(root / "ckks_keys", "public_truncated.bin", head(to_bytes(keygen.public_key(), params), 1024));
  const std::vector<int> one_step = {1};
  put(root / "ckks_keys", "galois_one_truncated.bin", head(to_bytes(keygen.galois_keys(one_step), params), 1024));
}

void nn_seeds(const fs::path& root) {
  const Bytes cnn = ola::fuzz::small_cnn().bytes();
  put(root / "onnx_import", "small_cnn.onnx", cnn);
  put(root / "onnx_import", "gelu_block.onnx", ola::fuzz::gelu_block().bytes());
  put(root / "onnx_import", "small_cnn_truncated.onnx", head(cnn, cnn.size() / 2));

  put(root / "calibration", "small_cnn.json", ola::nn::to_json(ola::fuzz::small_calibration()).dump());

  // Three CIFAR-10 records of the bundled test file, and one cut short.
  const Bytes cifar = ola::read_file_bytes(ola::bundled_data_dir() / "cifar10_test_first100.bin");
  put(root / "cifar", "three_records.bin", head(cifar, 3 * 3073));
  put(root / "cifar", "one_record_short.bin", head(cifar, 3000));
}

void plan_seed(const fs::path& root) {
  // Checked to load before it is written: a seed must be a valid plan.
  const std::string text = ola::opt::plan_to_json(ola::fuzz::small_plan()).dump(1);
  (void)ola::opt::plan_from_json(nlohmann::json::parse(text), "seed");
  put(root / "plan", "two_sites.json", text);
  put(root / "plan", "empty_object.json", std::string("{}"));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_seeds <tests/fuzz/corpus>\n";
    return 2;
  }
  try {
    const fs::path root = argv[1];
    ckks_seeds(root);
    nn_seeds(root);
    plan_seed(root);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
