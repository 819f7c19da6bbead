#include "he/shortcut.h"

#include <string>

#include "util/error.h"

namespace ola::he {

Conv2d option_a_shortcut(int c_in, int c_out, int pad_before) {
  if (c_in < 1 || pad_before < 0 || c_in + pad_before > c_out) {
    throw Error(ola::mismatch("option_a_shortcut", "c_in, pad_before", "c_in >= 1, 0 <= pad_before <= c_out - c_in = " +
                                                                   std::to_string(c_out - c_in),
                         std::to_string(c_in) + ", " + std::to_string(pad_before)));
  }
  Conv2d c{c_out, c_in, 1, 2, 0, {}, {}};
  c.weights.assign(static_cast<std::size_t>(c_out) * c_in, 0.0);
  for (int ci = 0; ci < c_in; ++ci) c.weights[static_cast<std::size_t>(ci + pad_before) * c_in + ci] = 1.0;
  return c;
}

CompiledConv compile_shortcut(const Layout& in, int c_out, int pad_before) {
  return compile_conv(in, option_a_shortcut(in.channels, c_out, pad_before));
}

}  // namespace ola::he
