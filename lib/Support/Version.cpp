//===- Version.cpp - quant-opt's version ----------------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Support/Version.h"
#include "QuantOpt/VCSRevision.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"

llvm::StringRef mlir::quantx::getQuantOptVersion() { return QUANT_OPT_VERSION_STRING; }

llvm::StringRef mlir::quantx::getQuantOptCommit() { return QUANT_OPT_GIT_COMMIT; }

void mlir::quantx::printQuantOptVersion(llvm::raw_ostream &os) {
  os << "quant-opt version " << getQuantOptVersion() << " (git " << getQuantOptCommit() << ")\n";
}

void mlir::quantx::addQuantOptVersionPrinter() {
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    printQuantOptVersion(os);
    os << "  built with LLVM/MLIR " << LLVM_VERSION_STRING << "\n";
  });
}
