#include "util/removal_on_signal.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>

#include "util/error.h"

namespace ola {
namespace {

constexpr int kSlots = 64;
enum SlotState : int { kFree = 0, kFilling = 1, kHeld = 2 };

struct Slot {
  std::atomic<int> state{kFree};
  RemovalOnSignal::Kind kind = RemovalOnSignal::Kind::file;
  char path[PATH_MAX] = {};
};

std::array<Slot, kSlots>& slots() {
  static std::array<Slot, kSlots> s;
  return s;
}

constexpr std::array<int, 3> kSignals = {SIGINT, SIGTERM, SIGHUP};

/// Unlinks the files (not folders) directly in `dir` and then `dir` itself, with raw system calls
/// only (getdents64, unlinkat, rmdir), which are async-signal-safe where opendir is not.
void remove_folder(const char* dir) {
  const int fd = ::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    alignas(8) char buffer[4096];
    for (;;) {
      const long n = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer);
      if (n <= 0) break;
      for (long at = 0; at < n;) {
        // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name.
        unsigned short reclen = 0;
        std::memcpy(&reclen, buffer + at + 16, sizeof reclen);
        const unsigned char type = static_cast<unsigned char>(buffer[at + 18]);
        const char* name = buffer + at + 19;
        if (type != DT_DIR) ::unlinkat(fd, name, 0);  // DT_UNKNOWN too: a folder refuses
        at += reclen;
      }
    }
    ::close(fd);
  }
  ::rmdir(dir);
}

void remove_held_and_die(int sig) {
  for (auto& slot : slots()) {
    if (slot.state.load(std::memory_order_acquire) != kHeld) continue;
    if (slot.kind == RemovalOnSignal::Kind::folder) {
      remove_folder(slot.path);
    } else {
      ::unlink(slot.path);
    }
  }
  // Die of the signal as without this handler (the exit status a caller sees is unchanged).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
}

void install_handlers_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const int sig : kSignals) {
      struct sigaction old {};
      if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;
      struct sigaction act {};
      act.sa_handler = remove_held_and_die;
      ::sigemptyset(&act.sa_mask);
      for (const int other : kSignals) ::sigaddset(&act.sa_mask, other);
      ::sigaction(sig, &act, nullptr);
    }
  });
}

}  // namespace

RemovalOnSignal::RemovalOnSignal(const std::filesystem::path& path, Kind kind) : slot_(-1) {
  const std::string text = std::filesystem::absolute(path).string();
  if (text.size() >= PATH_MAX) throw Error("RemovalOnSignal: path longer than PATH_MAX: " + text);
  install_handlers_once();
  for (int i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (!slots()[i].state.compare_exchange_strong(expected, kFilling)) continue;
    slots()[i].kind = kind;
    std::memcpy(slots()[i].path, text.c_str(), text.size() + 1);
    slots()[i].state.store(kHeld, std::memory_order_release);
    slot_ = i;
    return;
  }
  throw Error("RemovalOnSignal: " + std::to_string(kSlots) + " paths are already held; cannot hold " + text);
}

RemovalOnSignal::~RemovalOnSignal() { slots()[slot_].state.store(kFree, std::memory_order_release); }

}  // namespace ola
