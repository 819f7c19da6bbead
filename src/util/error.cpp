#include "util/error.h"

namespace ola::detail {

void check_failed(const char* expr, const char* file, int line, const std::string& msg) {
  std::ostringstream os;
  os << "internal error: check '" << expr << "' failed at " << file << ":" << line;
  if (!msg.empty()) os << ": " << msg;
  throw std::logic_error(os.str());
}

}  // namespace ola::detail
