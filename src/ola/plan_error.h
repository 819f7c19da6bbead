// The optimizer's error type: a model, plan, candidate set or setting it cannot work with.
#pragma once

#include "util/error.h"

namespace ola::opt {

/// A user-facing optimizer error (unsupported topology, infeasible budget, invalid plan file
/// contents that parse as JSON). Messages follow "where: field: expected X, got Y".
class PlanError : public Error {
 public:
  using Error::Error;
};

}  // namespace ola::opt
