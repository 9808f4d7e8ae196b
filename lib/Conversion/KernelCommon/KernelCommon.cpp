//===- KernelCommon.cpp - scaffolding shared by the CPU and GPU kernels ---===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Conversion/KernelCommon.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::quantx;

StringRef mlir::quantx::stringifyScaleLayout(ScaleLayout layout) {
  switch (layout) {
  case ScaleLayout::None:
    return "none";
  case ScaleLayout::PerTensor:
    return "tensor";
  case ScaleLayout::PerRow:
    return "row";
  case ScaleLayout::Grouped:
    return "group";
  }
  llvm_unreachable("unknown scale layout");
}

SmallVector<int64_t> mlir::quantx::getScaleShape(ScaleLayout layout, int64_t n, int64_t k,
                                                 int64_t group) {
  switch (layout) {
  case ScaleLayout::None:
  case ScaleLayout::PerTensor:
    return {};
  case ScaleLayout::PerRow:
    return {n};
  case ScaleLayout::Grouped:
    return {n, k / group};
  }
  llvm_unreachable("unknown scale layout");
}

SmallVector<Value> mlir::quantx::getScaleIndices(ScaleLayout layout, Value row, Value group) {
  switch (layout) {
  case ScaleLayout::None:
  case ScaleLayout::PerTensor:
    return {};
  case ScaleLayout::PerRow:
    return {row};
  case ScaleLayout::Grouped:
    return {row, group};
  }
  llvm_unreachable("unknown scale layout");
}

bool mlir::quantx::isKernelFloatType(Type type) {
  return type && (type.isF32() || type.isF16() || type.isBF16());
}

FailureOr<WeightOnlyMatmul> mlir::quantx::analyzeWeightOnlyMatmul(MatmulOp op, int64_t kStep,
                                                                  std::string &reason) {
  auto fail = [&](StringRef why) -> FailureOr<WeightOnlyMatmul> {
    reason = why.str();
    return failure();
  };
  if (op.getKind() != MatmulOp::Kind::WeightOnly || !op.getRhsScale())
    return fail("not a weight-only matmul with scales");
  if (std::optional<Type> acc = op.getAccumulatorType(); acc && !acc->isF32())
    return fail("accumulates in the narrow accumulator_type (reference lowering)");
  WeightOnlyMatmul info;
  info.scheme = op.getRhsScheme();
  RankedTensorType rhsType = op.getRhs().getType();
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto resType = cast<RankedTensorType>(op.getResult().getType());
  if (!rhsType.hasStaticShape() || lhsType.isDynamicDim(1))
    return fail("dynamic weight shape or K");
  info.n = rhsType.getDimSize(0);
  info.k = lhsType.getDimSize(1);
  if (info.k % kStep != 0)
    return fail("K is not a multiple of the kernel's step");
  SchemeAttr scheme = info.scheme;
  info.group = info.k;
  if (scheme.isPerTensor()) {
    info.scaleLayout = ScaleLayout::PerTensor;
  } else if (scheme.isPerChannel() && *scheme.getAxis() == 0) {
    info.scaleLayout = ScaleLayout::PerRow;
  } else if (scheme.isGrouped() && *scheme.getAxis() == 1 &&
             *scheme.getGroupSize() % kStep == 0) {
    info.scaleLayout = ScaleLayout::Grouped;
    info.group = *scheme.getGroupSize();
  } else {
    return fail("scale layout has no kernel");
  }
  Value scale = op.getRhsScale(), zp = op.getRhsZeroPoint(), bias = op.getBias();
  if (cast<RankedTensorType>(scale.getType()).getShape() !=
      ArrayRef(getScaleShape(info.scaleLayout, info.n, info.k, info.group)))
    return fail("unexpected scale shape");
  info.lhsElt = lhsType.getElementType();
  info.resElt = resType.getElementType();
  info.rhsElt = rhsType.getElementType();
  info.scaleElt = getElementTypeOrSelf(scale.getType());
  info.zpElt = zp ? getElementTypeOrSelf(zp.getType()) : Type();
  info.biasElt = bias ? getElementTypeOrSelf(bias.getType()) : Type();
  if (!isKernelFloatType(info.lhsElt) || !isKernelFloatType(info.resElt) ||
      !isKernelFloatType(info.scaleElt) || (bias && !isKernelFloatType(info.biasElt)))
    return fail("unsupported element types");
  info.operands = {op.getLhs(), op.getRhs(), scale};
  if (zp)
    info.operands.push_back(zp);
  if (bias)
    info.operands.push_back(bias);
  return info;
}

DictionaryAttr mlir::quantx::getKernelAttr(MLIRContext *ctx, StringRef kind, SchemeAttr scheme,
                                          SchemeAttr lhsScheme, ScaleLayout layout, int64_t n,
                                          int64_t k, int64_t group,
                                          ArrayRef<NamedAttribute> tiling) {
  Builder b(ctx);
  SmallVector<NamedAttribute> entries{b.getNamedAttr("kind", b.getStringAttr(kind))};
  // Schemes as text: the description survives the lowering to LLVM, where
  // tools without the quantx dialect read the module.
  auto text = [&](SchemeAttr attr) {
    std::string str;
    llvm::raw_string_ostream os(str);
    Attribute(attr).print(os);
    return b.getStringAttr(str);
  };
  if (scheme)
    entries.push_back(b.getNamedAttr("scheme", text(scheme)));
  if (lhsScheme)
    entries.push_back(b.getNamedAttr("input_scheme", text(lhsScheme)));
  entries.push_back(b.getNamedAttr("scales", b.getStringAttr(stringifyScaleLayout(layout))));
  entries.push_back(b.getNamedAttr("n", b.getI64IntegerAttr(n)));
  entries.push_back(b.getNamedAttr("k", b.getI64IntegerAttr(k)));
  entries.push_back(b.getNamedAttr("group", b.getI64IntegerAttr(group)));
  entries.append(tiling.begin(), tiling.end());
  // DictionaryAttr sorts by name; tests match entries with {{.*}} between.
  return b.getDictionaryAttr(entries);
}

std::pair<SmallVector<int64_t>, SmallVector<int64_t>>
mlir::quantx::getEvenOddLanes(int64_t half) {
  SmallVector<int64_t> even, odd;
  for (int64_t i = 0; i < half; ++i) {
    even.push_back(2 * i);
    odd.push_back(2 * i + 1);
  }
  return {even, odd};
}

Value mlir::quantx::emitTableLookup(OpBuilder &b, Location loc, VectorType resultType,
                                    Value table, Value zeroIndex, Value indices) {
  auto maskType = VectorType::get(resultType.getShape(), b.getI1Type());
  Value mask = arith::ConstantOp::create(b, loc, maskType, DenseElementsAttr::get(maskType, true));
  Value pass = arith::ConstantOp::create(
      b, loc, resultType, DenseElementsAttr::get(resultType, b.getZeroAttr(resultType.getElementType())));
  return vector::GatherOp::create(b, loc, resultType, table, ValueRange{zeroIndex}, indices, mask,
                                  pass);
}

void mlir::quantx::printKernelTypes(llvm::raw_ostream &os, ArrayRef<Type> types) {
  for (Type t : types) {
    if (!t)
      continue;
    os << "_";
    t.print(os);
  }
}

Value mlir::quantx::markKernelOperand(bufferization::ToBufferOp op) {
  constexpr StringLiteral kAttr = "quantx.kernel_operand";
  int64_t next = 0;
  if (auto fn = op->getParentOfType<FunctionOpInterface>())
    fn->walk([&](bufferization::ToBufferOp t) {
      if (auto a = t->getAttrOfType<IntegerAttr>(kAttr))
        next = std::max(next, a.getInt() + 1);
    });
  op->setAttr(kAttr, IntegerAttr::get(IntegerType::get(op.getContext(), 64), next));
  return op;
}

Value mlir::quantx::castBuffer(RewriterBase &rewriter, Location loc, Value buffer, Type type) {
  return buffer.getType() == type ? buffer : memref::CastOp::create(rewriter, loc, type, buffer);
}

Value mlir::quantx::bufferForKernel(RewriterBase &rewriter, Location loc, Value tensor,
                                    Type type) {
  auto t = cast<RankedTensorType>(tensor.getType());
  Value buffer = markKernelOperand(bufferization::ToBufferOp::create(
      rewriter, loc, MemRefType::get(t.getShape(), t.getElementType()), tensor,
      /*read_only=*/true));
  return castBuffer(rewriter, loc, buffer, type);
}
