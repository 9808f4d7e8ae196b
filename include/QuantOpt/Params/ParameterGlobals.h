//===- ParameterGlobals.h - parameters named in the IR ----------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// How a model refers to a tensor of a parameter file: an immutable
// `ml_program.global` whose value is `#ml_program.extern`, read with
// `ml_program.global_load_const`:
//
//   ml_program.global private @"model.layers.0.mlp.down_proj.weight"(
//       #ml_program.extern : tensor<4096x11008xbf16>) : tensor<4096x11008xbf16>
//   %w = ml_program.global_load_const @"model.layers.0.mlp.down_proj.weight"
//          : tensor<4096x11008xbf16>
//
// The tensor's name in the file (its key) is the global's symbol name, or
// its `quantx.parameter` string attribute when the two differ.
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_PARAMS_PARAMETERGLOBALS_H
#define QUANTOPT_PARAMS_PARAMETERGLOBALS_H

#include "QuantOpt/Params/Safetensors.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>

namespace mlir::quantx {

/// Attribute naming a parameter global's tensor when it is not the symbol.
inline constexpr llvm::StringLiteral kParameterKeyAttr = "quantx.parameter";
/// Module attribute: the parameter file a model's parameters come from by
/// default (tools' --params options override it).
inline constexpr llvm::StringLiteral kParameterFileAttr = "quantx.parameters";

/// True for an immutable global with an `#ml_program.extern` value.
bool isParameterGlobal(ml_program::GlobalOp global);
/// The tensor name of a parameter global.
std::string getParameterKey(ml_program::GlobalOp global);
/// The link-time symbol a parameter is bound to after lowering.
std::string getParameterSymbol(llvm::StringRef key);

/// The parameter global read by `v` (a global_load_const of one), if any.
ml_program::GlobalOp getLoadedParameter(Value v);

/// The file dtype of a tensor element type; nullopt for types parameter
/// files cannot hold.
std::optional<params::DType> toParamDType(Type elementType);

/// Adds (after `module`'s last global) a private parameter global for `key` of
/// `type` and returns it; the symbol is `key`, uniqued if taken (the key
/// then goes in the `quantx.parameter` attribute).
ml_program::GlobalOp createParameterGlobal(ModuleOp module, llvm::StringRef key,
                                           RankedTensorType type);

} // namespace mlir::quantx

#endif // QUANTOPT_PARAMS_PARAMETERGLOBALS_H
