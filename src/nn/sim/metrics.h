// Accuracy metrics of an approximated model against labels and against the exact model.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "nn/ir/tensor.h"

namespace ola::nn {

/// Metrics over a set of images. Thread safety: a plain value.
struct Metrics {
  std::size_t images = 0;
  std::size_t correct = 0;   ///< argmax(approx logits) == label
  double top1 = 0.0;         ///< correct / images (0 when no labels were given)
  std::size_t agree = 0;     ///< argmax(approx) == argmax(exact)
  double agreement = 0.0;    ///< agree / images
  /// Mean over images of KL(softmax(exact) || softmax(approx)) in nats, computed in double with
  /// log-sum-exp. +infinity if any image has non-finite approximate logits.
  double mean_kl = 0.0;
  std::size_t nonfinite = 0; ///< images whose approximate logits contain NaN or infinity
};

/// Index of the largest entry of each row of `logits` [N, K] (first on ties; -1 for a row with NaN).
std::vector<int> argmax_rows(const Tensor& logits);

/// KL(softmax(p) || softmax(q)) for two logit rows of equal length.
double kl_divergence(std::span<const float> p, std::span<const float> q);

/// Compares approximate logits with exact ones (both [N, K]) and with `labels` (size N, or empty).
/// @throws ola::Error if the shapes differ or labels has a size other than 0 or N.
Metrics compare_logits(const Tensor& exact, const Tensor& approx, std::span<const int> labels);

}  // namespace ola::nn
