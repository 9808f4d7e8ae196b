//===- BindParametersFunction.cpp - run-time parameter binding (AOT) ------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Conversion/Passes.h"

#include "QuantOpt/Params/ParameterGlobals.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXPARAMETERBINDFUNCTION
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {
/// Bytes of a value of LLVM type `t` made of (nested) arrays of scalars.
std::optional<int64_t> byteSize(Type t) {
  if (auto array = dyn_cast<LLVM::LLVMArrayType>(t)) {
    std::optional<int64_t> e = byteSize(array.getElementType());
    return e ? std::optional<int64_t>(*e * int64_t(array.getNumElements())) : std::nullopt;
  }
  if (t.isIntOrFloat())
    return int64_t((t.getIntOrFloatBitWidth() + 7) / 8);
  return std::nullopt;
}

struct ParameterBindFunctionPass
    : quantx::impl::QuantXParameterBindFunctionBase<ParameterBindFunctionPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (mode == ParameterBinding::Symbols)
      return;
    MLIRContext *ctx = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    std::string prefix = getParameterSymbol("");
    struct Param {
      std::string symbol, key;
      int64_t bytes;
    };
    std::vector<Param> params;
    for (auto global : llvm::make_early_inc_range(module.getOps<LLVM::GlobalOp>())) {
      StringRef name = global.getSymName();
      bool declaration = !global.getValueOrNull() && global.getInitializerRegion().empty();
      if (!name.starts_with(prefix) || !declaration)
        continue;
      std::optional<int64_t> bytes = byteSize(global.getGlobalType());
      if (!bytes) {
        global.emitError("a parameter global of an unexpected type");
        return signalPassFailure();
      }
      params.push_back({name.str(), name.drop_front(prefix.size()).str(), *bytes});
      // The same symbol, now an internal pointer set by the bind function.
      OpBuilder b(global);
      auto slot = LLVM::GlobalOp::create(b, global.getLoc(), ptrType, /*isConstant=*/false,
                                         LLVM::Linkage::Internal, name, Attribute());
      Block *init = b.createBlock(&slot.getInitializerRegion());
      b.setInsertionPointToStart(init);
      Value null = LLVM::ZeroOp::create(b, global.getLoc(), ptrType);
      LLVM::ReturnOp::create(b, global.getLoc(), null);
      global.erase();
    }
    // The function is exported even without parameters, so programs can
    // call it whatever the model.
    llvm::StringSet<> slots;
    for (const Param &p : params)
      slots.insert(p.symbol);
    // Every address of a parameter is now the pointer stored in its slot.
    module.walk([&](LLVM::AddressOfOp addr) {
      if (!slots.contains(addr.getGlobalName()))
        return;
      OpBuilder b(addr);
      b.setInsertionPointAfter(addr);
      auto load = LLVM::LoadOp::create(b, addr.getLoc(), ptrType, addr.getResult());
      addr.getResult().replaceAllUsesExcept(load.getResult(), load);
    });

    // int32_t quantx_bind_parameters(lookup, ctx)
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    Location loc = module.getLoc();
    auto i32 = b.getI32Type(), i64 = b.getI64Type();
    auto lookupType = LLVM::LLVMFunctionType::get(ptrType, {ptrType, ptrType, i64});
    auto fn = LLVM::LLVMFuncOp::create(b, loc, "quantx_bind_parameters",
                                       LLVM::LLVMFunctionType::get(i32, {ptrType, ptrType}));
    Block *entry = fn.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    Value lookup = entry->getArgument(0), userCtx = entry->getArgument(1);
    Value missing = LLVM::ConstantOp::create(b, loc, i32, 0);
    Value null = LLVM::ZeroOp::create(b, loc, ptrType);
    for (auto [i, p] : llvm::enumerate(params)) {
      Value key = LLVM::createGlobalString(loc, b, "quantx.param.key." + std::to_string(i),
                                           StringRef(p.key.c_str(), p.key.size() + 1),
                                           LLVM::Linkage::Internal);
      Value bytes = LLVM::ConstantOp::create(b, loc, i64, p.bytes);
      auto call = LLVM::CallOp::create(b, loc, lookupType, ValueRange{lookup, userCtx, key, bytes});
      Value slot = LLVM::AddressOfOp::create(b, loc, ptrType, p.symbol);
      LLVM::StoreOp::create(b, loc, call.getResult(), slot);
      Value isNull = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, call.getResult(), null);
      Value one = LLVM::ZExtOp::create(b, loc, i32, isNull);
      missing = LLVM::AddOp::create(b, loc, missing, one);
    }
    LLVM::ReturnOp::create(b, loc, missing);
  }
};
} // namespace
