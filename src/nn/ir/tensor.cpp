#include "nn/ir/tensor.h"

#include <algorithm>
#include <sstream>

#include "util/error.h"

namespace ola::nn {

std::int64_t numel(const Shape& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string to_string(const Shape& shape, bool batch) {
  std::ostringstream os;
  os << '[';
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) os << ',';
    if (i == 0 && batch) {
      os << 'N';
    } else {
      os << shape[i];
    }
  }
  os << ']';
  return os.str();
}

std::int64_t Tensor::item_size() const {
  if (shape.empty()) return 1;
  return shape[0] == 0 ? numel(Shape(shape.begin() + 1, shape.end())) : size() / shape[0];
}

Tensor zeros(const Shape& shape) {
  Tensor t;
  t.shape = shape;
  t.data.assign(static_cast<std::size_t>(numel(shape)), 0.0f);
  return t;
}

Tensor slice_batch(const Tensor& t, std::int64_t first, std::int64_t count) {
  OLA_CHECK(!t.shape.empty() && first >= 0 && count >= 0 && first + count <= t.shape[0],
            "slice_batch: rows " << first << "+" << count << " of " << to_string(t.shape));
  Tensor out;
  out.shape = t.shape;
  out.shape[0] = count;
  const std::int64_t item = t.item_size();
  out.data.assign(t.data.begin() + first * item, t.data.begin() + (first + count) * item);
  return out;
}

void copy_batch_into(Tensor& dst, const Tensor& part, std::int64_t first) {
  OLA_CHECK(dst.shape.size() == part.shape.size() && !dst.shape.empty() &&
                std::equal(dst.shape.begin() + 1, dst.shape.end(), part.shape.begin() + 1) &&
                first + part.shape[0] <= dst.shape[0],
            "copy_batch_into: " << to_string(part.shape) << " at row " << first << " of "
                                << to_string(dst.shape));
  const std::int64_t item = dst.item_size();
  std::copy(part.data.begin(), part.data.end(), dst.data.begin() + first * item);
}

}  // namespace ola::nn
