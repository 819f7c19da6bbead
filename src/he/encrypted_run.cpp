#include "he/encrypted_run.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "ckks/core/serialization.h"
#include "he/ckks_backend.h"
#include "he/io/galois_key_maker.h"
#include "he/layout.h"
#include "he/pool_fc.h"
#include "he/program/activations.h"
#include "he/program/program_files.h"
#include "he/slot_sim_backend.h"
#include "util/error.h"
#include "util/scratch_dir.h"

namespace ola::he {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

EncryptedRun run_encrypted(const ckks::Params& params, const std::optional<ckks::BootstrapLiteral>& boot,
                           const Program& p, const KeyPlan& kp, const nn::Tensor& images, std::size_t count,
                           const EncryptedRunHooks& hooks) {
  if (images.shape.size() != 4 || static_cast<std::int64_t>(count) > images.shape[0]) {
    throw Error(ola::mismatch("run_encrypted", "images", "an [N, C, H, W] tensor with N >= " + std::to_string(count),
                              nn::to_string(images.shape)));
  }
  EncryptedRun r;
  auto t0 = std::chrono::steady_clock::now();
  const ckks::KeyGenerator keygen(params);
  auto relin = std::make_shared<const ckks::RelinKey>(keygen.relin_key());
  auto galois = std::make_shared<const ckks::GaloisKeys>(make_galois_keys(keygen, kp));
  auto encapsulation = kp.encapsulation ? ckks::bootstrap_encapsulation_keys(keygen, *boot) : nullptr;
  r.eval_key_bytes = galois_key_bytes(*galois) + switching_key_bytes(params);
  if (encapsulation) r.eval_key_bytes += encapsulation_key_bytes(params);
  // Keys per stage: each stage's set goes to a file as the client sends it, and the session loads
  // it with that stage's bootstrapper (he/ckks_session.h).
  std::optional<ScratchDir> stage_dir;
  std::map<int, std::filesystem::path> stage_files;
  StageKeyLoader stage_keys;
  if (!kp.stage_key_level.empty()) {
    stage_dir.emplace("ola-stage-keys");
    for (const auto& [slots, levels] : kp.stage_key_level) {
      const ckks::GaloisKeys stage = make_stage_galois_keys(keygen, kp, slots);
      r.eval_key_bytes += galois_key_bytes(stage);
      stage_files[slots] = stage_dir->path() / ("stage-" + std::to_string(slots) + ".keys");
      ckks::save(stage_files[slots], stage, params);
    }
    stage_keys = [&stage_files, &params](int slots) {
      return std::make_shared<const ckks::GaloisKeys>(ckks::load_galois_keys(stage_files.at(slots), params));
    };
  }
  r.keygen_seconds = seconds_since(t0);
  if (hooks.on_keygen) hooks.on_keygen(r.keygen_seconds);

  t0 = std::chrono::steady_clock::now();
  CkksSession session(params, std::move(relin), std::move(galois), boot, p, stage_keys, std::move(encapsulation));
  r.setup_seconds = seconds_since(t0);
  if (hooks.on_setup) hooks.on_setup(r.setup_seconds, session);
  const ckks::Encryptor encryptor(params, keygen.secret_key());
  const ckks::Decryptor decryptor(params, keygen.secret_key());
  const auto acts = ckks_program_activations(p);
  const auto tails = ckks_program_activation_tails(p);
  const auto sim_acts = sim_program_activations(p);
  const auto sim_tails = sim_program_activation_tails(p);

  for (std::size_t i = 0; i < count; ++i) {
    const auto slots = pack(p.input_layout, image_map(images, static_cast<std::int64_t>(i)));
    const ckks::Ciphertext in = encryptor.encrypt(
        session.encoder().encode(slots, p.options.fresh_level, params.default_scale(), slots.size()));
    t0 = std::chrono::steady_clock::now();
    const ckks::Ciphertext out = run_program<CkksBackend>(session.backend(), p, in, acts, hooks.on_step, tails);
    EncryptedImage image;
    image.infer_seconds = seconds_since(t0);
    r.infer_seconds += image.infer_seconds;
    image.logits = unpack_logits(p.head, session.encoder().decode_real(decryptor.decrypt(out)));
    SlotSimBackend sim({p.options.slots, p.options.fresh_level, p.options.boot_level, 40, std::nullopt});
    image.simulated_logits = unpack_logits(
        p.head, sim.decrypt(run_program<SlotSimBackend>(sim, p, sim.encrypt(slots), sim_acts, {}, sim_tails)));
    if (hooks.on_image) hooks.on_image(i, image);
    r.images.push_back(std::move(image));
  }
  r.bootstrapper_builds = session.bootstrapper_builds();
  r.bootstrapper_build_seconds = session.bootstrapper_build_seconds();
  return r;
}

}  // namespace ola::he
