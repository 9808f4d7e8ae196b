//===- DropInPlaceResults.cpp - arguments updated in place ----------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// After bufferization, a function that returns one of its own arguments
// (a buffer it updated in place) stops returning it; the function records
// which argument holds each dropped result.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXDROPINPLACERESULTS
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// The argument of `func` that `v` is (through memref.cast), if any.
std::optional<unsigned> argumentOf(func::FuncOp func, Value v) {
  while (auto cast = v.getDefiningOp<memref::CastOp>())
    v = cast.getSource();
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg || arg.getOwner() != &func.getBody().front())
    return std::nullopt;
  return arg.getArgNumber();
}

struct DropInPlaceResultsPass
    : quantx::impl::QuantXDropInPlaceResultsBase<DropInPlaceResultsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal() || func.getNumResults() == 0)
        continue;
      SmallVector<func::ReturnOp> returns;
      func.walk([&](func::ReturnOp r) { returns.push_back(r); });
      // Every return must return the same argument for a result.
      SmallVector<int64_t> holder(func.getNumResults(), -1);
      for (unsigned i = 0; i < func.getNumResults(); ++i) {
        std::optional<unsigned> arg = argumentOf(func, returns.front().getOperand(i));
        if (!arg || !isa<BaseMemRefType>(func.getResultTypes()[i]))
          continue;
        if (llvm::all_of(returns, [&](func::ReturnOp r) {
              return argumentOf(func, r.getOperand(i)) == arg;
            }))
          holder[i] = *arg;
      }
      if (llvm::all_of(holder, [](int64_t h) { return h < 0; }))
        continue;
      // Callers use the argument they passed instead of the result.
      std::optional<SymbolTable::UseRange> uses = SymbolTable::getSymbolUses(func, module);
      bool callsOnly = uses && llvm::all_of(*uses, [](const SymbolTable::SymbolUse &u) {
                         return isa<func::CallOp>(u.getUser());
                       });
      if (!callsOnly)
        continue; // taken by address: keep the signature
      llvm::BitVector dropped(func.getNumResults());
      for (unsigned i = 0; i < holder.size(); ++i)
        dropped[i] = holder[i] >= 0;
      for (const SymbolTable::SymbolUse &use : *uses) {
        auto call = cast<func::CallOp>(use.getUser());
        OpBuilder b(call);
        SmallVector<Type> kept;
        for (unsigned i = 0; i < holder.size(); ++i)
          if (!dropped[i])
            kept.push_back(call.getResult(i).getType());
        auto newCall = func::CallOp::create(b, call.getLoc(), call.getCalleeAttr(), kept,
                                            call.getOperands());
        unsigned next = 0;
        for (unsigned i = 0; i < holder.size(); ++i) {
          Value replacement;
          if (dropped[i]) {
            replacement = call.getOperand(holder[i]);
            if (replacement.getType() != call.getResult(i).getType())
              replacement = memref::CastOp::create(b, call.getLoc(),
                                                   call.getResult(i).getType(), replacement);
          } else {
            replacement = newCall.getResult(next++);
          }
          call.getResult(i).replaceAllUsesWith(replacement);
        }
        call.erase();
      }
      for (func::ReturnOp r : returns) {
        SmallVector<Value> kept;
        for (unsigned i = 0; i < holder.size(); ++i)
          if (!dropped[i])
            kept.push_back(r.getOperand(i));
        r->setOperands(kept);
      }
      if (failed(func.eraseResults(dropped)))
        return signalPassFailure();
      func->setAttr(kInPlaceResultsAttr, Builder(func).getI64ArrayAttr(holder));
    }
  }
};

} // namespace
