#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>

#include "util/error.h"
#include "util/removal_on_signal.h"

namespace ola {
namespace {

std::string errno_text() { return std::strerror(errno); }

/// Writes all of `bytes` to fd (retrying short writes and EINTR); false with errno set on failure.
bool write_all(int fd, const std::uint8_t* bytes, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, bytes + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

void write_file_atomic_streamed(const std::filesystem::path& path, const std::function<void(const ByteSink&)>& produce,
                                unsigned mode) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir)) {
    throw Error(path.string() + ": folder " + dir.string() + " does not exist");
  }
  std::random_device rd;
  const auto tmp = dir / ("." + path.filename().string() + ".tmp" + std::to_string(rd()));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw Error(path.string() + ": cannot create temporary file: " + errno_text());
  const RemovalOnSignal hold(tmp, RemovalOnSignal::Kind::file);  // Ctrl-C leaves no temporary
  // Permissions exactly as asked, whatever the umask (secret keys: 0600).
  ::fchmod(fd, mode);
  bool removed = false;  // the temporary file, by fail()
  const auto fail = [&](const std::string& what) {
    const std::string why = errno_text();
    ::close(fd);
    ::unlink(tmp.c_str());
    removed = true;
    throw Error(path.string() + ": " + what + ": " + why);
  };
  try {
    produce([&](std::span<const std::uint8_t> chunk) {
      if (!write_all(fd, chunk.data(), chunk.size())) fail("write failed");
    });
  } catch (...) {
    if (!removed) {
      ::close(fd);
      ::unlink(tmp.c_str());
    }
    throw;
  }
  if (::fsync(fd) != 0) fail("write failed");
  if (::close(fd) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp.c_str());
    throw Error(path.string() + ": write failed: " + why);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp.c_str());
    throw Error(path.string() + ": rename failed: " + why);
  }
}

void write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> bytes, unsigned mode) {
  write_file_atomic_streamed(path, [bytes](const ByteSink& sink) { sink(bytes); }, mode);
}

void append_line(const std::filesystem::path& path, std::string_view line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path.string() + ": cannot open for appending: " + errno_text());
  std::string record(line);
  record += '\n';
  if (!write_all(fd, reinterpret_cast<const std::uint8_t*>(record.data()), record.size())) {
    const std::string why = errno_text();
    ::close(fd);
    throw Error(path.string() + ": append failed: " + why);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw Error(path.string() + ": append failed: " + errno_text());
}

void write_file_atomic(const std::filesystem::path& path, std::string_view text, unsigned mode) {
  write_file_atomic(path,
                    std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                                  text.size()),
                    mode);
}

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path) {
  // Unbuffered: the bytes go straight into `out`, so no stream buffer is freed still holding them
  // (secret key files: the caller wipes `out`, see ckks::load_secret_key).
  std::ifstream in;
  in.rdbuf()->pubsetbuf(nullptr, 0);
  in.open(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open file for reading");
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0) throw Error(path.string() + ": cannot determine file size");
  in.seekg(0);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(out.data()), size)) {
    throw Error(path.string() + ": read failed");
  }
  return out;
}

std::string read_file_text(const std::filesystem::path& path) {
  const auto bytes = read_file_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace ola
