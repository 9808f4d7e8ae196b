//===- QuantOptPlugin.cpp - quant-opt as an mlir-opt plugin ---------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// One shared object that a stock mlir-opt (or any MlirOptMain tool linked
// against the same libMLIR) loads as both plugins:
//
//   mlir-opt --load-dialect-plugin=QuantOptPlugin.so \
//            --load-pass-plugin=QuantOptPlugin.so --quantx-cpu-pipeline ...
//
// The dialect plugin adds the quantx dialect and the extensions quant-opt
// registers beside the upstream ones; the pass plugin registers every
// quant-opt pass and pipeline. Upstream dialects and passes are the host's.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "QuantOpt/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"

#include "llvm/Config/llvm-config.h"

using namespace mlir;

extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "QuantOpt", QUANT_OPT_VERSION_STRING,
          [](DialectRegistry *registry) {
            registry->insert<quantx::QuantXDialect>();
            quantx::registerGPULaunchMemoryEffects(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "QuantOpt", QUANT_OPT_VERSION_STRING, []() {
            quantx::registerQuantOptPasses();
            quantx::registerQuantOptTransformsPasses();
          }};
}
