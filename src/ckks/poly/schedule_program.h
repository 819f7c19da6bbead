// A schedule recorded as a straight-line program, replayed over blocks of plain numbers: the fast
// plain evaluator (same operations, same order as the encrypted one) for simulating millions of
// activations.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "ckks/poly/schedule.h"

namespace ola::ckks {

/// One instruction of a Program; registers are slots of a block of numbers.
struct ProgramOp {
  enum class Code { mul, mul_const, mul_int, add, sub, add_const, constant };
  Code code = Code::constant;
  int dst = 0;
  int a = 0;
  int b = 0;
  double c = 0.0;  ///< mul_const/add_const/constant: the constant; mul_int: the integer
};

/// Straight-line program: register `input` holds the input, `output` the result after `ops`.
/// Invariant: every register read was written before (or is the input); registers < registers.
/// Thread safety: an immutable value; run() may be called concurrently.
struct Program {
  std::vector<ProgramOp> ops;
  int input = 0;
  int output = 0;
  int registers = 1;
};

/// Backend recording every operation into a Program (a Value is a register number). Registers are
/// not reused while recording; finish() compacts them by liveness.
/// Thread safety: mutable; one instance per thread.
class RecordingBackend {
 public:
  using Value = int;
  Value input() const { return 0; }
  Value mul(Value a, Value b) { return emit(ProgramOp::Code::mul, a, b, 0.0); }
  Value mul_const(Value a, double c) { return emit(ProgramOp::Code::mul_const, a, 0, c); }
  Value mul_int(Value a, long k) {
    return emit(ProgramOp::Code::mul_int, a, 0, static_cast<double>(k));
  }
  Value add(Value a, Value b) { return emit(ProgramOp::Code::add, a, b, 0.0); }
  Value sub(Value a, Value b) { return emit(ProgramOp::Code::sub, a, b, 0.0); }
  Value add_const(Value a, double c) { return emit(ProgramOp::Code::add_const, a, 0, c); }
  Value const_value(double c) { return emit(ProgramOp::Code::constant, 0, 0, c); }
  int depth(Value) const { return 0; }

  /// The recorded program with `output` as result, registers reassigned so that a register is
  /// reused once its last reader has run.
  Program finish(Value output) const;

 private:
  Value emit(ProgramOp::Code code, int a, int b, double c) {
    ProgramOp op;
    op.code = code;
    op.dst = next_++;
    op.a = a;
    op.b = b;
    op.c = c;
    ops_.push_back(op);
    return op.dst;
  }
  std::vector<ProgramOp> ops_;
  int next_ = 1;
};

/// Records the schedule of `plan` as a program.
Program record(const PolyPlan& plan);

/// Runs `program` on every element: out[i] = program(in[i]); in and out may alias.
/// Works in blocks of kProgramBlock elements so each instruction is a vectorisable loop.
/// @pre out.size() >= in.size()
template <class Real>
void run_program(const Program& program, std::span<const Real> in, std::span<Real> out);

inline constexpr std::size_t kProgramBlock = 256;

/// Runs `program` on one number (no heap allocation for programs of up to 64 registers).
template <class Real>
Real run_program_scalar(const Program& program, Real x) {
  std::array<Real, 64> small{};
  std::vector<Real> big;
  Real* r = small.data();
  if (program.registers > static_cast<int>(small.size())) {
    big.resize(static_cast<std::size_t>(program.registers));
    r = big.data();
  }
  r[program.input] = x;
  for (const ProgramOp& op : program.ops) {
    const Real c = static_cast<Real>(op.c);
    switch (op.code) {
      case ProgramOp::Code::mul: r[op.dst] = r[op.a] * r[op.b]; break;
      case ProgramOp::Code::mul_const:
      case ProgramOp::Code::mul_int: r[op.dst] = r[op.a] * c; break;
      case ProgramOp::Code::add: r[op.dst] = r[op.a] + r[op.b]; break;
      case ProgramOp::Code::sub: r[op.dst] = r[op.a] - r[op.b]; break;
      case ProgramOp::Code::add_const: r[op.dst] = r[op.a] + c; break;
      case ProgramOp::Code::constant: r[op.dst] = c; break;
    }
  }
  return r[program.output];
}

template <class Real>
void run_program(const Program& program, std::span<const Real> in, std::span<Real> out) {
  OLA_CHECK(out.size() >= in.size(), "run_program: out.size() " << out.size() << " < in.size() "
                                                                << in.size());
  std::vector<Real> regs(static_cast<std::size_t>(program.registers) * kProgramBlock);
  auto reg = [&](int r) { return regs.data() + static_cast<std::size_t>(r) * kProgramBlock; };
  for (std::size_t start = 0; start < in.size(); start += kProgramBlock) {
    const std::size_t n = std::min(kProgramBlock, in.size() - start);
    std::copy_n(in.data() + start, n, reg(program.input));
    for (const ProgramOp& op : program.ops) {
      Real* d = reg(op.dst);
      const Real* a = reg(op.a);
      const Real* b = reg(op.b);
      const Real c = static_cast<Real>(op.c);
      switch (op.code) {
        case ProgramOp::Code::mul:
          for (std::size_t i = 0; i < n; ++i) d[i] = a[i] * b[i];
          break;
        case ProgramOp::Code::mul_const:
        case ProgramOp::Code::mul_int:
          for (std::size_t i = 0; i < n; ++i) d[i] = a[i] * c;
          break;
        case ProgramOp::Code::add:
          for (std::size_t i = 0; i < n; ++i) d[i] = a[i] + b[i];
          break;
        case ProgramOp::Code::sub:
          for (std::size_t i = 0; i < n; ++i) d[i] = a[i] - b[i];
          break;
        case ProgramOp::Code::add_const:
          for (std::size_t i = 0; i < n; ++i) d[i] = a[i] + c;
          break;
        case ProgramOp::Code::constant:
          for (std::size_t i = 0; i < n; ++i) d[i] = c;
          break;
      }
    }
    std::copy_n(reg(program.output), n, out.data() + start);
  }
}

}  // namespace ola::ckks
