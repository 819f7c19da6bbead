#include "util/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "util/error.h"
#include "util/hash.h"

namespace ola {
namespace {

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("ola_util_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(AtomicFile, RoundTripAndMode) {
  const auto dir = temp_dir();
  const auto path = dir / "secret.key";
  write_file_atomic(path, std::string_view("hello"), 0600);
  EXPECT_EQ(read_file_text(path), "hello");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Overwrite replaces the content whole; no temporary files are left behind.
  write_file_atomic(path, std::string_view("second"), 0600);
  EXPECT_EQ(read_file_text(path), "second");
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1);
  std::filesystem::remove_all(dir);
}

TEST(AtomicFile, StreamedWriteIsWholeOrNothing) {
  const auto dir = temp_dir();
  const auto path = dir / "keys.bin";
  const std::string a = "first chunk, ", b = "second chunk";
  const auto bytes = [](const std::string& t) {
    return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(t.data()), t.size());
  };
  write_file_atomic_streamed(path, [&](const ByteSink& sink) {
    sink(bytes(a));
    sink(bytes(b));
  });
  EXPECT_EQ(read_file_text(path), a + b);
  // A producer that fails half-way leaves the old file and no temporary file.
  EXPECT_THROW(write_file_atomic_streamed(path,
                                          [&](const ByteSink& sink) {
                                            sink(bytes(b));
                                            throw Error("serialiser failed");
                                          }),
               Error);
  EXPECT_EQ(read_file_text(path), a + b);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1);
  std::filesystem::remove_all(dir);
}

TEST(AtomicFile, MissingFolderIsAClearError) {
  try {
    write_file_atomic("/nonexistent_ola_dir/x.bin", std::string_view("x"));
    FAIL() << "expected ola::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent_ola_dir"), std::string::npos);
  }
  EXPECT_THROW(read_file_bytes("/nonexistent_ola_dir/x.bin"), Error);
}

TEST(AtomicFile, AppendLineKeepsEveryRecordWhole) {
  const auto dir = temp_dir();
  const auto path = dir / "log.jsonl";
  append_line(path, R"({"image":0})");
  append_line(path, R"({"image":1})");
  EXPECT_EQ(read_file_text(path), "{\"image\":0}\n{\"image\":1}\n");
  std::filesystem::remove_all(dir);
  try {
    append_line("/nonexistent_ola_dir/log.jsonl", "x");
    FAIL() << "expected ola::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent_ola_dir/log.jsonl"), std::string::npos);
  }
}

TEST(Hash, KnownBlake2bDigestAndIncremental) {
  // BLAKE2b-256 of the empty string.
  EXPECT_EQ(hash_hex(std::string_view("")),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(Hasher().update("ab").update("c").hex(), hash_hex(std::string_view("abc")));
  EXPECT_NE(hash_hex(std::string_view("abc")), hash_hex(std::string_view("abd")));
}

}  // namespace
}  // namespace ola
