//===- QuantXDialect.cpp - quantx dialect and attributes ------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::quantx;

#include "QuantOpt/Dialect/QuantX/IR/QuantXEnums.cpp.inc"
#include "QuantOpt/Dialect/QuantX/IR/QuantXOpsDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "QuantOpt/Dialect/QuantX/IR/QuantXAttrs.cpp.inc"

void QuantXDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "QuantOpt/Dialect/QuantX/IR/QuantXAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "QuantOpt/Dialect/QuantX/IR/QuantXOps.cpp.inc"
      >();
}

Operation *QuantXDialect::materializeConstant(OpBuilder &builder,
                                              Attribute value, Type type,
                                              Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

ArrayRef<float> mlir::quantx::getNF4CodeBook() {
  // bitsandbytes' NF4 table (QLoRA, Dettmers et al. 2023), as f32 values.
  static const float kCodeBook[16] = {
      -1.0f,
      -0.6961928009986877f,
      -0.5250730514526367f,
      -0.39491748809814453f,
      -0.28444138169288635f,
      -0.18477343022823334f,
      -0.09105003625154495f,
      0.0f,
      0.07958029955625534f,
      0.16093020141124725f,
      0.24611230194568634f,
      0.33791524171829224f,
      0.44070982933044434f,
      0.5626170039176941f,
      0.7229568362236023f,
      1.0f};
  return kCodeBook;
}

//===----------------------------------------------------------------------===//
// SchemeAttr
//===----------------------------------------------------------------------===//

bool SchemeAttr::isInteger() const {
  switch (getStorage()) {
  case StorageKind::i8:
  case StorageKind::u8:
  case StorageKind::i4:
  case StorageKind::u4:
    return true;
  default:
    return false;
  }
}

bool SchemeAttr::isUnsigned() const {
  return getStorage() == StorageKind::u8 || getStorage() == StorageKind::u4;
}

bool SchemeAttr::isFloat8() const {
  return getStorage() == StorageKind::f8E4M3FN ||
         getStorage() == StorageKind::f8E5M2;
}

bool SchemeAttr::isSubByte() const { return getStorageBits() == 4; }

unsigned SchemeAttr::getStorageBits() const {
  switch (getStorage()) {
  case StorageKind::i4:
  case StorageKind::u4:
  case StorageKind::nf4:
    return 4;
  default:
    return 8;
  }
}

Type SchemeAttr::getStorageElementType() const {
  MLIRContext *ctx = getContext();
  switch (getStorage()) {
  case StorageKind::f8E4M3FN:
    return Float8E4M3FNType::get(ctx);
  case StorageKind::f8E5M2:
    return Float8E5M2Type::get(ctx);
  default:
    return IntegerType::get(ctx, getStorageBits());
  }
}

int64_t SchemeAttr::getQuantMin() const {
  int64_t bits = getStorageBits();
  int64_t min = isUnsigned() ? 0 : -(int64_t(1) << (bits - 1));
  return getNarrowRange() ? min + 1 : min;
}

int64_t SchemeAttr::getQuantMax() const {
  int64_t bits = getStorageBits();
  return isUnsigned() ? (int64_t(1) << bits) - 1
                      : (int64_t(1) << (bits - 1)) - 1;
}

LogicalResult
SchemeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                   StorageKind storage, std::optional<int64_t> axis,
                   std::optional<int64_t> groupSize, bool narrowRange) {
  if (axis && *axis < 0)
    return emitError() << "axis must be non-negative, got " << *axis;
  if (groupSize && !axis)
    return emitError() << "a group size needs an axis to group along";
  if (groupSize && *groupSize <= 0)
    return emitError() << "group size must be positive, got " << *groupSize;
  bool isInt = storage == StorageKind::i8 || storage == StorageKind::u8 ||
               storage == StorageKind::i4 || storage == StorageKind::u4;
  if (narrowRange && !isInt)
    return emitError() << "'narrow' applies to integer storage only, not "
                       << stringifyStorageKind(storage);
  return success();
}

Attribute SchemeAttr::parse(AsmParser &parser, Type) {
  MLIRContext *ctx = parser.getContext();
  StringRef keyword;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeyword(&keyword))
    return {};
  std::optional<StorageKind> storage = symbolizeStorageKind(keyword);
  if (!storage) {
    parser.emitError(loc) << "unknown storage kind '" << keyword
                          << "'; expected one of i8, u8, i4, u4, nf4, "
                             "f8E4M3FN, f8E5M2";
    return {};
  }
  std::optional<int64_t> axis, group;
  bool narrow = false;
  llvm::SmallDenseSet<StringRef> seen;
  while (succeeded(parser.parseOptionalComma())) {
    StringRef key;
    SMLoc keyLoc = parser.getCurrentLocation();
    if (parser.parseKeyword(&key))
      return {};
    if (!seen.insert(key).second) {
      parser.emitError(keyLoc) << "duplicate scheme parameter '" << key << "'";
      return {};
    }
    if (key == "narrow") {
      narrow = true;
      continue;
    }
    if (key != "axis" && key != "group") {
      parser.emitError(keyLoc)
          << "unknown scheme parameter '" << key
          << "'; expected 'axis', 'group' or 'narrow'";
      return {};
    }
    int64_t value;
    if (parser.parseEqual())
      return {};
    // parseInteger would also accept `true`/`false` as 1-bit integers.
    SMLoc valueLoc = parser.getCurrentLocation();
    StringRef word;
    if (succeeded(parser.parseOptionalKeyword(&word))) {
      parser.emitError(valueLoc) << "expected an integer for '" << key
                                 << "', got '" << word << "'";
      return {};
    }
    if (parser.parseInteger(value))
      return {};
    (key == "axis" ? axis : group) = value;
  }
  if (parser.parseGreater())
    return {};
  return SchemeAttr::getChecked([&] { return parser.emitError(loc); }, ctx,
                                *storage, axis, group, narrow);
}

void SchemeAttr::print(AsmPrinter &printer) const {
  printer << '<' << stringifyStorageKind(getStorage());
  if (getAxis())
    printer << ", axis = " << *getAxis();
  if (getGroupSize())
    printer << ", group = " << *getGroupSize();
  if (getNarrowRange())
    printer << ", narrow";
  printer << '>';
}
