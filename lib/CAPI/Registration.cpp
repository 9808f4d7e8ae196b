//===- Registration.cpp - C API of quant-opt's registration ---------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "QuantOpt-c/Registration.h"

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/InitAll.h"
#include "QuantOpt/Support/Version.h"
#include "QuantOpt/Transforms/Passes.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Support.h"

using namespace mlir;

void quantOptRegisterDialects(MlirDialectRegistry registry) {
  quantx::registerQuantOptDialects(*unwrap(registry));
}

void quantOptRegisterPasses(void) {
  quantx::registerQuantOptPasses();
  quantx::registerQuantOptTransformsPasses();
}

void quantOptRegisterAllPasses(void) { quantx::registerQuantOptAllPasses(); }

MlirStringRef quantOptGetVersion(void) { return wrap(quantx::getQuantOptVersion()); }

MlirStringRef quantOptGetCommit(void) { return wrap(quantx::getQuantOptCommit()); }
