//===- Progress.cpp - progress lines of long-running tools ----------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Support/Progress.h"

#include "llvm/Support/Format.h"

#include <cstdlib>

using namespace mlir::quantx;

Progress::Progress(llvm::StringRef prefix, llvm::StringRef what, int64_t total, bool enabled,
                   double interval, llvm::raw_ostream &os)
    : prefix(prefix), what(what), total(total), enabled(enabled), interval(interval), os(os),
      start(std::chrono::steady_clock::now()), last(start) {
  // Tests ask for a line at every step.
  if (const char *env = std::getenv("QUANT_OPT_PROGRESS_INTERVAL"))
    this->interval = std::atof(env);
}

std::string Progress::format(llvm::StringRef prefix, llvm::StringRef what, int64_t done,
                             int64_t total, double elapsed) {
  std::string line;
  llvm::raw_string_ostream os(line);
  os << prefix << ": " << what << " " << done << "/" << total;
  if (total > 0)
    os << llvm::format(" (%d%%)", int(100 * done / total));
  os << llvm::format(", %.1f s", elapsed);
  if (done > 0 && done < total)
    os << llvm::format(", about %.1f s left", elapsed / double(done) * double(total - done));
  return line;
}

void Progress::step(int64_t done) {
  if (!enabled)
    return;
  auto now = std::chrono::steady_clock::now();
  bool due = std::chrono::duration<double>(now - last).count() >= interval;
  bool final = done >= total && printed;
  if (!due && !final)
    return;
  last = now;
  printed = true;
  os << format(prefix, what, done, total, std::chrono::duration<double>(now - start).count())
     << "\n";
  os.flush();
}
