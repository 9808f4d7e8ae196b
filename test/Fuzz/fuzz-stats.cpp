//===- fuzz-stats.cpp - libFuzzer harness of the statistics reader --------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Any bytes as a statistics JSON file: readStatsFile returns statistics or
// an error, never crashes.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "QuantOpt/Calibration/Statistics.h"

#include "llvm/Support/Error.h"

using namespace mlir::quantx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = quantopt::fuzz::writeScratch(data, size, ".json");
  auto stats = readStatsFile(path);
  if (!stats)
    llvm::consumeError(stats.takeError());
  return 0;
}
