// Fixtures of the he CLI tests (he_cli_test.cpp, he_cli_boot_test.cpp): running the real `ola`
// binary with stdout and stderr apart, a minimal ONNX protobuf writer with the small CNN, and plans
// with degree-3 minimax ReLUs. cli_tests link only ola_util, hence the raw protobuf bytes.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ola::test::he_cli {

/// Exit code, stdout, and stdout + stderr of one run.
struct RunResult {
  int exit_code;
  std::string out;
  std::string all;
};

/// Runs `ola <args>` without $OLA_DATA (bundled data only).
inline RunResult run_ola(const std::string& args) {
  const auto tmp = std::filesystem::temp_directory_path() / ("he_cli_err_" + std::to_string(::getpid()));
  const std::string cmd = "env -u OLA_DATA " + std::string(OLA_BINARY) + " " + args + " 2>" + tmp.string();
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {-1, "", ""};
  std::string out;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) out += buf.data();
  const int status = ::pclose(pipe);
  std::ifstream err(tmp);
  std::string e((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  std::filesystem::remove(tmp);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, out + e};
}

// --- a minimal protobuf writer for the ONNX messages we need ---
using Bytes = std::string;
inline void varint(Bytes& b, std::uint64_t v) {
  while (v >= 0x80) {
    b.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  b.push_back(static_cast<char>(v));
}
inline void field_varint(Bytes& b, int f, std::uint64_t v) {
  varint(b, static_cast<std::uint64_t>(f) << 3);
  varint(b, v);
}
inline void field_bytes(Bytes& b, int f, const Bytes& v) {
  varint(b, (static_cast<std::uint64_t>(f) << 3) | 2);
  varint(b, v.size());
  b += v;
}
inline Bytes tensor(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<float>& v) {
  Bytes t;
  for (auto d : dims) field_varint(t, 1, static_cast<std::uint64_t>(d));
  field_varint(t, 2, 1);  // FLOAT
  field_bytes(t, 8, name);
  field_bytes(t, 9, Bytes(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
  return t;
}
inline Bytes attr_ints(const std::string& name, const std::vector<std::int64_t>& v) {
  Bytes a;
  field_bytes(a, 1, name);
  for (auto x : v) field_varint(a, 8, static_cast<std::uint64_t>(x));
  field_varint(a, 20, 7);  // INTS
  return a;
}
inline Bytes attr_int(const std::string& name, std::int64_t v) {
  Bytes a;
  field_bytes(a, 1, name);
  field_varint(a, 3, static_cast<std::uint64_t>(v));
  field_varint(a, 20, 2);  // INT
  return a;
}
inline Bytes node(const std::string& op, const std::vector<std::string>& in, const std::string& out,
           const std::vector<Bytes>& attrs = {}) {
  Bytes n;
  for (const auto& i : in) field_bytes(n, 1, i);
  field_bytes(n, 2, out);
  field_bytes(n, 3, "/" + out);
  field_bytes(n, 4, op);
  for (const auto& a : attrs) field_bytes(n, 5, a);
  return n;
}
inline Bytes value_info(const std::string& name, const std::vector<std::int64_t>& dims) {
  Bytes shape;
  Bytes batch;
  field_bytes(batch, 2, "N");
  field_bytes(shape, 1, batch);
  for (auto d : dims) {
    Bytes dim;
    field_varint(dim, 1, static_cast<std::uint64_t>(d));
    field_bytes(shape, 1, dim);
  }
  Bytes tt;
  field_varint(tt, 1, 1);
  if (!dims.empty()) field_bytes(tt, 2, shape);
  Bytes type;
  field_bytes(type, 1, tt);
  Bytes vi;
  field_bytes(vi, 1, name);
  field_bytes(vi, 2, type);
  return vi;
}
inline std::vector<float> weights(std::size_t n, double scale, double phase) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(scale * std::sin(1.37 * static_cast<double>(i) + phase));
  return v;
}

/// conv(3->4) -> relu -> conv(4->8, stride 2) -> relu -> avgpool -> fc(8->10) on 3x32x32 images.
inline std::string small_cnn_onnx() {
  Bytes g;
  const std::vector<std::int64_t> p1{1, 1, 1, 1};
  field_bytes(g, 1, node("Conv", {"input", "w1", "b1"}, "c1", {attr_ints("pads", p1)}));
  field_bytes(g, 1, node("Relu", {"c1"}, "r1"));
  field_bytes(g, 1, node("Conv", {"r1", "w2", "b2"}, "c2", {attr_ints("pads", p1), attr_ints("strides", {2, 2})}));
  field_bytes(g, 1, node("Relu", {"c2"}, "r2"));
  field_bytes(g, 1, node("GlobalAveragePool", {"r2"}, "p"));
  field_bytes(g, 1, node("Flatten", {"p"}, "f", {attr_int("axis", 1)}));
  field_bytes(g, 1, node("Gemm", {"f", "fc", "fc_b"}, "logits", {attr_int("transB", 1)}));
  field_bytes(g, 2, "small_cnn");
  field_bytes(g, 5, tensor("w1", {4, 3, 3, 3}, weights(108, 0.3, 0.1)));
  field_bytes(g, 5, tensor("b1", {4}, weights(4, 0.2, 0.5)));
  field_bytes(g, 5, tensor("w2", {8, 4, 3, 3}, weights(288, 0.25, 0.9)));
  field_bytes(g, 5, tensor("b2", {8}, weights(8, 0.2, 1.3)));
  field_bytes(g, 5, tensor("fc", {10, 8}, weights(80, 0.8, 1.7)));
  field_bytes(g, 5, tensor("fc_b", {10}, weights(10, 0.1, 2.1)));
  field_bytes(g, 11, value_info("input", {3, 32, 32}));
  field_bytes(g, 12, value_info("logits", {}));
  Bytes m;
  field_varint(m, 1, 7);  // ir_version
  Bytes opset;
  field_bytes(opset, 1, "");
  field_varint(opset, 2, 13);
  field_bytes(m, 8, opset);
  field_bytes(m, 7, g);
  return m;
}

struct Files {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("he_cli_" + std::to_string(::getpid()));
  Files() { std::filesystem::create_directories(dir); }
  ~Files() { std::filesystem::remove_all(dir); }
  std::string operator()(const std::string& name) const { return (dir / name).string(); }
};

/// A plan for small_cnn_onnx() with a degree-3 minimax ReLU per site (from `ola approx`) on
/// [-b, b], its sites named as the importer names them; bootstrap_before per site (empty: none forced).
inline nlohmann::json plan_json(const std::vector<double>& bounds, const std::vector<bool>& bootstrap_before = {}) {
  nlohmann::json sites = nlohmann::json::array();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    const std::string range = std::to_string(-bounds[i]) + "," + std::to_string(bounds[i]);
    const auto r = run_ola("approx --kind minimax --degree 3 --range=" + range + " --json");
    EXPECT_EQ(r.exit_code, 0) << r.all;
    auto a = nlohmann::json::parse(r.out);
    nlohmann::json stages = nlohmann::json::array();
    for (const auto& s : a["stages"]) stages.push_back({{"lo", s["lo"]}, {"hi", s["hi"]}, {"coeffs", s["chebyshev"]}});
    const nlohmann::json approx{{"activation", "relu"}, {"kind", "minimax"}, {"lo", a["lo"]}, {"hi", a["hi"]},
                                {"stages", stages}, {"counts", a["counts"]}, {"metrics", a["metrics"]}};
    sites.push_back({{"index", i}, {"name", "relu_" + std::to_string(i) + " (/r" + std::to_string(i + 1) + ")"}, {"range", {-bounds[i], bounds[i]}},
                     {"approximation", approx}, {"depth", a["counts"]["depth"]}, {"level_before", 0},
                     {"level_after", 0},
                     {"bootstrap_before", !bootstrap_before.empty() && bootstrap_before[i]}, {"predicted_loss", 0.0},
                     {"predicted_seconds", 0.0}, {"ciphertexts", 1}});
  }
  const nlohmann::json totals{{"predicted_seconds", 0.0}, {"bootstrap_seconds", 0.0}, {"activation_seconds", 0.0},
                              {"linear_seconds", 0.0},    {"bootstraps", 0},          {"predicted_loss", 0.0}};
  return {{"format", "ola-plan"}, {"version", 1}, {"model", "small.onnx"}, {"model_fingerprint", ""},
          {"calibration_fingerprint", ""}, {"cost_table_fingerprint", ""}, {"parameter_set", "test-n13"},
          {"bootstrap_cost", "estimated"}, {"loss_metric", "none (test plan)"}, {"budget", 0.0},
          {"loss_quantum", 0.0}, {"sites", sites}, {"steps", nlohmann::json::array()}, {"totals", totals},
          {"baselines", nlohmann::json::array()}, {"notes", nlohmann::json::array()}};
}

inline void write_text(const std::string& path, const std::string& s) {
  std::ofstream f(path, std::ios::binary);
  f << s;
}

/// Decrypts f("logits.ct") with f("sk.bin") and runs `infer --simulate --params <set>` on the same
/// image: requires the same class and a logit error below 2^-12 max |logit| (max |logit| > 1e-3).
/// Returns the bits between the error and max |logit| (0 after a failed run).
inline double expect_decrypted_matches_simulation(const Files& f, const std::string& model_and_plan,
                                                  const std::string& set, int index) {
  auto r = run_ola("decrypt --secret " + f("sk.bin") + " --in " + f("logits.ct") + " --json");
  EXPECT_EQ(r.exit_code, 0) << r.all;
  if (r.exit_code != 0) return 0.0;
  const auto enc = nlohmann::json::parse(r.out);
  r = run_ola("infer --simulate --params " + set + model_and_plan + " --index " + std::to_string(index) + " --json");
  EXPECT_EQ(r.exit_code, 0) << r.all;
  if (r.exit_code != 0) return 0.0;
  const auto sim = nlohmann::json::parse(r.out);
  EXPECT_EQ(enc["class"], sim["class"]) << enc.dump() << "\n" << sim.dump();
  double err = 0.0, scale = 0.0;
  for (std::size_t j = 0; j < sim["logits"].size(); ++j) {
    err = std::max(err, std::abs(enc["logits"][j].get<double>() - sim["logits"][j].get<double>()));
    scale = std::max(scale, std::abs(sim["logits"][j].get<double>()));
  }
  EXPECT_GT(scale, 1e-3);
  EXPECT_LT(err, std::ldexp(scale, -12)) << enc.dump() << "\n" << sim.dump();
  return std::log2(scale / err);
}

}  // namespace ola::test::he_cli
