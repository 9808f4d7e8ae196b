//===- LoopRemarks.h - what LLVM's loop vectorizer did to each op -*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The JIT's --vectorization-remarks: LLVM's loop vectorizer reports each
// innermost loop it vectorized or left scalar, at the loop's debug location,
// which is the location of the source op the loop was lowered from. These
// helpers collect those remarks and name the ops.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_RUNNER_LOOPREMARKS_H
#define QUANTOPT_LIB_RUNNER_LOOPREMARKS_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/DiagnosticHandler.h"

#include <tuple>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlir::quantx {

/// The loop vectorizer's decision about one innermost loop.
struct LoopVerdict {
  /// The function the loop's code came from (its debug info subprogram,
  /// which names it even after inlining); empty when the loop has no
  /// debug location.
  std::string function;
  /// The loop's source file (last path component), line and column; empty
  /// and 0 when unknown.
  std::string file;
  unsigned line = 0, column = 0;
  bool vectorized = false;
  /// Not a loop: straight-line code (often a fully unrolled inner loop) the
  /// SLP vectorizer turned into vector code.
  bool slp = false;
  /// LLVM's words: "vectorized loop (vectorization width: 8, interleaved
  /// count: 4)", or the reasons it stayed scalar.
  std::string message;
};

/// Gives every op in the module's LLVM functions a plain file location (the
/// first one its location holds, for fused and call-site locations; an op
/// located only by a name gets line 0 of a file of that name; one without
/// any location its function's) and each function a debug info subprogram,
/// so the LLVM IR has line tables: each loop then carries the location of
/// the op it was lowered from.
LogicalResult addLineTables(ModuleOp module);

/// A handler for an LLVM context that records the loop vectorizer's
/// remarks into `verdicts` (which must outlive it) and drops other
/// optimization remarks; other diagnostics go to LLVM's default handling.
std::unique_ptr<llvm::DiagnosticHandler>
makeLoopVectorizerRemarkHandler(std::vector<LoopVerdict> &verdicts);

/// The ops of a module by source position (line, column), recorded before
/// lowering: the name and location each loop's remark is reported under.
class SourceOps {
public:
  explicit SourceOps(ModuleOp module);
  struct Op {
    /// The op's name ("linalg.generic") and location ("model.mlir:12:10").
    std::string name, location;
  };
  /// The op at `line`:`column` of the file named `file` (its last path
  /// component), or null. An op located only by a name (`loc("q_proj")`)
  /// is at line 0 of a file of that name (see addLineTables).
  const Op *lookup(llvm::StringRef file, unsigned line, unsigned column) const;

private:
  std::map<std::tuple<std::string, unsigned, unsigned>, Op> ops;
};

/// One remark per source op that has loops (vectorized or scalar, with
/// LLVM's reasons), loops outside source ops, and a closing summary; the
/// loops of the hand-written kernel functions (already vector code) are
/// only counted. Deterministic: ops in source order.
std::vector<std::string> describeLoopVerdicts(llvm::ArrayRef<LoopVerdict> verdicts,
                                              const SourceOps &sourceOps);

} // namespace mlir::quantx

#endif // QUANTOPT_LIB_RUNNER_LOOPREMARKS_H
