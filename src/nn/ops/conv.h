// Float convolution and fully-connected kernels: im2col + OpenBLAS sgemm, direct depthwise.
#pragma once

#include "nn/ir/graph.h"

namespace ola::nn {

/// 2-D convolution of a batch x [N, C_in, H, W] into [N, C_out, OH, OW] (out_shape from
/// infer_shape, dim 0 = N). Depthwise convolutions (group == C_in == C_out) use a direct loop; the
/// others im2col + sgemm per image and group. Parallel over images with `threads` OpenMP threads
/// (0: OpenMP default); OpenBLAS itself runs single-threaded (see set_blas_single_threaded).
/// @pre x.shape matches the node's input shape with dim 0 = N.
Tensor conv2d(const Tensor& x, const ConvAttrs& a, const Shape& out_shape, int threads);

/// y = x W^T + b over the last axis: x [..., in] -> [..., out]. One sgemm for the whole batch.
Tensor linear(const Tensor& x, const LinearAttrs& a, const Shape& out_shape, int threads);

/// Makes OpenBLAS use one thread per call (OLA parallelises over images itself; nested BLAS
/// threads would oversubscribe the cores). Idempotent; called by the executor.
void set_blas_single_threaded();

}  // namespace ola::nn
