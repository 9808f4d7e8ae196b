//===- Report.h - the rows of --quantx-report -------------------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_TRANSFORMS_REPORT_H
#define QUANTOPT_LIB_TRANSFORMS_REPORT_H

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::quantx {

/// One matmul-like op of the report.
struct ReportRow {
  Operation *operation = nullptr;
  std::string name, op, scheme, shape, note;
  int64_t floatBytes = 0, quantBytes = 0;
  std::optional<double> sqnr, maxErr;
  /// The weight is a quantx.fake_quant: sizes are those of the codes it
  /// will become once the matmul is formed.
  bool fakeQuant = false;
};

/// The rows of every matmul-like op and quantx.matmul of `module`.
std::vector<ReportRow> collectReportRows(ModuleOp module);

/// Writes `rows` and their totals as text or JSON to `output` (- for stderr).
LogicalResult writeReport(ModuleOp module, ArrayRef<ReportRow> rows, StringRef output,
                          StringRef format);

} // namespace mlir::quantx

#endif // QUANTOPT_LIB_TRANSFORMS_REPORT_H
