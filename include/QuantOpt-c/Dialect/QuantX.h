/*===- QuantX.h - C API of the quantx dialect ---------------------*- C -*-===*\
|*                                                                            *|
|* Part of the quant-opt project, under the Apache License v2.0 with LLVM    *|
|* Exceptions. See the LICENSE file for license information.                 *|
|* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception                   *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QUANTOPT_C_DIALECT_QUANTX_H
#define QUANTOPT_C_DIALECT_QUANTX_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// mlirGetDialectHandle__quantx__(): the quantx dialect, to insert into a
/// registry or load into a context.
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(QuantX, quantx);

/// Storage kinds of #quantx.scheme (the values of quantx::StorageKind).
typedef enum QuantXStorageKind {
  QuantXStorageKindI8 = 0,
  QuantXStorageKindU8 = 1,
  QuantXStorageKindI4 = 2,
  QuantXStorageKindU4 = 3,
  QuantXStorageKindNF4 = 4,
  QuantXStorageKindF8E4M3FN = 5,
  QuantXStorageKindF8E5M2 = 6,
} QuantXStorageKind;

//===----------------------------------------------------------------------===//
// #quantx.scheme
//===----------------------------------------------------------------------===//

/// True if `attr` is a #quantx.scheme.
MLIR_CAPI_EXPORTED bool quantxAttributeIsAScheme(MlirAttribute attr);

/// The TypeID of #quantx.scheme.
MLIR_CAPI_EXPORTED MlirTypeID quantxSchemeAttrGetTypeID(void);

/// #quantx.scheme<storage (, axis = axis)? (, group = groupSize)? (, narrow)?>.
/// `axis` < 0 means per tensor; `groupSize` <= 0 means no group. An invalid
/// combination (a group without an axis, narrow on a float or NF4 kind, ...)
/// emits an error diagnostic at `loc` and returns a null attribute.
MLIR_CAPI_EXPORTED MlirAttribute quantxSchemeAttrGet(MlirLocation loc,
                                                     QuantXStorageKind storage,
                                                     int64_t axis,
                                                     int64_t groupSize,
                                                     bool narrowRange);

MLIR_CAPI_EXPORTED QuantXStorageKind quantxSchemeAttrGetStorage(MlirAttribute attr);

/// The quantization axis, or -1 for a per-tensor scheme.
MLIR_CAPI_EXPORTED int64_t quantxSchemeAttrGetAxis(MlirAttribute attr);

/// The group size, or 0 when the scheme has no groups.
MLIR_CAPI_EXPORTED int64_t quantxSchemeAttrGetGroupSize(MlirAttribute attr);

MLIR_CAPI_EXPORTED bool quantxSchemeAttrIsNarrowRange(MlirAttribute attr);

/// Bits of one stored value (8 or 4).
MLIR_CAPI_EXPORTED unsigned quantxSchemeAttrGetStorageBits(MlirAttribute attr);

/// The builtin element type holding one stored value: signless i8 or i4 for
/// the integer and NF4 kinds, f8E4M3FN / f8E5M2 for FP8.
MLIR_CAPI_EXPORTED MlirType quantxSchemeAttrGetStorageElementType(MlirAttribute attr);

/// Smallest and largest integer code (integer kinds only; 0 otherwise).
MLIR_CAPI_EXPORTED int64_t quantxSchemeAttrGetQuantMin(MlirAttribute attr);
MLIR_CAPI_EXPORTED int64_t quantxSchemeAttrGetQuantMax(MlirAttribute attr);

#ifdef __cplusplus
}
#endif

#endif // QUANTOPT_C_DIALECT_QUANTX_H
