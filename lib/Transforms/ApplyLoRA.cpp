//===- ApplyLoRA.cpp - unmerged LoRA adapters over linear layers ----------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Passes.h"

#include "LoRA.h"
#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "QuantOpt/Params/ParameterGlobals.h"
#include "QuantOpt/Transforms/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXAPPLYLORA
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// The linear layer `op` computes, if its weight is a parameter: the input
/// and the weight's parameter key.
std::optional<std::pair<Value, std::string>> linearLayer(Operation *op, bool &quantizedInput) {
  quantizedInput = false;
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    // (4-bit codes stored in the CPU kernels' tiles are read through an unpack.)
    Value codes = mm.getRhs();
    if (auto unpack = codes.getDefiningOp<linalg::UnPackOp>())
      codes = unpack.getSource();
    ml_program::GlobalOp weight = getLoadedParameter(codes);
    if (!weight)
      return std::nullopt;
    quantizedInput = mm.getLhsScheme().has_value();
    return std::make_pair(mm.getLhs(), getParameterKey(weight));
  }
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !isMatmulLike(op))
    return std::nullopt;
  FailureOr<PlainMatmul> plain = matchPlainMatmul(linalgOp);
  if (failed(plain))
    return std::nullopt;
  Value w = plain->rhs->get();
  if (auto dq = w.getDefiningOp<DequantizeOp>())
    w = dq.getInput();
  ml_program::GlobalOp weight = getLoadedParameter(w);
  if (!weight)
    return std::nullopt;
  return std::make_pair(plain->lhs->get(), getParameterKey(weight));
}

struct ApplyLoRAPass : quantx::impl::QuantXApplyLoRABase<ApplyLoRAPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (adapter.empty()) {
      mlir::emitError(module.getLoc()) << "give the adapter directory: adapter=DIR (adapter_config.json "
                            "and adapter_model.safetensors)";
      return signalPassFailure();
    }
    auto opened = LoRAAdapter::open(adapter);
    if (!opened) {
      mlir::emitError(module.getLoc()) << llvm::toString(opened.takeError());
      return signalPassFailure();
    }
    LoRAAdapter &lora = **opened;
    SmallVector<std::tuple<Operation *, Value, const LoRAAdapter::Layer *, std::string>> targets;
    llvm::StringSet<> matched;
    module.walk([&](Operation *op) {
      if (op->hasAttr(kLoRAAttr))
        return;
      bool quantizedInput;
      auto layer = linearLayer(op, quantizedInput);
      if (!layer)
        return;
      const LoRAAdapter::Layer *adapted = lora.find(layer->second);
      if (!adapted)
        return;
      StringRef base = StringRef(layer->second).rsplit('.').first;
      matched.insert(base);
      if (quantizedInput) {
        op->emitRemark() << "LoRA adapter of '" << base
                         << "' not applied: the layer's activation is quantized (integer "
                            "matmul); apply adapters to weight-only or float layers";
        return;
      }
      targets.emplace_back(op, layer->first, adapted, base.str());
    });
    for (const std::string &name : lora.layerNames())
      if (!matched.contains(name)) {
        mlir::emitError(module.getLoc()) << lora.path << ": adapter layer '" << name
                           << "' matches no matmul whose weight is the parameter '" << name
                           << ".weight'";
        return signalPassFailure();
      }
    for (auto &[op, input, layer, base] : targets)
      if (failed(apply(op, input, lora, *layer, base)))
        return signalPassFailure();
  }

  LogicalResult apply(Operation *op, Value x, const LoRAAdapter &lora,
                      const LoRAAdapter::Layer &layer, StringRef base) {
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto yType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!xType || !xType.hasStaticShape() || !yType.hasStaticShape() || xType.getRank() != 2 ||
        !xType.getElementType().isF32() || !yType.getElementType().isF32())
      return op->emitError() << "LoRA adapter of '" << base
                             << "': the layer needs static 2-D f32 input and output";
    int64_t M = xType.getDimSize(0), K = xType.getDimSize(1), N = yType.getDimSize(1);
    if (K != layer.k || N != layer.n)
      return op->emitError() << lora.path << ": adapter of '" << base << "' is " << layer.n
                             << " x " << lora.rank << " (B) by " << lora.rank << " x " << layer.k
                             << " (A), but the layer maps " << K << " to " << N << " features";
    MLIRContext *ctx = op->getContext();
    OpBuilder b(op->getContext());
    b.setInsertionPointAfter(op);
    Location loc = op->getLoc();
    Type f32 = b.getF32Type();
    int64_t r = lora.rank;
    std::vector<float> a = lora.scaledA(layer), bm = lora.matrixB(layer);
    Value aConst = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get({r, K}, f32), ArrayRef<float>(a)));
    Value bConst = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get({N, r}, f32), ArrayRef<float>(bm)));
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    auto maps = b.getAffineMapArrayAttr({AffineMap::get(3, 0, {m, k}, ctx),
                                         AffineMap::get(3, 0, {n, k}, ctx),
                                         AffineMap::get(3, 0, {m, n}, ctx)});
    auto matmul = [&](Value lhs, Value rhs, int64_t cols) {
      Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{M, cols}, f32);
      Value acc = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
      auto mm = linalg::MatmulOp::create(b, loc, TypeRange{acc.getType()}, ValueRange{lhs, rhs},
                                         ValueRange{acc},
                                         ArrayRef<NamedAttribute>{b.getNamedAttr("indexing_maps", maps)});
      mm->setAttr(kLoRAAttr, b.getStringAttr(base));
      return mm.getResult(0);
    };
    Value down = matmul(x, aConst, r);
    Value up = matmul(down, bConst, N);
    Value y = op->getResult(0);
    Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{M, N}, f32);
    auto add = linalg::AddOp::create(b, loc, TypeRange{yType}, ValueRange{y, up}, ValueRange{empty});
    y.replaceAllUsesExcept(add.getResult(0), add);
    ++numAdapted;
    return success();
  }
};

} // namespace
