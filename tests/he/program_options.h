// Shared by the program tests: ProgramOptions from its four settings.
#pragma once

#include "he/program/program.h"

namespace ola::he::testing {

inline ProgramOptions options(int slots, int fresh_level, int boot_level, bool allow_bootstrap = true) {
  ProgramOptions o;
  o.slots = slots;
  o.fresh_level = fresh_level;
  o.boot_level = boot_level;
  o.allow_bootstrap = allow_bootstrap;
  return o;
}

}  // namespace ola::he::testing
