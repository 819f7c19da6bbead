// Fuzz target: the ONNX importer (nn::import_onnx_bytes: protobuf parsing, op conversion, BN
// folding, GELU fusion, shape inference) on arbitrary bytes. ModelError (any ola::Error) is the
// expected answer to bad input; anything else crashes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "nn/onnx/onnx_import.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)ola::nn::import_onnx_bytes(std::span(data, size), "fuzz.onnx");
  } catch (const ola::Error&) {
  }
  return 0;
}
