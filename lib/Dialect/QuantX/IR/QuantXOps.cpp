//===- QuantXOps.cpp - quantx operations ----------------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <sstream>

using namespace mlir;
using namespace mlir::quantx;

//===----------------------------------------------------------------------===//
// Shared verification of scales and zero points
//===----------------------------------------------------------------------===//

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << '?';
    else
      os << d;
  });
  os << ']';
  return s;
}

/// Shortest readable form of a scale value ("0.5", "inf", "nan").
static std::string formatScale(double d) {
  std::ostringstream os;
  os << d;
  return os.str();
}

/// Shape the scale (and zero point) must have for `scheme` on `shape`.
static SmallVector<int64_t> expectedParamShape(SchemeAttr scheme,
                                               ArrayRef<int64_t> shape) {
  if (scheme.isPerTensor())
    return {};
  int64_t axis = *scheme.getAxis();
  if (scheme.isPerChannel())
    return {shape[axis]};
  SmallVector<int64_t> result(shape);
  if (!ShapedType::isDynamic(shape[axis]))
    result[axis] = shape[axis] / *scheme.getGroupSize();
  return result;
}

static bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (!ShapedType::isDynamic(x) && !ShapedType::isDynamic(y) && x != y)
      return false;
  return true;
}

LogicalResult mlir::quantx::verifyQuantParams(Operation *op, StringRef role,
                                              SchemeAttr scheme,
                                              ArrayRef<int64_t> shape,
                                              Value scale, Value zeroPoint) {
  int64_t rank = shape.size();
  if (std::optional<int64_t> axis = scheme.getAxis()) {
    if (*axis >= rank)
      return op->emitOpError()
             << role << " scheme axis " << *axis
             << " is out of range for a rank-" << rank << " tensor";
    if (std::optional<int64_t> group = scheme.getGroupSize()) {
      int64_t dim = shape[*axis];
      if (!ShapedType::isDynamic(dim) && dim % *group != 0)
        return op->emitOpError()
               << role << " group size " << *group
               << " does not divide dimension " << *axis << " of size " << dim;
    }
  }

  SmallVector<int64_t> expected = expectedParamShape(scheme, shape);
  auto checkShape = [&](Value v, StringRef what) -> LogicalResult {
    auto type = cast<RankedTensorType>(v.getType());
    if (shapesCompatible(type.getShape(), expected))
      return success();
    return op->emitOpError()
           << role << " " << what << " must have shape "
           << shapeString(expected) << " for " << scheme << " on a tensor of shape "
           << shapeString(shape) << ", got " << type;
  };

  // A null scale is the raw-accumulator form of quantx.matmul.
  if (scale && failed(checkShape(scale, "scale")))
    return failure();
  DenseFPElementsAttr scaleValues;
  if (scale && matchPattern(scale, m_Constant(&scaleValues))) {
    // A splat is checked once, whatever its size.
    auto values = scaleValues.getValues<APFloat>();
    int64_t count = scaleValues.isSplat() ? 1 : scaleValues.getNumElements();
    for (int64_t i = 0; i < count; ++i) {
      double d = values[i].convertToDouble();
      if (!(d > 0.0) || !std::isfinite(d))
        return op->emitOpError()
               << role << " scale must be positive and finite, got " << formatScale(d)
               << " at element " << i;
    }
  }

  if (!zeroPoint)
    return success();
  if (!scheme.isInteger())
    return op->emitOpError()
           << role << " zero point is only allowed with integer storage "
           << "(i8, u8, i4, u4), not " << stringifyStorageKind(scheme.getStorage());
  if (failed(checkShape(zeroPoint, "zero point")))
    return failure();
  // Both may be dynamic where the scheme's shape is; they must still agree.
  if (scale && !shapesCompatible(cast<RankedTensorType>(zeroPoint.getType()).getShape(),
                        cast<RankedTensorType>(scale.getType()).getShape()))
    return op->emitOpError() << role << " zero point " << zeroPoint.getType()
                             << " and scale " << scale.getType()
                             << " must have the same shape";
  Type zpElt = cast<RankedTensorType>(zeroPoint.getType()).getElementType();
  if (zpElt != scheme.getStorageElementType())
    return op->emitOpError()
           << role << " zero point element type must be "
           << scheme.getStorageElementType() << " to match "
           << stringifyStorageKind(scheme.getStorage()) << " storage, got "
           << zpElt;
  DenseIntElementsAttr zpValues;
  if (matchPattern(zeroPoint, m_Constant(&zpValues))) {
    auto values = zpValues.getValues<APInt>();
    int64_t count = zpValues.isSplat() ? 1 : zpValues.getNumElements();
    for (int64_t i = 0; i < count; ++i) {
      APInt v = values[i];
      int64_t z = scheme.isUnsigned() ? int64_t(v.getZExtValue()) : v.getSExtValue();
      if (z < scheme.getQuantMin() || z > scheme.getQuantMax())
        return op->emitOpError()
               << role << " zero point " << z << " at element " << i
               << " is outside the range [" << scheme.getQuantMin() << ", "
               << scheme.getQuantMax() << "] of " << scheme;
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// quantize / dequantize / fake_quant
//===----------------------------------------------------------------------===//

/// The static sizes known from either of two compatible shapes.
static SmallVector<int64_t> mergeShapes(ArrayRef<int64_t> a,
                                        ArrayRef<int64_t> b) {
  SmallVector<int64_t> merged(a);
  for (auto [m, y] : llvm::zip(merged, b))
    if (ShapedType::isDynamic(m))
      m = y;
  return merged;
}

/// quantx works on plain dense tensors: an encoding (e.g. sparse) would be
/// dropped by the lowering.
static LogicalResult verifyNoEncodings(Operation *op) {
  for (Type t : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto r = dyn_cast<RankedTensorType>(t); r && r.getEncoding())
      return op->emitOpError() << "does not support tensors with an encoding, got "
                               << t;
  return success();
}

static LogicalResult verifySchemeOp(Operation *op, SchemeAttr scheme,
                                    RankedTensorType floatType,
                                    RankedTensorType storageType,
                                    Value scale, Value zeroPoint) {
  if (failed(verifyNoEncodings(op)))
    return failure();
  if (!shapesCompatible(floatType.getShape(), storageType.getShape()))
    return op->emitOpError() << "input and result shapes differ: "
                             << op->getOperand(0).getType() << " vs "
                             << op->getResult(0).getType();
  Type expected = scheme.getStorageElementType();
  if (storageType.getElementType() != expected)
    return op->emitOpError()
           << "quantized element type must be " << expected << " for "
           << stringifyStorageKind(scheme.getStorage()) << " storage, got "
           << storageType.getElementType();
  return verifyQuantParams(op, "the", scheme,
                           mergeShapes(floatType.getShape(), storageType.getShape()),
                           scale, zeroPoint);
}

LogicalResult QuantizeOp::verify() {
  return verifySchemeOp(*this, getScheme(), getInput().getType(),
                        getResult().getType(), getScale(), getZeroPoint());
}

LogicalResult DequantizeOp::verify() {
  return verifySchemeOp(*this, getScheme(), getResult().getType(),
                        getInput().getType(), getScale(), getZeroPoint());
}

LogicalResult FakeQuantOp::verify() {
  if (failed(verifyNoEncodings(*this)))
    return failure();
  if (getInput().getType() != getResult().getType())
    return emitOpError() << "result type " << getResult().getType()
                         << " must equal the input type "
                         << getInput().getType();
  return verifyQuantParams(*this, "the", getScheme(),
                           getInput().getType().getShape(), getScale(),
                           getZeroPoint());
}

//===----------------------------------------------------------------------===//
// observe
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (failed(verifyNoEncodings(*this)))
    return failure();
  if (getName().empty())
    return emitOpError() << "observer name must not be empty";
  if (std::optional<int64_t> axis = getAxis()) {
    int64_t rank = getInput().getType().getRank();
    if (*axis < 0 || *axis >= rank)
      return emitOpError() << "axis " << *axis
                           << " is out of range for a rank-" << rank
                           << " tensor";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// pack / unpack
//===----------------------------------------------------------------------===//

/// Checks that `bytes` is `nibbles` with the innermost dimension halved.
static LogicalResult verifyPacking(Operation *op, RankedTensorType nibbles,
                                   RankedTensorType bytes) {
  if (failed(verifyNoEncodings(op)))
    return failure();
  if (nibbles.getRank() == 0 || nibbles.getRank() != bytes.getRank())
    return op->emitOpError() << "expected 4-bit and byte tensors of the same "
                                "non-zero rank, got "
                             << nibbles << " and " << bytes;
  ArrayRef<int64_t> n = nibbles.getShape(), b = bytes.getShape();
  if (!shapesCompatible(n.drop_back(), b.drop_back()))
    return op->emitOpError() << "outer dimensions of " << nibbles << " and "
                             << bytes << " differ";
  int64_t inner = n.back();
  if (ShapedType::isDynamic(inner))
    return success();
  if (inner % 2 != 0)
    return op->emitOpError()
           << "innermost dimension " << inner
           << " must be even to hold two 4-bit values per byte";
  if (!ShapedType::isDynamic(b.back()) && b.back() != inner / 2)
    return op->emitOpError() << "innermost dimension of the packed tensor must be "
                             << inner / 2 << ", got " << b.back();
  return success();
}

LogicalResult PackOp::verify() {
  return verifyPacking(*this, getInput().getType(), getResult().getType());
}

LogicalResult UnpackOp::verify() {
  return verifyPacking(*this, getResult().getType(), getInput().getType());
}

OpFoldResult PackOp::fold(FoldAdaptor adaptor) {
  // (A value cannot fold to itself: graph regions allow pack/unpack cycles.)
  if (auto unpack = getInput().getDefiningOp<UnpackOp>())
    if (unpack.getInput().getType() == getType() &&
        unpack.getInput() != getResult())
      return unpack.getInput();
  // Constant codes pack at compile time (weights quantized elsewhere).
  auto codes = dyn_cast_if_present<DenseIntElementsAttr>(adaptor.getInput());
  if (!codes || !getType().hasStaticShape())
    return {};
  if (codes.isSplat()) {
    uint8_t nibble = uint8_t(codes.getSplatValue<APInt>().getZExtValue() & 0xF);
    return DenseElementsAttr::get(getType(), APInt(8, packNibbles({nibble, nibble})[0]));
  }
  SmallVector<uint8_t> codeBytes;
  for (APInt v : codes.getValues<APInt>())
    codeBytes.push_back(uint8_t(v.getZExtValue()));
  // Rows have an even length (verified), so packing the flat codes packs
  // each row.
  std::vector<uint8_t> packed = packNibbles(codeBytes);
  ArrayRef<char> bytes(reinterpret_cast<const char *>(packed.data()), packed.size());
  return DenseElementsAttr::getFromRawBuffer(getType(), bytes);
}

OpFoldResult UnpackOp::fold(FoldAdaptor) {
  if (auto pack = getInput().getDefiningOp<PackOp>())
    if (pack.getInput().getType() == getType() && pack.getInput() != getResult())
      return pack.getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

MatmulOp::Kind MatmulOp::getKind() {
  SchemeAttr lhs = getLhsSchemeAttr();
  if (!lhs)
    return Kind::WeightOnly;
  return lhs.isFloat8() ? Kind::Float8 : Kind::Integer;
}

std::optional<int64_t> MatmulOp::getScaleGroupSize() {
  if (getKind() != Kind::Integer)
    return std::nullopt;
  for (SchemeAttr scheme : {getLhsSchemeAttr(), getRhsScheme()})
    if (scheme.isGrouped() && *scheme.getAxis() == 1)
      return scheme.getGroupSize();
  return std::nullopt;
}

static bool isFloatActivation(Type t) {
  return t.isF32() || t.isF16() || t.isBF16();
}

/// Integer and FP8 matmuls scale after the reduction, so a scale may vary
/// only along the non-reduced dimension (axis 0) or not at all.
static LogicalResult verifyFactorable(Operation *op, StringRef role,
                                      SchemeAttr scheme, bool integer) {
  if (scheme.isPerTensor() || (scheme.isPerChannel() && *scheme.getAxis() == 0))
    return success();
  if (integer && scheme.isGrouped() && *scheme.getAxis() == 1)
    return success();
  return op->emitOpError()
         << role << " scheme " << scheme
         << (integer ? " must be per tensor, per row/channel (axis = 0) or grouped along K "
                       "(axis = 1)"
                     : " must be per tensor or per row/channel (axis = 0)")
         << " in an " << (integer ? "integer" : "FP8")
         << " matmul, because its scales are applied after the reduction"
         << (integer ? "" : "; group-wise weights need float or integer activations");
}

/// Group-scaled integer matmuls: one group size along K, both scales, a
/// float result, no output scheme, no i32 bias.
static LogicalResult verifyScaleGroups(MatmulOp op) {
  std::optional<int64_t> group = op.getScaleGroupSize();
  if (!group)
    return success();
  SchemeAttr lhs = op.getLhsSchemeAttr(), rhs = op.getRhsScheme();
  if (lhs.isGrouped() && rhs.isGrouped() && lhs.getGroupSize() != rhs.getGroupSize())
    return op.emitOpError() << "input and weight groups along K must have the same size, got "
                            << *lhs.getGroupSize() << " and " << *rhs.getGroupSize();
  if (rhs.isSubByte() && *group % 2 != 0)
    return op.emitOpError() << "4-bit weights in a group-scaled integer matmul need an even "
                               "group size, got "
                            << *group;
  if (!op.getLhsScale() || !op.getRhsScale())
    return op.emitOpError() << "a group-scaled integer matmul needs input and weight scales "
                               "(group sums are combined in f32)";
  if (op.getOutSchemeAttr())
    return op.emitOpError() << "a group-scaled integer matmul cannot requantize its output; "
                               "quantize the float result instead";
  Value bias = op.getBias();
  if (bias && cast<ShapedType>(bias.getType()).getElementType().isInteger(32))
    return op.emitOpError() << "a group-scaled integer matmul takes a float bias (an i32 "
                               "bias has no single scale)";
  return success();
}

/// accumulator_type: weight-only, f16/bf16/f32, and the element type of the
/// input and the result.
static LogicalResult verifyAccumulatorType(MatmulOp op) {
  std::optional<Type> accType = op.getAccumulatorType();
  if (!accType)
    return success();
  if (op.getKind() != MatmulOp::Kind::WeightOnly)
    return op.emitOpError() << "accumulator_type applies to weight-only "
                               "matmuls (integer and FP8 sums are exact)";
  if (!accType->isF16() && !accType->isBF16() && !accType->isF32())
    return op.emitOpError() << "accumulator_type must be f16, bf16 or f32, got " << *accType;
  Type lhsElt = cast<ShapedType>(op.getLhs().getType()).getElementType();
  Type resElt = cast<ShapedType>(op.getResult().getType()).getElementType();
  if (lhsElt != *accType || resElt != *accType)
    return op.emitOpError() << "accumulator_type " << *accType
                            << " needs input and result elements of that type, got " << lhsElt
                            << " and " << resElt;
  return success();
}

LogicalResult MatmulOp::verify() {
  // The generic form can give any segment sizes; the accessors below need
  // exactly one input, weight and weight scale.
  const auto &segments = getProperties().operandSegmentSizes;
  if (segments[0] != 1 || segments[1] != 1)
    return emitOpError() << "needs exactly one input and one weight "
                            "(operandSegmentSizes)";
  if (failed(verifyNoEncodings(*this)))
    return failure();
  auto lhsType = cast<RankedTensorType>(getLhs().getType());
  RankedTensorType rhsType = getRhs().getType();
  auto resType = cast<RankedTensorType>(getResult().getType());
  if (lhsType.getRank() != 2 || rhsType.getRank() != 2 || resType.getRank() != 2)
    return emitOpError() << "expects rank-2 input, weight and result, got "
                         << lhsType << ", " << rhsType << " and " << resType;

  SchemeAttr rhsScheme = getRhsScheme();
  Type rhsElt = rhsType.getElementType();
  Type wantRhsElt = rhsScheme.isSubByte()
                        ? Type(IntegerType::get(getContext(), 8))
                        : rhsScheme.getStorageElementType();
  if (rhsElt != wantRhsElt)
    return emitOpError() << "weight element type must be " << wantRhsElt
                         << " for " << stringifyStorageKind(rhsScheme.getStorage())
                         << " storage"
                         << (rhsScheme.isSubByte() ? " (packed two per byte)" : "")
                         << ", got " << rhsElt;

  // Sizes known from any side (input, weight or result).
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
  int64_t n = rhsType.getDimSize(0), kw = rhsType.getDimSize(1);
  if (ShapedType::isDynamic(m))
    m = resType.getDimSize(0);
  if (ShapedType::isDynamic(n))
    n = resType.getDimSize(1);
  if (rhsScheme.isSubByte() && !ShapedType::isDynamic(kw))
    kw *= 2;
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(kw) && k != kw)
    return emitOpError() << "input has K = " << k << " but the weight holds K = "
                         << kw << (rhsScheme.isSubByte() ? " (packed)" : "");
  // Check the scales against whichever K is known statically.
  if (ShapedType::isDynamic(kw))
    kw = k;
  if (!shapesCompatible(resType.getShape(), {m, n}) ||
      !shapesCompatible(lhsType.getShape().take_front(), {m}) ||
      !shapesCompatible(rhsType.getShape().take_front(), {n}))
    return emitOpError() << "result shape must be " << shapeString({m, n})
                         << ", got " << resType;
  if (failed(verifyQuantParams(*this, "weight", rhsScheme, {n, kw},
                               getRhsScale(), getRhsZeroPoint())))
    return failure();

  SchemeAttr lhsScheme = getLhsSchemeAttr();
  SchemeAttr outScheme = getOutSchemeAttr();
  // Integer matmuls without scales return the raw i32 accumulator.
  bool raw = lhsScheme && lhsScheme.isInteger() && !getLhsScale() &&
             !getRhsScale();
  if (!raw && !getRhsScale())
    return emitOpError() << "weight scheme given without a weight scale; "
                            "only an integer matmul with neither input nor "
                            "weight scales (an i32 result) may omit it";
  if (failed(verifyBias(n)))
    return failure();
  if (raw) {
    if (outScheme)
      return emitOpError() << "an output scheme needs input and weight scales";
    if (!resType.getElementType().isInteger(32))
      return emitOpError() << "an integer matmul without scales returns the "
                              "i32 accumulator, got result element type "
                           << resType.getElementType();
  }
  if (!lhsScheme) {
    if (getLhsScale() || getLhsZeroPoint())
      return emitOpError() << "input scale or zero point given without an "
                              "input scheme";
    if (outScheme)
      return emitOpError() << "an output scheme needs a quantized input; "
                              "quantize the float result instead";
    if (!isFloatActivation(lhsType.getElementType()))
      return emitOpError() << "weight-only matmul needs f32, f16 or bf16 input, "
                              "got "
                           << lhsType.getElementType();
  } else {
    if (!getLhsScale() && !raw)
      return emitOpError() << "input scheme given without an input scale";
    if (lhsScheme.isSubByte())
      return emitOpError() << "4-bit activations are not supported; use i8, "
                              "u8 or an FP8 input scheme";
    if (lhsType.getElementType() != lhsScheme.getStorageElementType())
      return emitOpError() << "input element type must be "
                           << lhsScheme.getStorageElementType() << " for "
                           << stringifyStorageKind(lhsScheme.getStorage())
                           << " storage, got " << lhsType.getElementType();
    bool intPair = lhsScheme.isInteger() && rhsScheme.isInteger();
    bool fp8Pair = lhsScheme.isFloat8() && rhsScheme.isFloat8();
    if (!intPair && !fp8Pair)
      return emitOpError()
             << "input storage " << stringifyStorageKind(lhsScheme.getStorage())
             << " cannot be combined with weight storage "
             << stringifyStorageKind(rhsScheme.getStorage())
             << "; integer inputs need integer weights and FP8 inputs FP8 "
                "weights";
    if (failed(verifyFactorable(*this, "input", lhsScheme, intPair)) ||
        failed(verifyFactorable(*this, "weight", rhsScheme, intPair)) ||
        failed(verifyScaleGroups(*this)))
      return failure();
    if (failed(verifyQuantParams(*this, "input", lhsScheme, {m, k},
                                 getLhsScale(), getLhsZeroPoint())))
      return failure();
  }

  if (failed(verifyAccumulatorType(*this)))
    return failure();
  if (!outScheme) {
    if (getOutScale() || getOutZeroPoint())
      return emitOpError() << "output scale or zero point given without an "
                              "output scheme";
    if (raw)
      return success();
    if (!isFloatActivation(resType.getElementType()))
      return emitOpError() << "result element type must be f32, f16 or bf16 "
                              "without an output scheme, got "
                           << resType.getElementType();
    return success();
  }
  if (!getOutScale())
    return emitOpError() << "output scheme given without an output scale";
  if (!outScheme.isPerTensor())
    return emitOpError() << "output scheme " << outScheme
                         << " must be per tensor";
  if (outScheme.isSubByte())
    return emitOpError() << "4-bit outputs are not supported; use i8, u8 or "
                            "an FP8 output scheme";
  if (resType.getElementType() != outScheme.getStorageElementType())
    return emitOpError() << "result element type must be "
                         << outScheme.getStorageElementType() << " for "
                         << stringifyStorageKind(outScheme.getStorage())
                         << " output storage, got " << resType.getElementType();
  return verifyQuantParams(*this, "output", outScheme, {m, n}, getOutScale(),
                           getOutZeroPoint());
}

LogicalResult MatmulOp::verifyBias(int64_t n) {
  Value bias = getBias();
  if (!bias)
    return success();
  auto type = cast<RankedTensorType>(bias.getType());
  if (type.getRank() != 1 || !shapesCompatible(type.getShape(), {n}))
    return emitOpError() << "bias must have shape " << shapeString({n})
                         << " (one value per output channel), got " << type;
  Type elt = type.getElementType();
  if (elt.isInteger(32)) {
    if (getKind() != Kind::Integer)
      return emitOpError() << "an i32 bias is added to the integer "
                              "accumulator and needs an integer matmul; use "
                              "a float bias";
    return success();
  }
  if (!isFloatActivation(elt))
    return emitOpError() << "bias element type must be i32 (integer "
                            "accumulator) or f32, f16 or bf16, got "
                         << elt;
  if (getOutSchemeAttr() ||
      !isFloatActivation(getResult().getType().getElementType()))
    return emitOpError() << "a float bias needs a float result; a "
                            "requantizing or raw integer matmul takes an i32 "
                            "bias";
  return success();
}

#define GET_OP_CLASSES
#include "QuantOpt/Dialect/QuantX/IR/QuantXOps.cpp.inc"
