//===- Progress.h - progress lines of long-running tools --------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_SUPPORT_PROGRESS_H
#define QUANTOPT_SUPPORT_PROGRESS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace mlir::quantx {

/// Progress of `total` steps as lines on a stream (stderr by default):
///   quant-calibrate: ranges: batch 12/40 (30%), 3.1 s, about 7.2 s left
/// A line is printed when at least `interval` seconds passed since the last
/// one (so short runs print none), and for the last step of a run that
/// printed any. Disabled progress prints nothing. The environment variable
/// QUANT_OPT_PROGRESS_INTERVAL overrides the interval (0: every step).
class Progress {
public:
  Progress(llvm::StringRef prefix, llvm::StringRef what, int64_t total, bool enabled,
           double interval = 1.0, llvm::raw_ostream &os = llvm::errs());

  /// Step `done` (1-based) of `total` finished.
  void step(int64_t done);

  /// The line for step `done` after `elapsed` seconds (for tests).
  static std::string format(llvm::StringRef prefix, llvm::StringRef what, int64_t done,
                            int64_t total, double elapsed);

private:
  std::string prefix, what;
  int64_t total;
  bool enabled, printed = false;
  double interval;
  llvm::raw_ostream &os;
  std::chrono::steady_clock::time_point start, last;
};

} // namespace mlir::quantx

#endif // QUANTOPT_SUPPORT_PROGRESS_H
