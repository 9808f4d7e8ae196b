/*===- Registration.h - C API of quant-opt's registration ---------*- C -*-===*\
|*                                                                            *|
|* Part of the quant-opt project, under the Apache License v2.0 with LLVM    *|
|* Exceptions. See the LICENSE file for license information.                 *|
|* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception                   *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QUANTOPT_C_REGISTRATION_H
#define QUANTOPT_C_REGISTRATION_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Inserts quantx and every dialect, interface and extension that quant-opt's
/// pipelines need (all upstream dialects and their extensions, the LLVM IR
/// translations) into `registry`: what the quant-opt tool registers.
MLIR_CAPI_EXPORTED void quantOptRegisterDialects(MlirDialectRegistry registry);

/// Registers quant-opt's passes and pipelines (--quantx-ptq,
/// --quantx-cpu-pipeline, ...) with the global pass registry, so that
/// mlirParsePassPipeline and mlirOpPassManagerAddPipeline know them.
MLIR_CAPI_EXPORTED void quantOptRegisterPasses(void);

/// Registers every upstream MLIR pass as well (what the quant-opt tool has).
MLIR_CAPI_EXPORTED void quantOptRegisterAllPasses(void);

/// quant-opt's version ("0.2.0") and the git commit it was built from.
MLIR_CAPI_EXPORTED MlirStringRef quantOptGetVersion(void);
MLIR_CAPI_EXPORTED MlirStringRef quantOptGetCommit(void);

#ifdef __cplusplus
}
#endif

#endif // QUANTOPT_C_REGISTRATION_H
