//===- OutlineStructuredOps.cpp - shared functions for linalg ops ---------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// --quantx-outline-structured-ops: each linalg op on tensors with fresh
// outputs, in a function holding many, becomes a call to a private function
// shared by the identical ops (of every layer), so LLVM optimizes a few
// small functions instead of one with a loop nest per op and layer.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXOUTLINESTRUCTUREDOPS
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;

namespace {

/// Constants small enough to copy into a function instead of passing them:
/// scalars, splats and tensors of at most 16 elements.
bool isSmallConstant(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !def->hasTrait<OpTrait::ConstantLike>() || def->getNumOperands() != 0 ||
      def->getNumRegions() != 0 || def->getNumResults() != 1)
    return false;
  auto shaped = dyn_cast<ShapedType>(v.getType());
  if (!shaped)
    return true;
  if (auto cst = dyn_cast<arith::ConstantOp>(def))
    if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue()); dense && dense.isSplat())
      return true;
  return shaped.hasStaticShape() && shaped.getNumElements() <= 16;
}

/// Whether `v` is (a reshape of) a slice of another tensor: after
/// bufferization a strided view, which an argument of identity layout would
/// receive as a copy.
bool isView(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<tensor::ExtractSliceOp>(def))
      return true;
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp>(def))
      return false;
    v = def->getOperand(0);
  }
  return false;
}

/// A fresh output: tensor.empty, or linalg.fill of one (returns the ops to
/// copy into the function, producers first), else an empty list.
SmallVector<Operation *> freshInitChain(Value init) {
  Operation *def = init.getDefiningOp();
  if (isa_and_nonnull<tensor::EmptyOp>(def))
    return {def};
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(def))
    if (auto empty = fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
      return {empty, fill};
  return {};
}

/// The ops an outlined `op` needs inside its function, producers first (its
/// outputs' empty tensors and fills, then the op), or an empty list if `op`
/// is not a candidate.
SmallVector<Operation *> outlinedOps(linalg::LinalgOp op) {
  if (isa<linalg::FillOp>(op) || !op.hasPureTensorSemantics() || op.getNumLoops() == 0 ||
      op->getNumRegions() != 1)
    return {};
  SmallVector<Operation *> ops;
  for (OpOperand &init : op.getDpsInitsMutable()) {
    SmallVector<Operation *> chain = freshInitChain(init.get());
    if (chain.empty())
      return {};
    for (Operation *c : chain)
      if (!llvm::is_contained(ops, c))
        ops.push_back(c);
  }
  ops.push_back(op);
  return ops;
}

class Outliner {
public:
  Outliner(ModuleOp module) : module(module), symbols(module) {}
  /// Replaces `op` (a candidate, whose producers to copy are `ops`) by a
  /// call.
  void outline(ArrayRef<Operation *> ops);

private:
  ModuleOp module;
  SymbolTable symbols;
  /// Function bodies (printed with a placeholder name) -> their function.
  llvm::StringMap<func::FuncOp> byBody;
  int64_t count = 0;
};

void Outliner::outline(ArrayRef<Operation *> ops) {
  Operation *op = ops.back();
  // Arguments: values used by the copied ops (or captured by the op's body)
  // that are defined elsewhere, small constants apart.
  llvm::SetVector<Value> args;
  SmallVector<Operation *> constants;
  auto use = [&](Value v) {
    Operation *def = v.getDefiningOp();
    if (def && llvm::is_contained(ops, def))
      return;
    if (isSmallConstant(v)) {
      if (!llvm::is_contained(constants, def))
        constants.push_back(def);
      return;
    }
    args.insert(v);
  };
  for (Operation *o : ops)
    for (Value v : o->getOperands())
      use(v);
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(op->getRegion(0), captured);
  for (Value v : captured)
    use(v);

  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  Location loc = op->getLoc();
  auto type = b.getFunctionType(llvm::to_vector(llvm::map_range(args, [](Value v) {
                                  return v.getType();
                                })),
                                op->getResultTypes());
  auto func = func::FuncOp::create(b, loc, "__quantx_op", type);
  // Views (a layer's slice of a KV cache) are passed as they are: any
  // strides, no copy.
  for (auto [i, v] : llvm::enumerate(args))
    if (auto shaped = dyn_cast<RankedTensorType>(v.getType()); shaped && isView(v))
      func.setArgAttr(i, bufferization::BufferizationDialect::kBufferLayoutAttrName,
                      StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic,
                                             SmallVector<int64_t>(shaped.getRank(),
                                                                  ShapedType::kDynamic)));
  Block *entry = func.addEntryBlock();
  IRMapping map;
  for (auto [v, arg] : llvm::zip(args, entry->getArguments()))
    map.map(v, arg);
  b.setInsertionPointToStart(entry);
  for (Operation *c : constants)
    b.clone(*c, map);
  for (Operation *o : ops)
    b.clone(*o, map);
  func::ReturnOp::create(
      b, loc, llvm::to_vector(llvm::map_range(op->getResults(), [&](Value r) {
        return map.lookup(r);
      })));

  // Identical ops (printed without locations) share the first function.
  std::string body;
  llvm::raw_string_ostream os(body);
  func->print(os, OpPrintingFlags().useLocalScope().assumeVerified());
  auto [it, inserted] = byBody.try_emplace(body, func);
  if (inserted) {
    std::string name = ("__quantx_op_" + Twine(count++) + "_" +
                        op->getName().stripDialect())
                           .str();
    std::replace(name.begin(), name.end(), '.', '_');
    func.setSymName(name);
    func.setPrivate();
    // The point is to keep the callers small: LLVM must not inline back.
    func->setAttr("passthrough", b.getArrayAttr({b.getStringAttr("noinline")}));
    symbols.insert(func);
  } else {
    func.erase();
  }
  OpBuilder caller(op);
  auto call = func::CallOp::create(caller, loc, it->second, args.getArrayRef());
  op->replaceAllUsesWith(call.getResults());
  op->erase();
  // The copied producers stay for their other users, if any.
  for (Operation *o : llvm::reverse(ops.drop_back()))
    if (o->use_empty())
      o->erase();
}

struct OutlineStructuredOpsPass
    : quantx::impl::QuantXOutlineStructuredOpsBase<OutlineStructuredOpsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (minOps < 0) {
      module.emitError() << "quantx-outline-structured-ops: min-ops must be >= 0, got " << int64_t(minOps);
      return signalPassFailure();
    }
    Outliner outliner(module);
    // The functions present now (not those this pass creates).
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      SmallVector<SmallVector<Operation *>> candidates;
      func.walk([&](linalg::LinalgOp op) {
        if (SmallVector<Operation *> ops = outlinedOps(op); !ops.empty())
          candidates.push_back(std::move(ops));
      });
      if (candidates.empty() || int64_t(candidates.size()) < minOps)
        continue;
      for (ArrayRef<Operation *> ops : candidates)
        outliner.outline(ops);
    }
  }
};

} // namespace
