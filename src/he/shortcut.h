// The option-A shortcut of CIFAR ResNets (He et al., CVPR 2016, Sec. 4.2): subsample by 2 and pad
// channels with zeros, as a 1x1 stride-2 "convolution" with 0/1 weights on the multiplexed layout.
#pragma once

#include "he/conv.h"

namespace ola::he {

/// The 1x1 stride-2 convolution with out channel c + pad_before = in channel c (others zero), as
/// PyTorch's F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, pad_before, c_out - c_in - pad_before)).
/// @throws ola::Error if c_in < 1, pad_before < 0, or c_in + pad_before > c_out.
Conv2d option_a_shortcut(int c_in, int c_out, int pad_before);

/// compile_conv of option_a_shortcut for `in` (no bias). Level: the shortcut consumes one.
/// @throws ola::Error as option_a_shortcut and compile_conv.
CompiledConv compile_shortcut(const Layout& in, int c_out, int pad_before);

}  // namespace ola::he
