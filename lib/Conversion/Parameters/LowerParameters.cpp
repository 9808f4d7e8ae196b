//===- LowerParameters.cpp - parameter globals -> memref globals ----------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Conversion/Passes.h"

#include "QuantOpt/Params/ParameterGlobals.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXLOWERPARAMETERS
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {
struct LowerParametersPass
    : quantx::impl::QuantXLowerParametersBase<LowerParametersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Old symbol -> new memref.global.
    llvm::StringMap<memref::GlobalOp> lowered;
    bool failedAny = false;
    for (auto global : llvm::make_early_inc_range(module.getOps<ml_program::GlobalOp>())) {
      if (global.getIsMutable())
        continue;
      auto tensorType = dyn_cast<RankedTensorType>(global.getType());
      std::optional<Attribute> value = global.getValue();
      if (!tensorType || !tensorType.hasStaticShape() || !value) {
        global.emitError("a parameter global needs a statically shaped tensor "
                         "type and a value");
        failedAny = true;
        continue;
      }
      auto memrefType = MemRefType::get(tensorType.getShape(), tensorType.getElementType());
      OpBuilder b(global);
      memref::GlobalOp replacement;
      if (isParameterGlobal(global)) {
        replacement = memref::GlobalOp::create(
            b, global.getLoc(), getParameterSymbol(getParameterKey(global)),
            /*sym_visibility=*/StringAttr(), memrefType, /*initial_value=*/Attribute(),
            /*constant=*/true, /*alignment=*/IntegerAttr());
      } else if (auto elements = dyn_cast<ElementsAttr>(*value)) {
        replacement = memref::GlobalOp::create(
            b, global.getLoc(), global.getSymName(), b.getStringAttr("private"),
            memrefType, elements, /*constant=*/true, /*alignment=*/IntegerAttr());
      } else {
        global.emitError("cannot lower a global whose value is ") << *value;
        failedAny = true;
        continue;
      }
      lowered[global.getSymName()] = replacement;
      global.erase();
    }
    module.walk([&](ml_program::GlobalLoadConstOp load) {
      auto it = lowered.find(load.getGlobalAttr().getLeafReference());
      if (it == lowered.end()) {
        load.emitError("loads a global that is not an immutable tensor global");
        failedAny = true;
        return;
      }
      memref::GlobalOp global = it->second;
      OpBuilder b(load);
      Value buffer = memref::GetGlobalOp::create(b, load.getLoc(), global.getType(),
                                                 global.getSymName());
      Value tensor = bufferization::ToTensorOp::create(
          b, load.getLoc(), load.getType(), buffer, /*restrict=*/b.getUnitAttr());
      load.replaceAllUsesWith(tensor);
      load.erase();
    });
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
