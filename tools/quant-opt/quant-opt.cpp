//===- quant-opt.cpp - the quant-opt driver -------------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// An mlir-opt-style driver with the quantx dialect, the quant-opt passes and
// pipelines, and every upstream dialect and pass.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Support/Version.h"
#include "QuantOpt/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::quantx::addQuantOptVersionPrinter();
  mlir::quantx::registerQuantOptAllPasses();
  mlir::DialectRegistry registry;
  mlir::quantx::registerQuantOptDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "quant-opt: the quantization compiler driver\n", registry));
}
