//===- ParameterGlobals.cpp - parameters named in the IR ------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Params/ParameterGlobals.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::quantx;

bool mlir::quantx::isParameterGlobal(ml_program::GlobalOp global) {
  std::optional<Attribute> value = global.getValue();
  return !global.getIsMutable() && value && isa<ml_program::ExternAttr>(*value);
}

std::string mlir::quantx::getParameterKey(ml_program::GlobalOp global) {
  if (auto key = global->getAttrOfType<StringAttr>(kParameterKeyAttr))
    return key.str();
  return global.getSymName().str();
}

std::string mlir::quantx::getParameterSymbol(StringRef key) {
  return ("quantx.param:" + key).str();
}

ml_program::GlobalOp mlir::quantx::getLoadedParameter(Value v) {
  auto load = v.getDefiningOp<ml_program::GlobalLoadConstOp>();
  if (!load)
    return {};
  auto global = SymbolTable::lookupNearestSymbolFrom<ml_program::GlobalOp>(
      load, load.getGlobalAttr());
  return global && isParameterGlobal(global) ? global : ml_program::GlobalOp();
}

std::optional<params::DType> mlir::quantx::toParamDType(Type t) {
  using params::DType;
  if (t.isF64())
    return DType::F64;
  if (t.isF32())
    return DType::F32;
  if (t.isF16())
    return DType::F16;
  if (t.isBF16())
    return DType::BF16;
  if (isa<Float8E4M3FNType>(t))
    return DType::F8_E4M3;
  if (isa<Float8E5M2Type>(t))
    return DType::F8_E5M2;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool isUnsigned = i.isUnsigned();
    switch (i.getWidth()) {
    case 8:
      return isUnsigned ? DType::U8 : DType::I8;
    case 16:
      return isUnsigned ? std::nullopt : std::optional(DType::I16);
    case 32:
      return isUnsigned ? std::nullopt : std::optional(DType::I32);
    case 64:
      return isUnsigned ? std::nullopt : std::optional(DType::I64);
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

ml_program::GlobalOp mlir::quantx::createParameterGlobal(ModuleOp module, StringRef key,
                                                         RankedTensorType type) {
  // After the module's last global, so globals stay in creation order.
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  for (auto g : module.getOps<ml_program::GlobalOp>())
    b.setInsertionPointAfter(g);
  std::string symbol = key.str();
  SymbolTable table(module);
  for (int i = 1; table.lookup(symbol); ++i)
    symbol = (key + "_" + std::to_string(i)).str();
  auto global = ml_program::GlobalOp::create(
      b, module.getLoc(), b.getStringAttr(symbol), TypeAttr::get(type),
      /*is_mutable=*/nullptr, ml_program::ExternAttr::get(b.getContext(), type),
      b.getStringAttr("private"));
  if (symbol != key)
    global->setAttr(kParameterKeyAttr, b.getStringAttr(key));
  return global;
}
