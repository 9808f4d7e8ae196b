//===- QuantX.cpp - C API of the quantx dialect ---------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "QuantOpt-c/Dialect/QuantX.h"

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::quantx;

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(QuantX, quantx, QuantXDialect)

static SchemeAttr unwrapScheme(MlirAttribute attr) {
  return llvm::cast<SchemeAttr>(unwrap(attr));
}

bool quantxAttributeIsAScheme(MlirAttribute attr) {
  return llvm::isa<SchemeAttr>(unwrap(attr));
}

MlirTypeID quantxSchemeAttrGetTypeID(void) { return wrap(SchemeAttr::getTypeID()); }

MlirAttribute quantxSchemeAttrGet(MlirLocation loc, QuantXStorageKind storage,
                                  int64_t axis, int64_t groupSize, bool narrowRange) {
  Location location = unwrap(loc);
  std::optional<StorageKind> kind = symbolizeStorageKind(static_cast<uint32_t>(storage));
  if (!kind) {
    emitError(location) << "unknown quantx storage kind " << static_cast<int64_t>(storage);
    return MlirAttribute{nullptr};
  }
  std::optional<int64_t> axisOpt, groupOpt;
  if (axis >= 0)
    axisOpt = axis;
  if (groupSize > 0)
    groupOpt = groupSize;
  return wrap(SchemeAttr::getChecked([&] { return emitError(location); },
                                     location.getContext(), *kind, axisOpt, groupOpt,
                                     narrowRange));
}

QuantXStorageKind quantxSchemeAttrGetStorage(MlirAttribute attr) {
  return static_cast<QuantXStorageKind>(unwrapScheme(attr).getStorage());
}

int64_t quantxSchemeAttrGetAxis(MlirAttribute attr) {
  return unwrapScheme(attr).getAxis().value_or(-1);
}

int64_t quantxSchemeAttrGetGroupSize(MlirAttribute attr) {
  return unwrapScheme(attr).getGroupSize().value_or(0);
}

bool quantxSchemeAttrIsNarrowRange(MlirAttribute attr) {
  return unwrapScheme(attr).getNarrowRange();
}

unsigned quantxSchemeAttrGetStorageBits(MlirAttribute attr) {
  return unwrapScheme(attr).getStorageBits();
}

MlirType quantxSchemeAttrGetStorageElementType(MlirAttribute attr) {
  return wrap(unwrapScheme(attr).getStorageElementType());
}

int64_t quantxSchemeAttrGetQuantMin(MlirAttribute attr) {
  SchemeAttr scheme = unwrapScheme(attr);
  return scheme.isInteger() ? scheme.getQuantMin() : 0;
}

int64_t quantxSchemeAttrGetQuantMax(MlirAttribute attr) {
  SchemeAttr scheme = unwrapScheme(attr);
  return scheme.isInteger() ? scheme.getQuantMax() : 0;
}
