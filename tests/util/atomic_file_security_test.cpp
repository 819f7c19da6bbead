// Security properties of util/atomic_file.h: a target that is a symbolic link is replaced, never
// followed (a planted link cannot redirect a secret key into another file), and a failed write
// leaves the previous file and no temporary behind.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "util/atomic_file.h"
#include "util/error.h"

namespace ola {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& tag) {
  auto dir = fs::temp_directory_path() / ("ola_atomic_sec_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(AtomicFileSecurity, SymlinkTargetIsReplacedNotFollowed) {
  const auto dir = fresh_dir("link");
  write_file_atomic(dir / "victim.txt", std::string_view("keep me"), 0644);
  fs::create_symlink(dir / "victim.txt", dir / "sk.bin");
  write_file_atomic(dir / "sk.bin", std::string_view("secret"), 0600);
  EXPECT_EQ(read_file_text(dir / "victim.txt"), "keep me");
  EXPECT_FALSE(fs::is_symlink(dir / "sk.bin"));
  EXPECT_EQ(read_file_text(dir / "sk.bin"), "secret");
  struct stat st {};
  ASSERT_EQ(::stat((dir / "victim.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  fs::remove_all(dir);
}

TEST(AtomicFileSecurity, FailedRenameKeepsNothingHalfWritten) {
  const auto dir = fresh_dir("fail");
  fs::create_directories(dir / "target" / "child");  // rename onto a non-empty folder fails
  EXPECT_THROW(write_file_atomic(dir / "target", std::string_view("data")), Error);
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1);  // only target/: the temporary was removed
  EXPECT_TRUE(fs::is_directory(dir / "target" / "child"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ola
