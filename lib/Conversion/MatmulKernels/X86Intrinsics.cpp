//===- X86Intrinsics.cpp - x86 intrinsics for the CPU kernels -------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Rewrites two vector idioms of the CPU kernels into x86 intrinsics after
// bufferization: NF4 table lookups (vector.gather of a constant 16-entry
// table) into vpermps, and 16-bit pair products into vpmaddwd.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXX86INTRINSICS
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// vector.gather from a constant 16-entry f32 global at offset 0 with an
/// all-true mask -> x86 `vpermps`: one 16-entry permute with AVX-512F
/// (16 lanes), two 8-entry permutes and a select with AVX2 (8 lanes). Run
/// after bufferization and deallocation (the intrinsic calls have no
/// declared memory effects).
struct GatherToX86Permute : OpRewritePattern<vector::GatherOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<VectorType>(op.getResult().getType());
    if (!resultType || resultType.getRank() != 1 || !resultType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not a 1-D f32 gather");
    int64_t lanes = resultType.getNumElements();
    if (lanes != 8 && lanes != 16)
      return rewriter.notifyMatchFailure(op, "not 8 or 16 lanes");
    auto get = op.getBase().getDefiningOp<memref::GetGlobalOp>();
    if (!get || op.getOffsets().size() != 1 || !matchPattern(op.getOffsets()[0], m_Zero()) ||
        !matchPattern(op.getMask(), m_One()))
      return rewriter.notifyMatchFailure(op, "not an unmasked table lookup");
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(op, get.getNameAttr());
    auto init = global ? dyn_cast_or_null<DenseFPElementsAttr>(global.getConstantInitValue())
                       : DenseFPElementsAttr();
    if (!global || !global.getConstant() || !init || init.getNumElements() != 16)
      return rewriter.notifyMatchFailure(op, "table is not a constant of 16 entries");
    auto idxType = dyn_cast<VectorType>(op.getIndices().getType());
    if (!idxType || !idxType.getElementType().isInteger(32))
      return rewriter.notifyMatchFailure(op, "indices are not i32");
    SmallVector<float> table;
    for (APFloat v : init.getValues<APFloat>())
      table.push_back(v.convertToFloat());
    Location loc = op.getLoc();
    auto tableVector = [&](int64_t first) -> Value {
      return arith::ConstantOp::create(
          rewriter, loc, resultType,
          DenseElementsAttr::get(resultType, ArrayRef(table).slice(first, lanes)));
    };
    auto permute = [&](Value tbl) -> Value {
      StringRef name = lanes == 16 ? "llvm.x86.avx512.permvar.sf.512" : "llvm.x86.avx2.permps";
      return LLVM::CallIntrinsicOp::create(rewriter, loc, resultType,
                                           rewriter.getStringAttr(name),
                                           ValueRange{tbl, op.getIndices()})
          .getResult(0);
    };
    // Indices outside [0, 16) would read outside the table: undefined for
    // the gather as well, so any result is allowed; the permutes wrap.
    if (lanes == 16) {
      rewriter.replaceOp(op, permute(tableVector(0)));
      return success();
    }
    Value seven = arith::ConstantOp::create(
        rewriter, loc, idxType, DenseElementsAttr::get(idxType, rewriter.getI32IntegerAttr(7)));
    Value upper = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt,
                                        op.getIndices(), seven);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, upper, permute(tableVector(8)),
                                                 permute(tableVector(0)));
    return success();
  }
};

/// The integer kernels' pair products,
///   addi(muli(extsi(even(a)), extsi(even(b))), muli(extsi(odd(a)), extsi(odd(b))))
/// with a, b vector<16xi16> (or <32xi16>) and even/odd the shuffles of
/// their even and odd lanes -> x86 `vpmaddwd` (AVX2 / AVX-512BW). LLVM
/// selects the instruction from this shape itself, but its IR optimizations
/// (as the JIT runs them) may reshape it first; the intrinsic pins it.
struct PairProductsToX86MaddWd : OpRewritePattern<arith::AddIOp> {
  using OpRewritePattern::OpRewritePattern;

  /// Matches extsi(shuffle(x, x, mask)) with mask the even (odd = false) or
  /// odd lanes of a vector<2n x i16>; returns x.
  static Value matchHalf(Value v, bool odd) {
    auto ext = v.getDefiningOp<arith::ExtSIOp>();
    auto shuffle = ext ? ext.getIn().getDefiningOp<vector::ShuffleOp>() : nullptr;
    if (!shuffle || shuffle.getV1() != shuffle.getV2())
      return Value();
    auto srcType = dyn_cast<VectorType>(shuffle.getV1().getType());
    if (!srcType || !srcType.getElementType().isInteger(16))
      return Value();
    ArrayRef<int64_t> mask = shuffle.getMask();
    if (int64_t(mask.size()) * 2 != srcType.getNumElements())
      return Value();
    for (auto [i, m] : llvm::enumerate(mask))
      if (m != int64_t(2 * i + (odd ? 1 : 0)))
        return Value();
    return shuffle.getV1();
  }

  LogicalResult matchAndRewrite(arith::AddIOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<VectorType>(op.getType());
    if (!type || type.getRank() != 1 || !type.getElementType().isInteger(32) ||
        (type.getNumElements() != 8 && type.getNumElements() != 16))
      return rewriter.notifyMatchFailure(op, "not an i32 vector of 8 or 16");
    auto evenMul = op.getLhs().getDefiningOp<arith::MulIOp>();
    auto oddMul = op.getRhs().getDefiningOp<arith::MulIOp>();
    if (!evenMul || !oddMul)
      return rewriter.notifyMatchFailure(op, "not a sum of two products");
    Value a = matchHalf(evenMul.getLhs(), false), b = matchHalf(evenMul.getRhs(), false);
    Value a2 = matchHalf(oddMul.getLhs(), true), b2 = matchHalf(oddMul.getRhs(), true);
    if (!a || !b || a != a2 || b != b2)
      return rewriter.notifyMatchFailure(op, "not even/odd pair products");
    StringRef name = type.getNumElements() == 8 ? "llvm.x86.avx2.pmadd.wd"
                                                : "llvm.x86.avx512.pmaddw.d.512";
    rewriter.replaceOp(op, LLVM::CallIntrinsicOp::create(rewriter, op.getLoc(), type,
                                                         rewriter.getStringAttr(name),
                                                         ValueRange{a, b})
                               .getResult(0));
    return success();
  }
};


struct QuantXX86IntrinsicsPass
    : quantx::impl::QuantXX86IntrinsicsBase<QuantXX86IntrinsicsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (tableLookups)
      populateX86TableLookupPatterns(patterns);
    if (pairProducts)
      populateX86PairProductPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::quantx::populateX86TableLookupPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherToX86Permute>(patterns.getContext());
}

void mlir::quantx::populateX86PairProductPatterns(RewritePatternSet &patterns) {
  patterns.add<PairProductsToX86MaddWd>(patterns.getContext());
}
