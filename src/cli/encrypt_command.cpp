// `ola encrypt --secret sk.bin --image FILE --index I --out ct.bin`: the client packs CIFAR-10 image
// I into the program's input layout (he/layout.h) and encrypts it at the program's fresh level;
// `--mean/--std` give the model's preprocessing (ImageNet's by default).
#include <cstdio>
#include <memory>
#include <string>

#include "ckks/core/ckks.h"
#include "cli/command.h"
#include "cli/image_normalization.h"
#include "he/io/party_files.h"
#include "he/layout.h"
#include "he/program/program_files.h"
#include "nn/data/cifar10.h"
#include "nn/data/data_files.h"
#include "util/error.h"

namespace ola::cli {
namespace {

struct EncryptOptions {
  std::string secret, image, out, data;
  std::int64_t index = 0;
  ImageNormalization norm;
};

void run(const EncryptOptions& o) {
  const he::ClientSecret s = he::load_client_secret(o.secret);
  const auto path = nn::resolve_data_file(nn::DataRole::test_images, o.image, o.data);
  nn::CifarOptions co;
  co.first = static_cast<std::size_t>(o.index + 1);
  apply_normalization(o.norm, co, "ola encrypt");
  const nn::ImageSet set = nn::load_cifar10(path, co);
  const he::FeatureMap m = he::image_map(set.images, o.index);
  const he::Layout& l = s.input_layout;
  if (m.channels != l.channels || m.height != l.height || m.width != l.width) {
    throw Error(ola::mismatch(path.string(), "image shape",
                              std::to_string(l.channels) + "x" + std::to_string(l.height) + "x" + std::to_string(l.width),
                              std::to_string(m.channels) + "x" + std::to_string(m.height) + "x" + std::to_string(m.width)));
  }
  const ckks::Encoder encoder(s.params);
  const ckks::Encryptor encryptor(s.params, s.secret);
  const auto slots = he::pack(l, m);
  const ckks::Ciphertext ct =
      encryptor.encrypt(encoder.encode(slots, s.fresh_level, s.params.default_scale(), slots.size()));
  ckks::save(o.out, ct, s.params);
  std::fprintf(stderr, "encrypted image %lld of %s (label %d) into %s\n", static_cast<long long>(o.index),
               path.c_str(), set.labels[static_cast<std::size_t>(o.index)], o.out.c_str());
}

OLA_REGISTER_COMMAND("encrypt", "Client: encrypt a CIFAR-10 image in the program's input packing",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<EncryptOptions>();
                       sub.add_option("--secret", o->secret, "secret key file (ola keygen)")->required();
                       sub.add_option("--image,--images", o->image, "CIFAR-10 binary file (default: bundled test images)");
                       sub.add_option("--index", o->index, "image index")->capture_default_str()->check(CLI::NonNegativeNumber);
                       sub.add_option("--data", o->data, "full data folder (default $OLA_DATA)");
                       add_normalization_options(sub, o->norm);
                       sub.add_option("--out", o->out, "ciphertext file")->required();
                       sub.callback([o] { run(*o); });
                     });

}  // namespace
}  // namespace ola::cli
