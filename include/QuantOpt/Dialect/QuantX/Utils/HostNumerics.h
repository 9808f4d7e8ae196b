//===- HostNumerics.h - the numerics of record on the host -----*- C++ -*-===//
//
// The quantx numerics computed in C++, for compile-time weight quantization:
// the same operations, in the same order and precision, as the IR that
// QuantXNumerics.h builds, so a weight quantized at compile time is
// bit-identical to one quantized at run time.
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_DIALECT_QUANTX_UTILS_HOSTNUMERICS_H
#define QUANTOPT_DIALECT_QUANTX_UTILS_HOSTNUMERICS_H

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"

#include <cstdint>

namespace mlir::quantx {

/// The stored code of `x` under `scheme` (integer kinds: the code's bits in
/// the low 8 or 4 bits; FP8: the 8-bit pattern; NF4: the index 0..15).
uint8_t hostQuantize(SchemeAttr scheme, float x, float scale, int32_t zeroPoint);

/// The f32 value of a stored code: `(q - zp) * scale`, code book or FP8.
float hostDequantize(SchemeAttr scheme, uint8_t code, float scale,
                     int32_t zeroPoint);

/// FP8 conversions (saturating, round half to even) on bit patterns.
uint8_t hostF32ToFloat8(float x, bool e5m2);
float hostFloat8ToF32(uint8_t code, bool e5m2);

} // namespace mlir::quantx

#endif // QUANTOPT_DIALECT_QUANTX_UTILS_HOSTNUMERICS_H
