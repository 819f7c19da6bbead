// Register compaction of recorded schedules (see schedule_program.h).
#include "ckks/poly/schedule_program.h"

namespace ola::ckks {

Program RecordingBackend::finish(Value output) const {
  // Last reader of every virtual register (the output is read "after" the last op).
  const int n_virtual = next_;
  const int end = static_cast<int>(ops_.size());
  std::vector<int> last_use(static_cast<std::size_t>(n_virtual), -1);
  auto reads = [](const ProgramOp& op, int& a, int& b) {
    a = b = -1;
    switch (op.code) {
      case ProgramOp::Code::mul:
      case ProgramOp::Code::add:
      case ProgramOp::Code::sub:
        a = op.a;
        b = op.b;
        break;
      case ProgramOp::Code::mul_const:
      case ProgramOp::Code::mul_int:
      case ProgramOp::Code::add_const:
        a = op.a;
        break;
      case ProgramOp::Code::constant:
        break;
    }
  };
  for (int i = 0; i < end; ++i) {
    int a = 0, b = 0;
    reads(ops_[static_cast<std::size_t>(i)], a, b);
    if (a >= 0) last_use[static_cast<std::size_t>(a)] = i;
    if (b >= 0) last_use[static_cast<std::size_t>(b)] = i;
  }
  last_use[static_cast<std::size_t>(output)] = end;

  std::vector<int> phys(static_cast<std::size_t>(n_virtual), -1);
  std::vector<int> free_list;
  int n_phys = 1;
  phys[0] = 0;  // the input keeps register 0
  Program prog;
  prog.input = 0;
  for (int i = 0; i < end; ++i) {
    ProgramOp op = ops_[static_cast<std::size_t>(i)];
    int a = 0, b = 0;
    reads(op, a, b);
    if (a >= 0) op.a = phys[static_cast<std::size_t>(a)];
    if (b >= 0) op.b = phys[static_cast<std::size_t>(b)];
    // Operands whose last use is this op free their register before the destination is chosen
    // (element-wise ops may write in place).
    for (int v : {a, b}) {
      if (v > 0 && last_use[static_cast<std::size_t>(v)] == i && phys[static_cast<std::size_t>(v)] >= 0) {
        free_list.push_back(phys[static_cast<std::size_t>(v)]);
        phys[static_cast<std::size_t>(v)] = -2;  // released
      }
    }
    int dst;
    if (!free_list.empty()) {
      dst = free_list.back();
      free_list.pop_back();
    } else {
      dst = n_phys++;
    }
    phys[static_cast<std::size_t>(op.dst)] = dst;
    op.dst = dst;
    if (last_use[static_cast<std::size_t>(ops_[static_cast<std::size_t>(i)].dst)] < 0) {
      free_list.push_back(dst);  // never read: free at once
    }
    prog.ops.push_back(op);
  }
  prog.output = output == 0 ? 0 : phys[static_cast<std::size_t>(output)];
  OLA_CHECK(prog.output >= 0, "RecordingBackend::finish: output register lost");
  prog.registers = n_phys;
  return prog;
}

Program record(const PolyPlan& plan) {
  RecordingBackend rec;
  const int out = evaluate(rec, rec.input(), plan);
  return rec.finish(out);
}

}  // namespace ola::ckks
