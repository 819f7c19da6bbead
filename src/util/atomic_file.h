// Atomic file output: write to a temporary file beside the target, then rename over it, so an
// interrupted run never leaves a half-written output.
#pragma once

#include <cstdint>
#include <filesystem>
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
