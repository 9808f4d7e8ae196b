//===- QDQToFakeQuant.cpp - dequantize(quantize(x)) -> fake_quant(x) ------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXQDQTOFAKEQUANT
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// Same value, or constants with equal contents.
bool sameParam(Value a, Value b) {
  if (a == b)
    return true;
  if (!a || !b)
    return false;
  Attribute ca, cb;
  return matchPattern(a, m_Constant(&ca)) && matchPattern(b, m_Constant(&cb)) &&
         ca == cb;
}

struct QDQToFakeQuant : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DequantizeOp dq,
                                PatternRewriter &rewriter) const override {
    auto q = dq.getInput().getDefiningOp<QuantizeOp>();
    if (!q)
      return rewriter.notifyMatchFailure(dq, "input is not a quantize");
    if (q.getScheme() != dq.getScheme() ||
        !sameParam(q.getScale(), dq.getScale()) ||
        !sameParam(q.getZeroPoint(), dq.getZeroPoint()))
      return rewriter.notifyMatchFailure(dq, "different quantization parameters");
    if (q.getInput().getType() != dq.getType())
      return rewriter.notifyMatchFailure(dq, "float types differ");
    rewriter.replaceOpWithNewOp<FakeQuantOp>(dq, dq.getType(), q.getInput(),
                                             q.getScale(), q.getZeroPoint(),
                                             q.getScheme());
    return success();
  }
};

struct QDQToFakeQuantPass
    : quantx::impl::QuantXQDQToFakeQuantBase<QDQToFakeQuantPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateQDQToFakeQuantPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace

void mlir::quantx::populateQDQToFakeQuantPatterns(RewritePatternSet &patterns) {
  patterns.add<QDQToFakeQuant>(patterns.getContext());
}
