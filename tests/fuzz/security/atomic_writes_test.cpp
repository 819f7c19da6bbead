// Every file the project writes is written atomically (temporary file + rename) and secret-key
// files get mode 0600: checked on the ckks savers and the plan writer, by killing writers midway,
// and by scanning src/ for file output that bypasses util/atomic_file.h.
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "ola/plan.h"
#include "security_fixture.h"
#include "util/atomic_file.h"

namespace ola::security_test {
namespace {

namespace fs = std::filesystem;
using namespace ola::ckks;

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

/// Restores the process umask when it goes out of scope.
struct UmaskGuard {
  explicit UmaskGuard(mode_t m) : old(::umask(m)) {}
  ~UmaskGuard() { ::umask(old); }
  mode_t old;
};

TEST(AtomicWrites, SecretKeyIsOwnerOnlyWhateverTheUmaskAndPreviousFile) {
  const Party& a = Party::a();
  const auto dir = scratch_dir("mode");
  {
    UmaskGuard g(0);  // the most permissive umask: the mode must still be exactly 0600
    save(dir / "sk.bin", a.keygen.secret_key(), a.params);
    EXPECT_EQ(mode_of(dir / "sk.bin"), 0600u);
    // Overwriting a world-readable file with a secret key leaves no readable copy behind.
    write_file_atomic(dir / "old.bin", std::string_view("public"), 0644);
    save(dir / "old.bin", a.keygen.secret_key(), a.params);
    EXPECT_EQ(mode_of(dir / "old.bin"), 0600u);
    // Public material is 0644 (readable, not writable by others) whatever the umask.
    save(dir / "pk.bin", a.keygen.public_key(), a.params);
    EXPECT_EQ(mode_of(dir / "pk.bin"), 0644u);
    save(dir / "ct.bin", a.encrypt({1.0}), a.params);
    EXPECT_EQ(mode_of(dir / "ct.bin"), 0644u);
  }
  EXPECT_EQ(load_secret_key(dir / "old.bin", a.params).coeffs, a.keygen.secret_key().coeffs);
  fs::remove_all(dir);
}

TEST(AtomicWrites, EverySaverLeavesOnlyItsTarget) {
  const Party& a = Party::a();
  const auto dir = scratch_dir("savers");
  const std::vector<int> steps = {1};
  save(dir / "params.bin", a.params);
  save(dir / "sk.bin", a.keygen.secret_key(), a.params);
  save(dir / "pk.bin", a.keygen.public_key(), a.params);
  save(dir / "rk.bin", a.keygen.relin_key(), a.params);
  save(dir / "gk.bin", a.keygen.galois_keys(steps), a.params);
  save(dir / "ct.bin", a.encrypt({0.5, 0.25}), a.params);
  opt::Plan plan;
  plan.bootstrap_cost = "estimated";
  opt::save_plan(plan, dir / "plan.json");
  // Each written twice: the second write replaces the first whole, no temporary is left.
  save(dir / "ct.bin", a.encrypt({0.75, 0.5}), a.params);
  opt::save_plan(plan, dir / "plan.json");
  EXPECT_EQ(entries(dir), 7);
  EXPECT_EQ(load_ciphertext(dir / "ct.bin", a.params).slots, 2u);
  EXPECT_EQ(opt::load_plan(dir / "plan.json").bootstrap_cost, "estimated");
  fs::remove_all(dir);
}

TEST(AtomicWrites, FailedWriteKeepsTheOldFileAndLeavesNoTemporary) {
  const Party& a = Party::a();
  const auto dir = scratch_dir("fail");
  save(dir / "ct.bin", a.encrypt({0.5}), a.params);
  const auto before = read_file_bytes(dir / "ct.bin");
  // A target that is a non-empty folder makes the final rename fail.
  fs::create_directories(dir / "busy" / "x");
  const std::string msg = error_of([&] { save(dir / "busy", a.encrypt({0.5}), a.params); });
  EXPECT_TRUE(contains(msg, "busy")) << msg;
  EXPECT_EQ(read_file_bytes(dir / "ct.bin"), before);
  EXPECT_EQ(entries(dir), 2);  // ct.bin and busy/: no .tmp left
  fs::remove_all(dir);
}

/// A child process overwrites `path` with two alternating ciphertexts in a loop and is killed
/// (SIGKILL) after a varying delay; the file must always load as one of the two, never partial.
TEST(AtomicWrites, KilledWriterNeverLeavesAPartialFile) {
  const Party& a = Party::a();
  const auto dir = scratch_dir("kill");
  const auto path = dir / "ct.bin";
  const Ciphertext c1 = a.encrypt({0.5}), c2 = a.encrypt({-0.5});
  save(path, c1, a.params);
  const auto b1 = to_bytes(c1, a.params), b2 = to_bytes(c2, a.params);
  for (int round = 0; round < 12; ++round) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int i = 0;; ++i) save(path, i % 2 ? c1 : c2, a.params);  // killed by the parent
    }
    const timespec delay{0, 2'000'000L + 3'000'000L * round};  // 2..35 ms
    ::nanosleep(&delay, nullptr);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer must have been killed mid-loop";
    const auto got = read_file_bytes(path);
    EXPECT_TRUE(got == b1 || got == b2) << "round " << round << ": " << got.size() << " bytes, neither ciphertext";
    EXPECT_NO_THROW((void)load_ciphertext(path, a.params)) << "round " << round;
  }
  fs::remove_all(dir);
}

/// Every source file that writes files goes through util/atomic_file.h: no ofstream, fopen,
/// fwrite (except to stdout/stderr or a /proc/self control file) or open(O_WRONLY/O_CREAT)
/// elsewhere in src/.
TEST(AtomicWrites, NoFileOutputOutsideAtomicFile) {
  const fs::path src = fs::path(OLA_SOURCE_DIR) / "src";
  ASSERT_TRUE(fs::is_directory(src)) << src;
  const std::regex direct(R"(std::ofstream|std::fstream|\bfopen\s*\(|\bfwrite\s*\(|O_WRONLY|O_RDWR|O_CREAT|\bcreat\s*\()");
  std::vector<std::string> offenders;
  int scanned = 0;
  for (const auto& e : fs::recursive_directory_iterator(src)) {
    const auto ext = e.path().extension();
    if (!e.is_regular_file() || (ext != ".cpp" && ext != ".h")) continue;
    if (e.path().filename() == "atomic_file.cpp") continue;
    ++scanned;
    std::ifstream in(e.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      const bool console = line.find("stdout") != std::string::npos || line.find("stderr") != std::string::npos;
      const bool kernel_control = line.find("\"/proc/self/") != std::string::npos;  // e.g. clear_refs: not a file we output
      if (std::regex_search(line, direct) && !console && !kernel_control) offenders.push_back(e.path().string() + ":" + std::to_string(n) + ": " + line);
    }
  }
  EXPECT_GT(scanned, 50);
  std::ostringstream os;
  for (const auto& o : offenders) os << o << "\n";
  EXPECT_TRUE(offenders.empty()) << "file output bypassing util/atomic_file.h:\n" << os.str();
}

}  // namespace
}  // namespace ola::security_test
