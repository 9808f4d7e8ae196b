/*===- Passes.h - C API of quant-opt's passes ---------------------*- C -*-===*\
|*                                                                            *|
|* Part of the quant-opt project, under the Apache License v2.0 with LLVM    *|
|* Exceptions. See the LICENSE file for license information.                 *|
|* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception                   *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/
// mlirCreateQuantOptTransforms<Pass>() / mlirCreateQuantOptConversion<Pass>()
// and their registration functions, generated from the passes' TableGen
// declarations (default options; use mlirParsePassPipeline for options).

#ifndef QUANTOPT_C_PASSES_H
#define QUANTOPT_C_PASSES_H

#include "mlir-c/Pass.h"

#include "QuantOpt/Conversion/Passes.capi.h.inc"
#include "QuantOpt/Transforms/Passes.capi.h.inc"

#endif // QUANTOPT_C_PASSES_H
