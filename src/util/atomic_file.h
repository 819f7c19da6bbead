// Atomic file output: write to a temporary file beside the target, then rename over it, so an
// interrupted run never leaves a half-written output.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ola {

/// Writes `bytes` to `path` atomically (temp file in the same folder, fsync, rename).
/// @param mode POSIX permission bits of the new file (0600 for secret keys).
/// @throws ola::Error if the folder does not exist or the write fails (names the path).
void write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                       unsigned mode = 0644);
void write_file_atomic(const std::filesystem::path& path, std::string_view text, unsigned mode = 0644);

/// Receives a file's bytes in order, one chunk per call.
using ByteSink = std::function<void(std::span<const std::uint8_t>)>;

/// write_file_atomic with the bytes that `produce` passes to its sink chunk by chunk: a file too
/// large to hold in memory beside what it serialises (n16 key sets) is never held whole.
/// @throws ola::Error as write_file_atomic; an exception of `produce` removes the temporary file
///         and passes through (the target is left as it was).
void write_file_atomic_streamed(const std::filesystem::path& path, const std::function<void(const ByteSink&)>& produce,
                                unsigned mode = 0644);

/// Appends `line` and a newline to `path` (created 0644 if absent) with one O_APPEND write, then
/// fsync: a log of records (e.g. one JSON object per finished image) that a run killed later keeps
/// whole, line by line. A write cut by a crash can leave at most the last line incomplete.
/// @throws ola::Error naming the path if it cannot be opened or written.
void append_line(const std::filesystem::path& path, std::string_view line);

/// Reads a whole file straight into the returned vector (unbuffered: no other heap copy is made,
/// so a caller may wipe secret contents). @throws ola::Error naming the path if it cannot be
/// opened or read.
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path);
std::string read_file_text(const std::filesystem::path& path);

}  // namespace ola
