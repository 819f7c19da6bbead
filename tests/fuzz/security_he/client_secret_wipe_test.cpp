// The client's secret file (he/io save_client_secret / load_client_secret) frees no buffer still
// holding the secret key: the replaced operator delete of this executable searches every freed
// block for bytes of s (tests/ckks/secret/freed_memory_watch.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "ckks/core/ckks.h"
#include "ckks/secret/freed_memory_watch.h"
#include "he/io/party_files.h"

namespace ola::he {
namespace {

TEST(ClientSecretWipe, SaveAndLoadFreeNoSecretBytes) {
  if (!ckks::testing::freed_memory_watch_available()) GTEST_SKIP() << "operator delete is the sanitizer's";
  const auto dir = std::filesystem::temp_directory_path() / ("ola_client_wipe_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const ckks::Params params(ckks::test_literal_n12());
  const ckks::KeyGenerator kg(params);
  const Layout layout = make_layout(3, 8, 8, 1, 2048);
  {
    // The serialised coefficients (as in the file) and limb 0 of s in NTT form. Built before the
    // watch starts (the temporaries of an initializer list would be freed while it watches).
    std::vector<std::vector<std::uint8_t>> needles;
    needles.push_back(ckks::testing::needle(kg.secret_key().coeffs.data(), 64));
    needles.push_back(ckks::testing::needle(kg.secret_key().s_qp.limb(0), 64));
    ckks::testing::FreedMemoryWatch watch(std::move(needles));
    save_client_secret(dir / "sk.bin", {params, kg.secret_key(), layout, 4, "fp"});
    { const ClientSecret s = load_client_secret(dir / "sk.bin"); }
    EXPECT_GT(watch.inspected(), 0u);
    EXPECT_EQ(watch.leaks(), 0u) << "freed blocks still holding bytes of the secret key";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ola::he
