//===- InitAll.cpp - register everything quant-opt provides ---------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/InitAll.h"

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "QuantOpt/Transforms/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void mlir::quantx::registerQuantOptDialects(DialectRegistry &registry) {
  registry.insert<QuantXDialect>();
  // Upstream dialects, interfaces and extensions (bufferization models,
  // LLVM translation interfaces, ...) that the pipelines rely on.
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // LLVM IR translations, for passes that translate (e.g. gpu-module-to-binary).
  registerAllToLLVMIRTranslations(registry);
  registerGPULaunchMemoryEffects(registry);
}

void mlir::quantx::registerQuantOptAllPasses() {
  registerAllPasses();
  registerQuantOptPasses();
  registerQuantOptTransformsPasses();
}
