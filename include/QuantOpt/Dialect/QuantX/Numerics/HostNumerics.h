//===- HostNumerics.h - the numerics of record on the host -----*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The quantx numerics computed in C++, for compile-time weight quantization:
// the same operations, in the same order and precision, as the IR that
// QuantXNumerics.h builds, so a weight quantized at compile time is
// bit-identical to one quantized at run time (checked exhaustively by
// test/Numerics/numerics-exhaustive.test). Also the one host
// implementation of 4-bit packing: two codes per byte, low nibble first.
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_DIALECT_QUANTX_NUMERICS_HOSTNUMERICS_H
#define QUANTOPT_DIALECT_QUANTX_NUMERICS_HOSTNUMERICS_H

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

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

/// Stores the 4-bit `code` as element `index` of the nibble-packed `bytes`
/// (element 2i in the low nibble of byte i, 2i+1 in the high nibble); the
/// other nibble of the byte is kept.
inline void setNibble(llvm::MutableArrayRef<uint8_t> bytes, int64_t index, uint8_t code) {
  unsigned shift = 4 * unsigned(index % 2);
  uint8_t &byte = bytes[index / 2];
  byte = uint8_t((byte & ~(0xF << shift)) | ((code & 0xF) << shift));
}

/// Element `index` of the nibble-packed `bytes` (see setNibble).
inline uint8_t getNibble(llvm::ArrayRef<uint8_t> bytes, int64_t index) {
  return uint8_t((bytes[index / 2] >> (4 * (index % 2))) & 0xF);
}

/// `codes` (4-bit values in the low bits) packed two per byte, low nibble
/// first; an odd count leaves the last high nibble zero.
std::vector<uint8_t> packNibbles(llvm::ArrayRef<uint8_t> codes);

/// The bytes of a dense or dense_resource constant in its element type's
/// little-endian layout; empty when they cannot be had (splats, i1,
/// resources without data).
llvm::ArrayRef<char> getConstantBytes(ElementsAttr value);

/// The tiled layout of packed 4-bit weights that the CPU kernels read:
/// tiles of kWeightTileRows rows x kWeightTileBytes bytes, row-major,
/// `tiled[t][c][r][j] = W[kWeightTileRows t + r][kWeightTileBytes c + j]`
/// (shape N/4 x B/16 x 4 x 16 for an N x B weight), so that a kernel's tile
/// of 4 rows reads one 64-byte line per 32 codes, in order.
inline constexpr int64_t kWeightTileRows = 4, kWeightTileBytes = 16;

/// The N x B bytes `rows` (N a multiple of kWeightTileRows, B of
/// kWeightTileBytes) in the tiled layout.
std::vector<char> tileWeightBytes(llvm::ArrayRef<char> rows, int64_t n, int64_t b);

} // namespace mlir::quantx

#endif // QUANTOPT_DIALECT_QUANTX_NUMERICS_HOSTNUMERICS_H
