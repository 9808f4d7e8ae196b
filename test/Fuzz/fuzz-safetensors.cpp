//===- fuzz-safetensors.cpp - libFuzzer harness of the safetensors reader -===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Any file: SafetensorsFile::open validates the header (length, JSON,
// dtypes, shapes, offsets) or fails; every tensor it accepts lies inside
// the file and its elements can be read.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "QuantOpt/Params/Safetensors.h"

#include "llvm/Support/Error.h"

#include <cstdlib>

using namespace mlir::quantx::params;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = quantopt::fuzz::writeScratch(data, size, ".safetensors");
  auto file = SafetensorsFile::open(path);
  if (!file) {
    llvm::consumeError(file.takeError());
    return 0;
  }
  for (const TensorView &t : (*file)->getTensors()) {
    if (t.offset + t.size > size || t.size != uint64_t(t.numElements()) * dtypeSize(t.dtype))
      std::abort();
    for (int64_t i = 0, e = std::min<int64_t>(t.numElements(), 16); i < e; ++i)
      (void)t.getAsFloat(i);
    if ((*file)->lookup(t.name) == nullptr)
      std::abort();
  }
  return 0;
}
