//===- NibbleUnpacking.h - Recognizing unpacked i8-packed nibbles -*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_TRANSFORMS_NIBBLEUNPACKING_H
#define QUANTOPT_LIB_TRANSFORMS_NIBBLEUNPACKING_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Support/LLVM.h"

namespace mlir::quantx {

/// A linalg.generic that unpacks 4-bit codes stored two per byte in its
/// first (i8) input, low nibble first, into an integer result.
struct NibbleUnpacking {
  /// The nibbles are a size-2 last result dimension (bytes read through the
  /// other dimensions); otherwise the last dimension's parity selects them.
  bool pairs;
  /// The result is the unsigned nibble (else sign-extended).
  bool isUnsigned;
};

/// Matches `op` as a nibble unpacking; `whyNot`, when given, says why not.
FailureOr<NibbleUnpacking> matchNibbleUnpacking(linalg::GenericOp op, StringRef *whyNot = nullptr);

} // namespace mlir::quantx

#endif // QUANTOPT_LIB_TRANSFORMS_NIBBLEUNPACKING_H
