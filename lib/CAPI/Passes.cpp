//===- Passes.cpp - C API of quant-opt's passes ---------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "QuantOpt-c/Passes.h"

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Transforms/Passes.h"

#include "mlir/CAPI/Pass.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;
using namespace mlir::quantx;

#ifdef __cplusplus
extern "C" {
#endif

#include "QuantOpt/Conversion/Passes.capi.cpp.inc"
#include "QuantOpt/Transforms/Passes.capi.cpp.inc"

#ifdef __cplusplus
}
#endif
