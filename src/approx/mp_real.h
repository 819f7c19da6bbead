// A minimal RAII wrapper of an MPFR number for the Remez algorithm (internal to approx/).
#pragma once

#include <mpfr.h>

#include <utility>

namespace ola::approx::detail {

/// An MPFR real of a fixed precision, rounding to nearest. Value semantics (copies deep).
/// Thread safety: like a double; distinct objects may be used from distinct threads.
class MpReal {
 public:
  explicit MpReal(mpfr_prec_t prec, double v = 0.0) {
    mpfr_init2(x_, prec);
    mpfr_set_d(x_, v, MPFR_RNDN);
  }
  MpReal(const MpReal& o) {
    mpfr_init2(x_, mpfr_get_prec(o.x_));
    mpfr_set(x_, o.x_, MPFR_RNDN);
  }
  MpReal& operator=(const MpReal& o) {
    if (this != &o) mpfr_set(x_, o.x_, MPFR_RNDN);
    return *this;
  }
  MpReal(MpReal&& o) noexcept : MpReal(mpfr_get_prec(o.x_)) { mpfr_swap(x_, o.x_); }
  MpReal& operator=(MpReal&& o) noexcept {
    mpfr_swap(x_, o.x_);
    return *this;
  }
  ~MpReal() { mpfr_clear(x_); }

  mpfr_ptr get() { return x_; }
  mpfr_srcptr get() const { return x_; }
  mpfr_prec_t prec() const { return mpfr_get_prec(x_); }
  double to_double() const { return mpfr_get_d(x_, MPFR_RNDN); }

 private:
  mpfr_t x_;
};

}  // namespace ola::approx::detail
