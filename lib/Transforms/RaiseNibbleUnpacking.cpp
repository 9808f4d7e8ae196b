//===- RaiseNibbleUnpacking.cpp - i8-packed nibbles -> quantx.unpack ------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Frontends that keep 4-bit weights packed two per byte unpack them with a
// linalg.generic of shifts and masks. The forms differ (shift by the
// index's parity, a size-2 dimension with a table of shift amounts, sign
// extension by shl/shrsi or by subtracting 16), so the body is not matched
// op by op: it is evaluated on all 256 bytes and both nibble positions, and
// a generic that yields exactly the low-nibble-first 4-bit value (unsigned
// or sign-extended) becomes `quantx.unpack`, whose result the raised
// dequantization keeps packed.

#include "NibbleUnpacking.h"
#include "QuantOpt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::quantx;

namespace {

unsigned bitWidth(Type t) { return t.isIndex() ? 64 : t.getIntOrFloatBitWidth(); }

/// Evaluates a straight-line body of integer arith ops given the values of
/// some block arguments and index ops; nullopt when the body does anything
/// else (reads another argument, a float op, a shift past the width).
std::optional<APInt> evaluateBody(Block &body, DenseMap<Value, APInt> env) {
  auto get = [&](Value v) -> std::optional<APInt> {
    auto it = env.find(v);
    if (it != env.end())
      return it->second;
    // Constants hoisted out of the body by the greedy driver.
    APInt value;
    if (v.getType().isIntOrIndex() && matchPattern(v, m_ConstantInt(&value)))
      return value.zextOrTrunc(bitWidth(v.getType()));
    return std::nullopt;
  };
  for (Operation &op : body.without_terminator()) {
    if (op.getNumResults() != 1 || !op.getResult(0).getType().isIntOrIndex())
      return std::nullopt;
    Value res = op.getResult(0);
    unsigned width = bitWidth(res.getType());
    if (isa<linalg::IndexOp>(op)) {
      if (!env.count(res))
        return std::nullopt;
      continue;
    }
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      auto attr = dyn_cast<IntegerAttr>(c.getValue());
      if (!attr)
        return std::nullopt;
      env[res] = attr.getValue().zextOrTrunc(width);
      continue;
    }
    SmallVector<APInt> in;
    for (Value operand : op.getOperands()) {
      std::optional<APInt> v = get(operand);
      if (!v)
        return std::nullopt;
      in.push_back(*v);
    }
    auto shiftOk = [&] { return in[1].ult(width); };
    std::optional<APInt> out =
        TypeSwitch<Operation *, std::optional<APInt>>(&op)
            .Case([&](arith::AndIOp) { return in[0] & in[1]; })
            .Case([&](arith::OrIOp) { return in[0] | in[1]; })
            .Case([&](arith::XOrIOp) { return in[0] ^ in[1]; })
            .Case([&](arith::AddIOp) { return in[0] + in[1]; })
            .Case([&](arith::SubIOp) { return in[0] - in[1]; })
            .Case([&](arith::MulIOp) { return in[0] * in[1]; })
            .Case([&](arith::ShLIOp) -> std::optional<APInt> {
              if (!shiftOk())
                return std::nullopt;
              return in[0].shl(in[1]);
            })
            .Case([&](arith::ShRUIOp) -> std::optional<APInt> {
              if (!shiftOk())
                return std::nullopt;
              return in[0].lshr(in[1]);
            })
            .Case([&](arith::ShRSIOp) -> std::optional<APInt> {
              if (!shiftOk())
                return std::nullopt;
              return in[0].ashr(in[1]);
            })
            .Case([&](arith::RemUIOp) -> std::optional<APInt> {
              if (in[1].isZero())
                return std::nullopt;
              return in[0].urem(in[1]);
            })
            .Case([&](arith::RemSIOp) -> std::optional<APInt> {
              if (in[1].isZero())
                return std::nullopt;
              return in[0].srem(in[1]);
            })
            .Case<arith::ExtUIOp, arith::IndexCastUIOp>(
                [&](Operation *) { return in[0].zextOrTrunc(width); })
            .Case<arith::ExtSIOp, arith::IndexCastOp>(
                [&](Operation *) { return in[0].sextOrTrunc(width); })
            .Case([&](arith::TruncIOp) { return in[0].trunc(width); })
            .Case([&](arith::CmpIOp cmp) {
              return APInt(1, arith::applyCmpPredicate(cmp.getPredicate(), in[0], in[1]));
            })
            .Case([&](arith::SelectOp) { return in[0].isOne() ? in[1] : in[2]; })
            .Default([](Operation *) { return std::nullopt; });
    if (!out)
      return std::nullopt;
    env[res] = *out;
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  return get(yield.getOperand(0));
}

/// Whether every use of `index` only asks for its parity (`remui/remsi i, 2`
/// or `andi i, 1`), so that evaluating the body at 0 and 1 covers all
/// positions.
bool usesOnlyParity(Value index) {
  auto isConst = [](Value v, int64_t c) {
    APInt value;
    return matchPattern(v, m_ConstantInt(&value)) && value == c;
  };
  return llvm::all_of(index.getUsers(), [&](Operation *user) {
    if (isa<arith::RemUIOp, arith::RemSIOp>(user))
      return user->getOperand(0) == index && isConst(user->getOperand(1), 2);
    if (isa<arith::AndIOp>(user))
      return isConst(user->getOperand(user->getOperand(0) == index ? 1 : 0), 1);
    return false;
  });
}

/// The two layouts of packed bytes, for a result of rank R whose last
/// dimension holds the nibbles:
///  - Parity: bytes read through the result's identity map with the last
///    dimension `d floordiv 2`; the nibble is chosen by the index's parity.
///  - Pairs: the result's last dimension has size 2 and indexes the two
///    nibbles of a byte read through the other dimensions; constant tables
///    of two values (shift amounts, masks) may be read along it.
enum class Layout { Parity, Pairs };

} // namespace

FailureOr<NibbleUnpacking> mlir::quantx::matchNibbleUnpacking(linalg::GenericOp op,
                                                              StringRef *whyNot) {
  auto fail = [&](StringRef why) -> FailureOr<NibbleUnpacking> {
    if (whyNot)
      *whyNot = why;
    return failure();
  };
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 || op.getNumDpsInputs() < 1 ||
      op.getNumParallelLoops() != op.getNumLoops())
    return fail("not an elementwise generic");
  auto resType = cast<RankedTensorType>(op->getResult(0).getType());
  Type resElt = resType.getElementType();
  int64_t rank = resType.getRank();
  if (!resElt.isSignlessInteger() || resElt.getIntOrFloatBitWidth() < 4 || rank < 1 ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return fail("result is not an integer tensor in order");
  OpOperand *bytes = op.getDpsInputOperand(0);
  auto bytesType = cast<RankedTensorType>(bytes->get().getType());
  if (!bytesType.getElementType().isInteger(8))
    return fail("first input is not i8");

  MLIRContext *ctx = op.getContext();
  AffineExpr last = getAffineDimExpr(rank - 1, ctx);
  SmallVector<AffineExpr> outer;
  for (int64_t i = 0; i + 1 < rank; ++i)
    outer.push_back(getAffineDimExpr(i, ctx));
  AffineMap bytesMap = op.getMatchingIndexingMap(bytes);
  SmallVector<AffineExpr> parityResults = outer;
  parityResults.push_back(last.floorDiv(2));
  Layout layout;
  if (bytesMap == AffineMap::get(rank, 0, parityResults, ctx))
    layout = Layout::Parity;
  else if (rank >= 2 && resType.getDimSize(rank - 1) == 2 && bytesType.hasStaticShape() &&
           bytesMap == AffineMap::get(rank, 0, outer, ctx))
    layout = Layout::Pairs;
  else
    return fail("bytes are not read two codes per byte");

  // Tables along the nibble dimension (Pairs only): constant, two values.
  Block &body = op.getRegion().front();
  SmallVector<std::pair<Value, SmallVector<APInt>>> tables;
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (input == bytes)
      continue;
    DenseIntElementsAttr values;
    if (layout != Layout::Pairs ||
        op.getMatchingIndexingMap(input) != AffineMap::get(rank, 0, {last}, ctx) ||
        !matchPattern(input->get(), m_Constant(&values)) || values.getNumElements() != 2)
      return fail("an input other than the bytes");
    tables.push_back(
        {op.getMatchingBlockArgument(input), llvm::to_vector(values.getValues<APInt>())});
  }
  // Index ops: only the nibble dimension, and in the parity layout only
  // through its parity.
  SmallVector<Value> nibbleIndices;
  for (auto index : body.getOps<linalg::IndexOp>()) {
    if (index.getDim() != uint64_t(rank - 1) ||
        (layout == Layout::Parity && !usesOnlyParity(index)))
      return fail("uses an index other than the nibble's");
    nibbleIndices.push_back(index.getResult());
  }

  // Evaluate: the result must be the nibble, unsigned or sign-extended,
  // for every byte and position.
  unsigned width = resElt.getIntOrFloatBitWidth();
  bool isUnsigned = true, isSigned = true;
  BlockArgument byteArg = op.getMatchingBlockArgument(bytes);
  for (unsigned position = 0; position < 2; ++position) {
    for (unsigned b = 0; b < 256; ++b) {
      DenseMap<Value, APInt> env;
      env[byteArg] = APInt(8, b);
      for (Value index : nibbleIndices)
        env[index] = APInt(64, position);
      for (auto &[arg, values] : tables)
        env[arg] = values[position];
      std::optional<APInt> v = evaluateBody(body, env);
      if (!v)
        return fail("body is not integer arithmetic "
                    "on the byte");
      APInt nibble(4, (b >> (4 * position)) & 0xF);
      isUnsigned &= *v == nibble.zext(width);
      isSigned &= *v == nibble.sext(width);
    }
  }
  if (!isUnsigned && !isSigned)
    return fail("does not yield the nibbles");

  // An odd or differently shaped result would read past the codes.
  SmallVector<int64_t> codesShape(bytesType.getShape());
  if (layout == Layout::Pairs)
    codesShape.push_back(1);
  if (!ShapedType::isDynamic(codesShape.back()))
    codesShape.back() *= 2;
  if (ArrayRef<int64_t>(codesShape) != resType.getShape())
    return fail("result is not two codes per byte");
  return NibbleUnpacking{layout == Layout::Pairs, isUnsigned};
}

namespace {

struct RaiseNibbleUnpacking : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op, PatternRewriter &rewriter) const override {
    StringRef whyNot;
    FailureOr<NibbleUnpacking> match = matchNibbleUnpacking(op, &whyNot);
    if (failed(match))
      return rewriter.notifyMatchFailure(op, whyNot);
    // quantx.unpack of the bytes in the result's layout, widened as the
    // generic widened it.
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    auto resType = cast<RankedTensorType>(op->getResult(0).getType());
    Type resElt = resType.getElementType();
    int64_t rank = resType.getRank();
    Value packed = op.getDpsInputs()[0];
    auto bytesType = cast<RankedTensorType>(packed.getType());
    if (match->pairs) {
      // Bytes [..., B] -> [..., B x 1] so that unpacking gives [..., B x 2].
      SmallVector<int64_t> withUnit(bytesType.getShape());
      withUnit.push_back(1);
      SmallVector<ReassociationIndices> reassoc;
      for (int64_t i = 0; i + 2 < rank; ++i)
        reassoc.push_back({i});
      reassoc.push_back({rank - 2, rank - 1});
      packed = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(withUnit, bytesType.getElementType()), packed,
          reassoc);
    }
    Value codes = UnpackOp::create(rewriter, loc, resType.clone(IntegerType::get(ctx, 4)), packed);
    if (resElt.getIntOrFloatBitWidth() > 4) {
      AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
      bool isUnsigned = match->isUnsigned;
      codes = linalg::GenericOp::create(
                  rewriter, loc, resType, codes, op.getDpsInits(), {id, id},
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &b, Location l, ValueRange args) {
                    Value v = isUnsigned ? Value(arith::ExtUIOp::create(b, l, resElt, args[0]))
                                         : Value(arith::ExtSIOp::create(b, l, resElt, args[0]));
                    linalg::YieldOp::create(b, l, v);
                  })
                  .getResult(0);
    }
    rewriter.replaceOp(op, codes);
    return success();
  }
};

} // namespace

void mlir::quantx::populateRaiseNibbleUnpackingPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseNibbleUnpacking>(patterns.getContext());
}
