//===- QuantXNumerics.cpp - scalar numerics of record ---------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The IR builders; HostNumerics.cpp beside it is their C++ twin.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QuantX/Numerics/QuantXNumerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::quantx;

/// `elt` shaped like `like` (a scalar or a vector).
static Type shapedLike(Value like, Type elt) {
  if (auto vt = dyn_cast<VectorType>(like.getType()))
    return vt.clone(elt);
  return elt;
}

static Value intCst(OpBuilder &b, Location loc, Value like, unsigned width,
                    int64_t v) {
  Type t = shapedLike(like, b.getIntegerType(width));
  return arith::ConstantOp::create(b, loc, t,
                                   isa<VectorType>(t)
                                       ? TypedAttr(DenseElementsAttr::get(
                                             cast<ShapedType>(t),
                                             b.getIntegerAttr(
                                                 b.getIntegerType(width), v)))
                                       : TypedAttr(b.getIntegerAttr(t, v)));
}

static Value f32Cst(OpBuilder &b, Location loc, Value like, double v) {
  Type t = shapedLike(like, b.getF32Type());
  return arith::ConstantOp::create(
      b, loc, t,
      isa<VectorType>(t)
          ? TypedAttr(DenseElementsAttr::get(cast<ShapedType>(t),
                                             b.getF32FloatAttr(v)))
          : TypedAttr(b.getF32FloatAttr(v)));
}

Value mlir::quantx::extendToF32(OpBuilder &b, Location loc, Value v) {
  if (getElementTypeOrSelf(v).isF32())
    return v;
  return arith::ExtFOp::create(b, loc, shapedLike(v, b.getF32Type()), v);
}

Value mlir::quantx::truncFromF32(OpBuilder &b, Location loc, Value v,
                                 Type type) {
  if (type.isF32())
    return v;
  return arith::TruncFOp::create(b, loc, shapedLike(v, type), v);
}

Value mlir::quantx::storedIntToI32(OpBuilder &b, Location loc,
                                   SchemeAttr scheme, Value code) {
  Type i32 = shapedLike(code, b.getI32Type());
  if (scheme.isUnsigned() || scheme.getStorage() == StorageKind::nf4)
    return arith::ExtUIOp::create(b, loc, i32, code);
  return arith::ExtSIOp::create(b, loc, i32, code);
}

//===----------------------------------------------------------------------===//
// FP8
//===----------------------------------------------------------------------===//

namespace {
struct Float8Format {
  int mantissaBits;
  int bias;
  double maxFinite;
  bool hasInfinity;
};
} // namespace

static Float8Format getFormat(Type f8) {
  if (isa<Float8E4M3FNType>(f8))
    return {3, 7, 448.0, false};
  assert(isa<Float8E5M2Type>(f8) && "expected f8E4M3FN or f8E5M2");
  return {2, 15, 57344.0, true};
}

Value mlir::quantx::emitFloat8ToF32(OpBuilder &b, Location loc, Value v) {
  Float8Format fmt = getFormat(getElementTypeOrSelf(v));
  int mb = fmt.mantissaBits;
  auto i = [&](int64_t x) { return intCst(b, loc, v, 32, x); };
  Type i8 = shapedLike(v, b.getI8Type());
  Type i32 = shapedLike(v, b.getI32Type());
  Type f32 = shapedLike(v, b.getF32Type());

  Value bits = arith::ExtUIOp::create(
      b, loc, i32, arith::BitcastOp::create(b, loc, i8, v));
  Value sign = arith::ShLIOp::create(
      b, loc, arith::AndIOp::create(b, loc, bits, i(0x80)), i(24));
  Value exp = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, i(mb)),
      i((1 << (7 - mb)) - 1));
  Value man = arith::AndIOp::create(b, loc, bits, i((1 << mb) - 1));

  // Normal numbers: rebias the exponent, widen the mantissa.
  Value normalBits = arith::OrIOp::create(
      b, loc, sign,
      arith::OrIOp::create(
          b, loc,
          arith::ShLIOp::create(
              b, loc, arith::AddIOp::create(b, loc, exp, i(127 - fmt.bias)),
              i(23)),
          arith::ShLIOp::create(b, loc, man, i(23 - mb))));
  Value normal = arith::BitcastOp::create(b, loc, f32, normalBits);

  // Subnormals: man * 2^(1 - bias - mb), with the sign of the code.
  Value sub = arith::MulFOp::create(
      b, loc, arith::UIToFPOp::create(b, loc, f32, man),
      f32Cst(b, loc, v, std::ldexp(1.0, 1 - fmt.bias - mb)));
  sub = math::CopySignOp::create(b, loc, sub, normal);
  Value isSub = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, exp,
                                      i(0));
  Value result = arith::SelectOp::create(b, loc, isSub, sub, normal);

  Value nan = arith::BitcastOp::create(
      b, loc, f32, arith::OrIOp::create(b, loc, sign, i(0x7FC00000)));
  if (!fmt.hasInfinity) {
    // E4M3FN: S.1111.111 is NaN, there are no infinities.
    Value isNan = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq,
        arith::AndIOp::create(b, loc, bits, i(0x7F)), i(0x7F));
    return arith::SelectOp::create(b, loc, isNan, nan, result);
  }
  // E5M2: IEEE-style specials when the exponent is all ones.
  Value inf = arith::BitcastOp::create(
      b, loc, f32, arith::OrIOp::create(b, loc, sign, i(0x7F800000)));
  Value isSpecial =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, exp, i(31));
  Value isInf =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, man, i(0));
  Value special = arith::SelectOp::create(b, loc, isInf, inf, nan);
  return arith::SelectOp::create(b, loc, isSpecial, special, result);
}

Value mlir::quantx::emitF32ToFloat8(OpBuilder &b, Location loc, Value v,
                                    Type f8Type) {
  Float8Format fmt = getFormat(f8Type);
  int mb = fmt.mantissaBits;
  int shift = 23 - mb;
  auto i = [&](int64_t x) { return intCst(b, loc, v, 32, x); };
  Type i32 = shapedLike(v, b.getI32Type());
  Type i8 = shapedLike(v, b.getI8Type());

  Value bits = arith::BitcastOp::create(b, loc, i32, v);
  Value sign = arith::ShLIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, i(31)), i(7));
  // Saturate: |v| beyond the largest finite value (infinity included)
  // becomes that value.
  Value mag = arith::MinimumFOp::create(b, loc, math::AbsFOp::create(b, loc, v),
                                        f32Cst(b, loc, v, fmt.maxFinite));

  // Normal range: round the f32 mantissa to `mb` bits, half to even, on the
  // bit pattern; a carry correctly bumps the exponent.
  Value magBits = arith::BitcastOp::create(b, loc, i32, mag);
  Value lsb = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, magBits, i(shift)), i(1));
  Value rounded = arith::AddIOp::create(
      b, loc, magBits,
      arith::AddIOp::create(b, loc, i((1 << (shift - 1)) - 1), lsb));
  Value normal = arith::SubIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, rounded, i(shift)),
      i((127 - fmt.bias) << mb));

  // Subnormal range: count units of the smallest subnormal; reaching
  // 2^mb lands exactly on the code of the smallest normal number.
  Value scaled = arith::MulFOp::create(
      b, loc, mag, f32Cst(b, loc, v, std::ldexp(1.0, fmt.bias - 1 + mb)));
  Value sub = arith::FPToSIOp::create(b, loc, i32,
                                      math::RoundEvenOp::create(b, loc, scaled));
  Value isSub = arith::CmpFOp::create(
      b, loc, arith::CmpFPredicate::OLT, mag,
      f32Cst(b, loc, v, std::ldexp(1.0, 1 - fmt.bias)));
  Value code = arith::SelectOp::create(b, loc, isSub, sub, normal);

  Value isNan =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  code = arith::SelectOp::create(b, loc, isNan, i(0x7F), code);
  code = arith::OrIOp::create(b, loc, code, sign);
  return arith::BitcastOp::create(
      b, loc, shapedLike(v, f8Type),
      arith::TruncIOp::create(b, loc, i8, code));
}

//===----------------------------------------------------------------------===//
// NF4
//===----------------------------------------------------------------------===//

/// Code-book lookup as a tree of selects on the bits of the code.
static Value emitNF4Decode(OpBuilder &b, Location loc, Value code) {
  Value code32 = arith::ExtUIOp::create(
      b, loc, shapedLike(code, b.getI32Type()), code);
  SmallVector<Value> level;
  for (float c : getNF4CodeBook())
    level.push_back(f32Cst(b, loc, code, c));
  for (int bit = 0; level.size() > 1; ++bit) {
    Value isSet = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne,
        arith::AndIOp::create(b, loc, code32, intCst(b, loc, code, 32, 1 << bit)),
        intCst(b, loc, code, 32, 0));
    SmallVector<Value> next;
    for (size_t j = 0; j < level.size(); j += 2)
      next.push_back(
          arith::SelectOp::create(b, loc, isSet, level[j + 1], level[j]));
    level = std::move(next);
  }
  return level.front();
}

/// Index of the code-book interval holding `v`: the number of f32
/// midpoints strictly below it, so exact midpoints take the lower code.
static Value emitNF4Encode(OpBuilder &b, Location loc, Value v) {
  ArrayRef<float> cb = getNF4CodeBook();
  Type i32 = shapedLike(v, b.getI32Type());
  Value index = intCst(b, loc, v, 32, 0);
  for (size_t j = 0; j + 1 < cb.size(); ++j) {
    float mid = (cb[j] + cb[j + 1]) * 0.5f;
    Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v,
                                        f32Cst(b, loc, v, mid));
    index = arith::AddIOp::create(b, loc, index,
                                  arith::ExtUIOp::create(b, loc, i32, above));
  }
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  index = arith::SelectOp::create(b, loc, isNan, intCst(b, loc, v, 32, 7), index);
  return arith::TruncIOp::create(b, loc, shapedLike(v, b.getIntegerType(4)),
                                 index);
}

//===----------------------------------------------------------------------===//
// Scheme-level encode/decode
//===----------------------------------------------------------------------===//

Value mlir::quantx::emitDecode(OpBuilder &b, Location loc, SchemeAttr scheme,
                               Value code, Value zeroPoint) {
  Type f32 = shapedLike(code, b.getF32Type());
  if (scheme.isFloat8())
    return emitFloat8ToF32(b, loc, code);
  if (scheme.getStorage() == StorageKind::nf4)
    return emitNF4Decode(b, loc, code);
  Value q = storedIntToI32(b, loc, scheme, code);
  if (zeroPoint)
    q = arith::SubIOp::create(b, loc, q, zeroPoint);
  return arith::SIToFPOp::create(b, loc, f32, q);
}

Value mlir::quantx::emitEncode(OpBuilder &b, Location loc, SchemeAttr scheme,
                               Value v, Value zeroPoint) {
  if (scheme.isFloat8())
    return emitF32ToFloat8(b, loc, v, scheme.getStorageElementType());
  if (scheme.getStorage() == StorageKind::nf4)
    return emitNF4Encode(b, loc, v);

  Type f32 = v.getType();
  Value r = math::RoundEvenOp::create(b, loc, v);
  Value zp = zeroPoint ? arith::SIToFPOp::create(b, loc, f32, zeroPoint)
                       : f32Cst(b, loc, v, 0.0);
  // Both terms are integers, so the sum is exact wherever it is not
  // saturated anyway.
  r = arith::AddFOp::create(b, loc, r, zp);
  r = arith::MaximumFOp::create(b, loc, r,
                                f32Cst(b, loc, v, scheme.getQuantMin()));
  r = arith::MinimumFOp::create(b, loc, r,
                                f32Cst(b, loc, v, scheme.getQuantMax()));
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  r = arith::SelectOp::create(b, loc, isNan, zp, r);
  Value q = arith::FPToSIOp::create(b, loc, shapedLike(v, b.getI32Type()), r);
  return arith::TruncIOp::create(
      b, loc, shapedLike(v, scheme.getStorageElementType()), q);
}
