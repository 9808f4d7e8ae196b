//===- QuantX.h - quantx dialect ------------------------------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#ifndef QUANTOPT_DIALECT_QUANTX_IR_QUANTX_H
#define QUANTOPT_DIALECT_QUANTX_IR_QUANTX_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "QuantOpt/Dialect/QuantX/IR/QuantXOpsDialect.h.inc"
#include "QuantOpt/Dialect/QuantX/IR/QuantXEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "QuantOpt/Dialect/QuantX/IR/QuantXAttrs.h.inc"

#define GET_OP_CLASSES
#include "QuantOpt/Dialect/QuantX/IR/QuantXOps.h.inc"

namespace mlir::quantx {

/// The 16 values of the NF4 code book (bitsandbytes' normal-float table),
/// in increasing order; code 7 is exactly zero.
llvm::ArrayRef<float> getNF4CodeBook();

/// Checks that `scale` (and `zeroPoint`, if any) have the shape and element
/// types that `scheme` requires for quantizing a tensor of `shape`, and that
/// constant scales are positive and finite and constant zero points lie in
/// the storage range. `role` names the operand group in diagnostics (e.g.
/// "weight"). Emits an error at `op` and fails otherwise.
LogicalResult verifyQuantParams(Operation *op, llvm::StringRef role,
                                SchemeAttr scheme, llvm::ArrayRef<int64_t> shape,
                                Value scale, Value zeroPoint);

} // namespace mlir::quantx

#endif // QUANTOPT_DIALECT_QUANTX_IR_QUANTX_H
