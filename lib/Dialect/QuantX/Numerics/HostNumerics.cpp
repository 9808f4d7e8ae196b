//===- HostNumerics.cpp - the numerics of record on the host --------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The C++ twin of QuantXNumerics.cpp (the IR builders beside it): the same
// operations in the same order and precision.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::quantx;

static uint32_t bitsOf(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

static float floatOf(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

uint8_t mlir::quantx::hostF32ToFloat8(float x, bool e5m2) {
  int mb = e5m2 ? 2 : 3, bias = e5m2 ? 15 : 7, shift = 23 - mb;
  float maxFinite = e5m2 ? 57344.0f : 448.0f;
  uint32_t sign = (bitsOf(x) >> 31) << 7;
  if (std::isnan(x))
    return uint8_t(0x7F | sign);
  float mag = std::min(std::fabs(x), maxFinite);
  uint32_t code;
  if (mag < std::ldexp(1.0f, 1 - bias)) {
    code = uint32_t(std::nearbyint(mag * std::ldexp(1.0f, bias - 1 + mb)));
  } else {
    uint32_t b = bitsOf(mag);
    uint32_t rounded = b + ((1u << (shift - 1)) - 1) + ((b >> shift) & 1);
    code = (rounded >> shift) - (uint32_t(127 - bias) << mb);
  }
  return uint8_t(code | sign);
}

float mlir::quantx::hostFloat8ToF32(uint8_t code, bool e5m2) {
  int mb = e5m2 ? 2 : 3, bias = e5m2 ? 15 : 7;
  uint32_t sign = uint32_t(code & 0x80) << 24;
  uint32_t exp = (code >> mb) & ((1u << (7 - mb)) - 1);
  uint32_t man = code & ((1u << mb) - 1);
  if (!e5m2 && (code & 0x7F) == 0x7F)
    return floatOf(sign | 0x7FC00000);
  if (e5m2 && exp == 31)
    return floatOf(sign | (man ? 0x7FC00000 : 0x7F800000));
  if (exp == 0) {
    float v = float(man) * std::ldexp(1.0f, 1 - bias - mb);
    return sign ? -v : v;
  }
  return floatOf(sign | ((exp + 127 - bias) << 23) | (man << (23 - mb)));
}

uint8_t mlir::quantx::hostQuantize(SchemeAttr scheme, float x, float scale,
                                   int32_t zeroPoint) {
  float v = x / scale;
  switch (scheme.getStorage()) {
  case StorageKind::f8E4M3FN:
    return hostF32ToFloat8(v, /*e5m2=*/false);
  case StorageKind::f8E5M2:
    return hostF32ToFloat8(v, /*e5m2=*/true);
  case StorageKind::nf4: {
    if (std::isnan(v))
      return 7;
    ArrayRef<float> cb = getNF4CodeBook();
    uint8_t index = 0;
    for (size_t j = 0; j + 1 < cb.size(); ++j)
      index += v > (cb[j] + cb[j + 1]) * 0.5f;
    return index;
  }
  default: {
    float zp = float(zeroPoint);
    float r = std::isnan(v) ? zp
                            : std::clamp(std::nearbyint(v) + zp,
                                         float(scheme.getQuantMin()),
                                         float(scheme.getQuantMax()));
    int32_t q = int32_t(r);
    return uint8_t(q & (scheme.getStorageBits() == 4 ? 0xF : 0xFF));
  }
  }
}

float mlir::quantx::hostDequantize(SchemeAttr scheme, uint8_t code, float scale,
                                   int32_t zeroPoint) {
  switch (scheme.getStorage()) {
  case StorageKind::f8E4M3FN:
    return hostFloat8ToF32(code, false) * scale;
  case StorageKind::f8E5M2:
    return hostFloat8ToF32(code, true) * scale;
  case StorageKind::nf4:
    return getNF4CodeBook()[code & 0xF] * scale;
  default: {
    int32_t q = code;
    unsigned bits = scheme.getStorageBits();
    if (!scheme.isUnsigned() && (q & (1 << (bits - 1))))
      q -= 1 << bits;
    return float(q - zeroPoint) * scale;
  }
  }
}

ArrayRef<char> mlir::quantx::getConstantBytes(ElementsAttr value) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (dense.isSplat() || dense.getElementType().getIntOrFloatBitWidth() % 8 != 0)
      return {};
    return dense.getRawData();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  return {};
}

std::vector<char> mlir::quantx::tileWeightBytes(ArrayRef<char> rows, int64_t n, int64_t b) {
  assert(int64_t(rows.size()) == n * b && n % kWeightTileRows == 0 &&
         b % kWeightTileBytes == 0 && "not a tileable weight");
  std::vector<char> out(rows.size());
  int64_t chunks = b / kWeightTileBytes;
  for (int64_t row = 0; row < n; ++row)
    for (int64_t c = 0; c < chunks; ++c)
      std::memcpy(&out[((row / kWeightTileRows * chunks + c) * kWeightTileRows +
                        row % kWeightTileRows) *
                       kWeightTileBytes],
                  &rows[row * b + c * kWeightTileBytes], kWeightTileBytes);
  return out;
}

std::vector<uint8_t> mlir::quantx::packNibbles(ArrayRef<uint8_t> codes) {
  std::vector<uint8_t> bytes((codes.size() + 1) / 2, 0);
  for (auto [i, code] : llvm::enumerate(codes))
    setNibble(bytes, int64_t(i), code);
  return bytes;
}
