#include "util/secure_memory.h"

#include <sodium.h>

namespace ola {

void secure_wipe(void* p, std::size_t n) noexcept {
  if (p != nullptr && n != 0) sodium_memzero(p, n);
}

}  // namespace ola
