//===- QuantXNumerics.h - scalar numerics of record ------------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Builders for the scalar arithmetic every quantx lowering shares: rounding,
// saturation, FP8 encoding/decoding at the bit level, the NF4 code book.
// The reference lowering and the optimized code generators both call these,
// so the numbers cannot drift apart. All functions work on scalars and on
// vectors of the same element types.
//
// HostNumerics.h, beside it, computes the same operations in C++ for
// compile-time quantization; test/Numerics/numerics-exhaustive.test checks
// the two bit for bit on every FP8 code, around every NF4 decision
// boundary and on integer ties and saturation.
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_DIALECT_QUANTX_NUMERICS_QUANTXNUMERICS_H
#define QUANTOPT_DIALECT_QUANTX_NUMERICS_QUANTXNUMERICS_H

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "mlir/IR/Builders.h"

namespace mlir::quantx {

/// Extends an f16/bf16/f32 value to f32 (exact).
Value extendToF32(OpBuilder &b, Location loc, Value v);

/// Rounds an f32 value to `type` (f32, f16 or bf16), to nearest even.
Value truncFromF32(OpBuilder &b, Location loc, Value v, Type type);

/// The i32 value of a stored integer code or zero point: sign-extended for
/// signed kinds, zero-extended for unsigned ones.
Value storedIntToI32(OpBuilder &b, Location loc, SchemeAttr scheme, Value code);

/// Decodes a stored code to f32 *before* scaling: `q - zeroPoint` for
/// integer kinds (`zeroPoint` is an i32 or null), the code-book value for
/// NF4, the exact value for FP8.
Value emitDecode(OpBuilder &b, Location loc, SchemeAttr scheme, Value code,
                 Value zeroPoint);

/// Encodes an already scaled f32 value `v` (that is, `x / scale`) as a
/// stored code: round half to even, add `zeroPoint` (an i32 or null) and
/// saturate for integer kinds; nearest code-book entry for NF4; saturating
/// round-to-nearest-even FP8 conversion.
Value emitEncode(OpBuilder &b, Location loc, SchemeAttr scheme, Value v,
                 Value zeroPoint);

/// Decodes an f8E4M3FN or f8E5M2 value to f32 exactly.
Value emitFloat8ToF32(OpBuilder &b, Location loc, Value v);

/// Converts an f32 value to `f8Type` (f8E4M3FN or f8E5M2) with round half to
/// even and saturation to the largest finite value; NaN stays NaN.
Value emitF32ToFloat8(OpBuilder &b, Location loc, Value v, Type f8Type);

} // namespace mlir::quantx

#endif // QUANTOPT_DIALECT_QUANTX_NUMERICS_QUANTXNUMERICS_H
