//===- Npy.h - NumPy .npy arrays --------------------------------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Reading and writing NumPy's .npy format (version 1.0-3.0, C order, little
// endian), the exchange format of quant-run and quant-calibrate.
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_RUNNER_NPY_H
#define QUANTOPT_RUNNER_NPY_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::quantx {

/// Element kinds an array can hold.
/// BF16 is stored as 2-byte void elements (descr '<V2'), the convention of
/// ml_dtypes' bfloat16 arrays saved with numpy.
enum class NpyDType { F32, F64, F16, BF16, I8, U8, I16, I32, I64 };

/// True for the floating-point kinds.
bool isFloatDType(NpyDType dtype);

/// The .npy descriptor (e.g. "<f4") of `dtype`.
llvm::StringRef npyDescr(NpyDType dtype);
/// Size in bytes of one element.
unsigned npyElementSize(NpyDType dtype);

/// A dense array in C order.
struct NpyArray {
  NpyDType dtype = NpyDType::F32;
  llvm::SmallVector<int64_t> shape;
  std::vector<uint8_t> data;

  int64_t numElements() const;
  /// Element `i` converted to double.
  double getAsDouble(int64_t i) const;
  /// This float array converted to the float kind `dtype`, rounding to
  /// nearest even (overflow becomes infinity, as numpy's astype does).
  NpyArray convertFloat(NpyDType dtype) const;
};

/// Reads a .npy file; fails with a message naming the file and the problem.
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);
/// Parses .npy bytes (`name` is used in messages).
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes, llvm::StringRef name);
/// Writes `array` as a version 1.0 .npy file.
llvm::Error writeNpy(llvm::StringRef path, const NpyArray &array);

} // namespace mlir::quantx

#endif // QUANTOPT_RUNNER_NPY_H
