// Error types shared by every layer, and the checking macros.
//
// Messages follow "where: field: expected X, got Y", e.g.
//   "resnet20.onnx: node Conv_7 attr group: expected 1, got 16".
// Only the CLI catches: it prints what() and exits 2 for user errors (ola::Error and subclasses)
// and 1 for internal failures (std::logic_error from OLA_CHECK, anything else).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace ola {

/// Base of every error caused by input the user gave (files, flags, parameters).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A file is malformed, truncated, of the wrong kind, or made under other parameters.
class FormatError : public Error {
 public:
  using Error::Error;
};

/// Builds "where: field: expected X, got Y".
template <class Expected, class Got>
std::string mismatch(const std::string& where, const std::string& field, const Expected& expected,
                     const Got& got) {
  std::ostringstream os;
  os << where << ": " << field << ": expected " << expected << ", got " << got;
  return os.str();
}

namespace detail {
[[noreturn]] void check_failed(const char* expr, const char* file, int line, const std::string& msg);
}  // namespace detail

}  // namespace ola

/// Internal invariant: throws std::logic_error (a bug, not bad input) when cond is false.
#define OLA_CHECK(cond, msg)                                                  \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::ostringstream ola_check_os_;                                       \
      ola_check_os_ << msg; /* NOLINT */                                      \
      ::ola::detail::check_failed(#cond, __FILE__, __LINE__, ola_check_os_.str()); \
    }                                                                         \
  } while (0)

/// Debug-only check for hot kernels.
#ifndef NDEBUG
#define OLA_DCHECK(cond, msg) OLA_CHECK(cond, msg)
#else
#define OLA_DCHECK(cond, msg) \
  do {                        \
  } while (0)
#endif
