//===- Version.h - quant-opt's version ------------------------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_SUPPORT_VERSION_H
#define QUANTOPT_SUPPORT_VERSION_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::quantx {

/// The project's version, e.g. "0.2.0".
llvm::StringRef getQuantOptVersion();

/// The git commit quant-opt was built from (12 hex digits), or "unknown".
llvm::StringRef getQuantOptCommit();

/// Prints "quant-opt version V (git C)" as one line.
void printQuantOptVersion(llvm::raw_ostream &os);

/// Makes `--version` of a tool print quant-opt's version line and the
/// LLVM/MLIR version it was built with (call before parsing the command
/// line).
void addQuantOptVersionPrinter();

} // namespace mlir::quantx

#endif // QUANTOPT_SUPPORT_VERSION_H
