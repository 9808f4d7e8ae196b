//===- X86Intrinsics.cpp - x86 intrinsics for the CPU kernels -------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Rewrites two vector idioms of the CPU kernels into x86 intrinsics after
// bufferization: NF4 table lookups (vector.gather of a constant 16-entry
// table) into vpermps, 16-bit pair products into vpmaddwd and four-byte
// dot products into vpdpbusd.
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

/// A 1-D vector of 8 (AVX2) or 16 (AVX-512) i32: what the integer intrinsics
/// produce.
bool isX86I32Vector(VectorType type) {
  return type && type.getRank() == 1 && type.getElementType().isInteger(32) &&
         (type.getNumElements() == 8 || type.getNumElements() == 16);
}

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
      // vpermps reads only the low 4 bits of each index: a mask of them
      // (`andi x, 15`) is not needed.
      Value indices = op.getIndices();
      if (auto mask = indices.getDefiningOp<arith::AndIOp>()) {
        APInt low;
        if (matchPattern(mask.getRhs(), m_ConstantInt(&low)) && low == 15)
          indices = mask.getLhs();
      }
      rewriter.replaceOp(op, LLVM::CallIntrinsicOp::create(
                                 rewriter, loc, resultType,
                                 rewriter.getStringAttr("llvm.x86.avx512.permvar.sf.512"),
                                 ValueRange{tableVector(0), indices})
                                 .getResult(0));
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
    if (!isX86I32Vector(type))
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

/// The byte dot of buildX86ByteDot,
///   addi(acc, addi(addi(p0, p1), addi(p2, p3)))
/// with p_i = shuffle(p, p, [i, 4 + i, 8 + i, ...]) and
/// p = muli(extui(u), extsi(s)), u and s vector<4L x i8> -> x86 `vpdpbusd`
/// (L = 8 or 16; the non-saturating form, wrapping like addi); also the
/// bare four-phase sum (acc = 0).
struct ByteDotToX86Vpdpbusd : OpRewritePattern<arith::AddIOp> {
  ByteDotToX86Vpdpbusd(MLIRContext *ctx, X86ByteDotLanes lanes)
      : OpRewritePattern(ctx), lanes(lanes) {}
  X86ByteDotLanes lanes;

  /// Whether the bytes of `u` (read unsigned) are all below 128: a mask by
  /// a constant below 128 or a logical shift right by at least one.
  static bool isBelow128(Value u) {
    APInt c;
    if (auto andOp = u.getDefiningOp<arith::AndIOp>())
      return (matchPattern(andOp.getRhs(), m_ConstantInt(&c)) ||
              matchPattern(andOp.getLhs(), m_ConstantInt(&c))) &&
             c.getZExtValue() < 128;
    if (auto shr = u.getDefiningOp<arith::ShRUIOp>())
      return matchPattern(shr.getRhs(), m_ConstantInt(&c)) && c.getZExtValue() >= 1;
    return false;
  }

  /// acc + pmaddwd(pmaddubsw(u, s), 1): the pair sums of u * s fit i16
  /// when u < 128, so the saturating vpmaddubsw is exact.
  static Value buildNibbleDot(PatternRewriter &rewriter, Location loc, VectorType type, Value acc,
                              Value u, Value s) {
    bool narrow = type.getNumElements() == 8;
    auto call = [&](Type t, StringRef name8, StringRef name16, ValueRange args) -> Value {
      return LLVM::CallIntrinsicOp::create(rewriter, loc, t,
                                           rewriter.getStringAttr(narrow ? name8 : name16), args)
          .getResult(0);
    };
    auto pairs = VectorType::get({2 * type.getNumElements()}, rewriter.getI16Type());
    Value p = call(pairs, "llvm.x86.avx2.pmadd.ub.sw", "llvm.x86.avx512.pmaddubs.w.512", {u, s});
    Value ones = arith::ConstantOp::create(rewriter, loc, pairs,
                                           DenseElementsAttr::get(pairs, rewriter.getI16IntegerAttr(1)));
    Value q = call(type, "llvm.x86.avx2.pmadd.wd", "llvm.x86.avx512.pmaddw.d.512", {p, ones});
    return arith::AddIOp::create(rewriter, loc, acc, q);
  }

  /// The product that `v` takes phase `phase` of, if it does.
  static Value matchPhase(Value v, int64_t phase) {
    auto shuffle = v.getDefiningOp<vector::ShuffleOp>();
    if (!shuffle || shuffle.getV1() != shuffle.getV2())
      return Value();
    for (auto [i, m] : llvm::enumerate(shuffle.getMask()))
      if (m != int64_t(4 * i) + phase)
        return Value();
    return shuffle.getV1();
  }

  /// The four-phase sum `v`'s product, if `v` is one.
  static Value matchPhaseSum(Value v) {
    auto top = v.getDefiningOp<arith::AddIOp>();
    auto low = top ? top.getLhs().getDefiningOp<arith::AddIOp>() : nullptr;
    auto high = top ? top.getRhs().getDefiningOp<arith::AddIOp>() : nullptr;
    if (!low || !high)
      return Value();
    Value p = matchPhase(low.getLhs(), 0);
    if (!p || matchPhase(low.getRhs(), 1) != p || matchPhase(high.getLhs(), 2) != p ||
        matchPhase(high.getRhs(), 3) != p)
      return Value();
    return p;
  }

  LogicalResult matchAndRewrite(arith::AddIOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<VectorType>(op.getType());
    if (!isX86I32Vector(type))
      return rewriter.notifyMatchFailure(op, "not an i32 vector of 8 or 16");
    Value acc = op.getLhs(), product = matchPhaseSum(op.getRhs());
    if (!product) {
      acc = op.getRhs();
      product = matchPhaseSum(op.getLhs());
    }
    // A sum whose accumulator folded away (zero, as in a single-step loop),
    // unless an addition that may take it as its sum uses it.
    // (The zero is created below, once the rewrite is certain: creating it
    // and then failing would keep the greedy driver from converging.)
    bool zeroAcc = false;
    if (!product && (product = matchPhaseSum(op.getResult()))) {
      if (llvm::any_of(op->getUsers(), [](Operation *user) { return isa<arith::AddIOp>(user); }))
        return rewriter.notifyMatchFailure(op, "part of a larger sum");
      zeroAcc = true;
    }
    if (!product)
      return rewriter.notifyMatchFailure(op, "not a sum of four phases of a product");
    Value u, s;
    if (auto mul = product.getDefiningOp<arith::MulIOp>()) {
      auto ue = mul.getLhs().getDefiningOp<arith::ExtUIOp>();
      auto se = mul.getRhs().getDefiningOp<arith::ExtSIOp>();
      if (ue && se && getElementTypeOrSelf(ue.getIn().getType()).isInteger(8) &&
          getElementTypeOrSelf(se.getIn().getType()).isInteger(8)) {
        u = ue.getIn();
        s = se.getIn();
      }
    }
    if (!u || !s)
      return rewriter.notifyMatchFailure(op, "not unsigned bytes times signed bytes");
    bool narrow = type.getNumElements() == 8;
    bool vpdpbusd = narrow ? lanes.vpdpbusd8 : lanes.vpdpbusd16;
    if (!vpdpbusd && (!(narrow ? lanes.nibble8 : lanes.nibble16) || !isBelow128(u)))
      return rewriter.notifyMatchFailure(op, "no byte dot instruction for these lanes");
    if (zeroAcc)
      acc = arith::ConstantOp::create(rewriter, op.getLoc(), type,
                                      DenseElementsAttr::get(type, rewriter.getI32IntegerAttr(0)));
    if (!vpdpbusd) {
      rewriter.replaceOp(op, buildNibbleDot(rewriter, op.getLoc(), type, acc, u, s));
      return success();
    }
    StringRef name = narrow ? "llvm.x86.avx512.vpdpbusd.256" : "llvm.x86.avx512.vpdpbusd.512";
    rewriter.replaceOp(op, LLVM::CallIntrinsicOp::create(rewriter, op.getLoc(), type,
                                                         rewriter.getStringAttr(name),
                                                         ValueRange{acc, u, s})
                               .getResult(0));
    return success();
  }
};

struct QuantXX86IntrinsicsPass
    : quantx::impl::QuantXX86IntrinsicsBase<QuantXX86IntrinsicsPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    for (auto [name, lanes] : {std::pair<StringRef, int64_t>{"byte-dot-lanes", byteDotLanes},
                               {"nibble-dot-lanes", nibbleDotLanes}})
      if (lanes != 0 && lanes != 8 && lanes != 16)
        return emitError(UnknownLoc::get(context))
               << "quantx-x86-intrinsics: " << name << " must be 0 (8 and 16), 8 or 16, got "
               << lanes;
    return success();
  }

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (tableLookups)
      populateX86TableLookupPatterns(patterns);
    if (pairProducts)
      populateX86PairProductPatterns(patterns);
    X86ByteDotLanes lanes;
    lanes.vpdpbusd8 = byteDots && byteDotLanes != 16;
    lanes.vpdpbusd16 = byteDots && byteDotLanes != 8;
    lanes.nibble8 = nibbleDots && nibbleDotLanes != 16;
    lanes.nibble16 = nibbleDots && nibbleDotLanes != 8;
    if (byteDots || nibbleDots)
      populateX86ByteDotPatterns(patterns, lanes);
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

void mlir::quantx::populateX86ByteDotPatterns(RewritePatternSet &patterns,
                                              X86ByteDotLanes lanes) {
  patterns.add<ByteDotToX86Vpdpbusd>(patterns.getContext(), lanes);
}

Value mlir::quantx::buildX86ByteDot(OpBuilder &b, Location loc, Value acc, Value u, Value s) {
  auto accType = cast<VectorType>(acc.getType());
  int64_t lanes = accType.getNumElements();
  auto wide = VectorType::get({4 * lanes}, accType.getElementType());
  Value p = arith::MulIOp::create(b, loc, arith::ExtUIOp::create(b, loc, wide, u),
                                  arith::ExtSIOp::create(b, loc, wide, s));
  SmallVector<Value> phases;
  for (int64_t phase = 0; phase < 4; ++phase) {
    SmallVector<int64_t> mask;
    for (int64_t l = 0; l < lanes; ++l)
      mask.push_back(4 * l + phase);
    phases.push_back(vector::ShuffleOp::create(b, loc, p, p, mask));
  }
  Value sum = arith::AddIOp::create(b, loc, arith::AddIOp::create(b, loc, phases[0], phases[1]),
                                    arith::AddIOp::create(b, loc, phases[2], phases[3]));
  return arith::AddIOp::create(b, loc, acc, sum);
}
