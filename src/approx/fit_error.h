// The error type of the approximation toolkit: a fit or build request that cannot be honoured.
#pragma once

#include "util/error.h"

namespace ola::approx {

/// Bad input to a fit: empty or degenerate distribution, inverted interval, degree or alpha out of
/// range, unknown activation/kind name. Messages follow "where: field: expected X, got Y".
class FitError : public ola::Error {
 public:
  using ola::Error::Error;
};

}  // namespace ola::approx
