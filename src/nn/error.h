// Error types of the nn layer: a model file the importer cannot accept, and data files (images,
// calibration, plans) that are malformed.
#pragma once

#include "util/error.h"

namespace ola::nn {

/// A model (ONNX file or IR) is malformed or uses an unsupported op or attribute. The message names
/// the file, node, op and attribute: "resnet20.onnx: node /conv1/Conv (Conv): attribute group:
/// expected 1..16, got 0".
class ModelError : public ola::FormatError {
 public:
  using ola::FormatError::FormatError;
};

/// An image, calibration or plan file is malformed (size, labels, fields); the message names the
/// file and the record or field.
class DataError : public ola::FormatError {
 public:
  using ola::FormatError::FormatError;
};

}  // namespace ola::nn
