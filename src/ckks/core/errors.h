// Error types of the CKKS library (messages "where: field: expected X, got Y").
#pragma once

#include "util/error.h"

namespace ola::ckks {

/// A parameter literal is invalid or insecure (thrown by Params's constructor).
class ParamError : public Error {
 public:
  using Error::Error;
};

/// Operands of an evaluator call do not fit together: level, scale, slot count, ciphertext degree,
/// parameter set, or a missing evaluation key. The message names both values.
class OperandError : public Error {
 public:
  using Error::Error;
};

}  // namespace ola::ckks
