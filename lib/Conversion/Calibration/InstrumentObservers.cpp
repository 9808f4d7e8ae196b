//===- InstrumentObservers.cpp - quantx.observe -> runtime calls ----------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXINSTRUMENTOBSERVERS
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {
struct InstrumentObserversPass
    : quantx::impl::QuantXInstrumentObserversBase<InstrumentObserversPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<ObserveOp> observers;
    module.walk([&](ObserveOp op) { observers.push_back(op); });

    OpBuilder b(ctx);
    auto unranked = UnrankedTensorType::get(b.getF32Type());
    auto fnType = b.getFunctionType({b.getI64Type(), b.getI64Type(), unranked}, {});
    auto callee = module.lookupSymbol<func::FuncOp>(kObserveFunction);
    if (callee && callee.getFunctionType() != fnType) {
      callee.emitError() << "'" << kObserveFunction << "' must have type "
                         << fnType << " to receive observer calls";
      return signalPassFailure();
    }
    if (!callee && !observers.empty()) {
      b.setInsertionPointToEnd(module.getBody());
      callee = func::FuncOp::create(b, module.getLoc(), kObserveFunction, fnType);
      callee.setPrivate();
      callee->setAttr("llvm.emit_c_interface", b.getUnitAttr());
      // Observers only read: tell bufferization so it neither copies the
      // buffer nor treats function arguments as written.
      callee.setArgAttr(2, "bufferization.access", b.getStringAttr("read"));
    }

    SmallVector<Attribute> names;
    for (auto [index, op] : llvm::enumerate(observers)) {
      names.push_back(op.getNameAttr());
      b.setInsertionPoint(op);
      Location loc = op.getLoc();
      Value x = op.getInput();
      auto type = cast<RankedTensorType>(x.getType());
      if (!type.getElementType().isF32())
        x = arith::ExtFOp::create(b, loc, type.clone(b.getF32Type()), x);
      Value cast = tensor::CastOp::create(b, loc, unranked, x);
      Value id = arith::ConstantIntOp::create(b, loc, b.getI64Type(), index);
      Value axis = arith::ConstantIntOp::create(
          b, loc, b.getI64Type(), op.getAxis() ? int64_t(*op.getAxis()) : -1);
      func::CallOp::create(b, loc, callee, ValueRange{id, axis, cast});
      op.replaceAllUsesWith(op.getInput());
      op.erase();
    }
    module->setAttr(kObserversAttr, b.getArrayAttr(names));
  }
};
} // namespace
