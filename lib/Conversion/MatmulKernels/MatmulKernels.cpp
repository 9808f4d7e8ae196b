//===- MatmulKernels.cpp - vectorized CPU kernels for matmuls -------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Weight-only quantx.matmul ops (and f32 matmuls in the same Linear layout,
// the float baseline) become calls to kernel functions written with scf and
// vector ops on memrefs:
//
//   scf.parallel over tiles of R weight rows (output channels)
//     scf.for m over input rows
//       scf.for g over groups of K           acc[r] += s[r, g] * gacc[r]
//         scf.for k in the group, step VL    gacc[r] = fma(a[m, k:k+VL],
//                                                          decode(W[r, k:k+VL]),
//                                                          gacc[r])
//       out[m, r] = reduce_add(acc[r]) (+ bias[r])
//
// The tensor-level op is replaced by bufferization.to_buffer of its
// operands, a memref.alloc for the result, a call, and to_tensor; one-shot
// bufferization then folds the casts.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/KernelCommon.h"
#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"
#include "QuantOpt/Dialect/QuantX/Numerics/QuantXNumerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXMATMULKERNELS
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// Everything that determines a kernel's code.
struct KernelSpec : QuantizedMatmulShape {
  SchemeAttr lhsScheme;     // integer kernels: the input's scheme
  int64_t vl = 8, rows = 4, mRows = 1;
  int64_t mTileRows = 1; // weight rows per tile of several input rows
  int64_t panelMinM = 0; // from this many input rows, decode into a panel
  bool parallel = true;
  bool x86Permute = false; // NF4 lookups with vpermps (AVX2 / AVX-512F)
  // E4M3FN weights decoded as raw f32 bits: value * 2^-120 (see below).
  bool fp8Bits = false;
  // f32 kernels: the weight is K x N; `rows` vectors of N per tile of
  // several input rows, `wideVectors` (a multiple) per single input row and
  // per iteration of the parallel loop.
  bool kn = false;
  int64_t wideVectors = 1;
  // Integer kernels: four byte products per i32 lane (vpdpbusd's shape).
  bool vnni = false;
  // 4-bit weight-only kernels: the weight in tiles of kWeightTileRows rows x
  // kWeightTileBytes bytes (see tileWeightBytes: one sequential stream per
  // thread instead of one per row), prefetched this many
  // bytes ahead (0: not at all).
  bool tiledWeight = false;
  int64_t prefetchBytes = 0;
  // Group-scaled integer kernels: the input's scale layout (PerTensor,
  // PerRow: per input row, Grouped: per input row and group of K).
  ScaleLayout lhsScaleLayout = ScaleLayout::None;
  bool groupScaled() const { return lhsScaleLayout != ScaleLayout::None; }

  /// The kernel's `quantx.kernel` description.
  DictionaryAttr attr(MLIRContext *ctx) const {
    Builder b(ctx);
    StringRef kind = groupScaled() ? "cpu.group_scaled"
                     : lhsScheme   ? "cpu.integer"
                     : scheme      ? "cpu.weight_only"
                     : kn          ? "cpu.float_kn"
                                   : "cpu.float";
    SmallVector<NamedAttribute> tiling{
        b.getNamedAttr("vector_width", b.getI64IntegerAttr(vl)),
        b.getNamedAttr("rows", b.getI64IntegerAttr(rows)),
        b.getNamedAttr("m_rows", b.getI64IntegerAttr(mRows)),
        b.getNamedAttr("m_tile_rows", b.getI64IntegerAttr(mTileRows)),
        b.getNamedAttr("panel_min_m", b.getI64IntegerAttr(panelMinM)),
        b.getNamedAttr("parallel", b.getBoolAttr(parallel)),
        b.getNamedAttr("x86_permute", b.getBoolAttr(x86Permute)),
        b.getNamedAttr("fp8_bits", b.getBoolAttr(fp8Bits)),
        b.getNamedAttr("vnni", b.getBoolAttr(vnni))};
    if (tiledWeight) {
      tiling.push_back(b.getNamedAttr(
          "weight_tiles", b.getDenseI64ArrayAttr({kWeightTileRows, kWeightTileBytes})));
      tiling.push_back(b.getNamedAttr("prefetch_bytes", b.getI64IntegerAttr(prefetchBytes)));
    }
    if (groupScaled())
      tiling.push_back(b.getNamedAttr(
          "input_scales", b.getStringAttr(stringifyScaleLayout(lhsScaleLayout))));
    if (!scheme && rhsElt && !rhsElt.isF32())
      tiling.push_back(b.getNamedAttr("weight_type", TypeAttr::get(rhsElt)));
    return getKernelAttr(ctx, kind, scheme, lhsScheme, scaleLayout, n, k, group, tiling);
  }

  /// A deterministic symbol name.
  std::string name() const {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << "__quantx_kernel_";
    if (lhsScheme)
      os << stringifyStorageKind(lhsScheme.getStorage()) << "x";
    if (scheme)
      os << stringifyStorageKind(scheme.getStorage());
    else
      os << (kn ? "f32_kn" : "f32");
    if (groupScaled())
      os << "_in_" << stringifyScaleLayout(lhsScaleLayout);
    os << "_n" << n << "_k" << k << "_g" << group << "_" << stringifyScaleLayout(scaleLayout)
       << (zpElt ? "_zp" : "") << (biasElt ? "_b" : "") << "_vl" << vl << "_r"
       << rows << "_m" << mRows << "x" << mTileRows << "_p" << panelMinM
       << (parallel ? "_par" : "")
       << (x86Permute ? "_x86" : "") << (fp8Bits ? "_bits" : "") << (vnni ? "_vnni" : "");
    if (tiledWeight)
      os << "_t" << kWeightTileRows << "x" << kWeightTileBytes << "_pf" << prefetchBytes;
    if (kn)
      os << "_w" << wideVectors;
    printKernelTypes(os, {lhsElt, resElt, scaleElt, biasElt});
    // Float weights that are not f32 (bf16, f16): their type too.
    if (!scheme && rhsElt && !rhsElt.isF32())
      printKernelTypes(os, {rhsElt});
    return s;
  }
};

/// An identity-layout memref type for a tensor type.
MemRefType bufferType(Type tensorType) {
  auto t = cast<RankedTensorType>(tensorType);
  return MemRefType::get(t.getShape(), t.getElementType());
}

Value indexCst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value zeroVector(OpBuilder &b, Location loc, VectorType t) {
  return arith::ConstantOp::create(b, loc, t, DenseElementsAttr::get(t, b.getF32FloatAttr(0.0f)));
}

/// Calls `body(builder, loc, m0, mr)` for input rows [start, m) (start:
/// 0 or a multiple of `mRows`): tiles of `mRows` rows while they fit, then
/// the remaining rows one at a time.
void forEachRowTile(OpBuilder &b, Location loc, Value m, int64_t mRows, Value start,
                    function_ref<void(OpBuilder &, Location, Value, int64_t)> body) {
  Value c1 = indexCst(b, loc, 1);
  Value mFull = start;
  if (mRows > 1) {
    Value mr = indexCst(b, loc, mRows);
    mFull = arith::MulIOp::create(b, loc, arith::DivUIOp::create(b, loc, m, mr), mr);
    scf::ForOp::create(b, loc, start, mFull, mr, ValueRange{},
                       [&](OpBuilder &mb, Location ml, Value m0, ValueRange) {
                         body(mb, ml, m0, mRows);
                         scf::YieldOp::create(mb, ml);
                       });
  }
  scf::ForOp::create(b, loc, mFull, m, c1, ValueRange{},
                     [&](OpBuilder &mb, Location ml, Value m0, ValueRange) {
                       body(mb, ml, m0, 1);
                       scf::YieldOp::create(mb, ml);
                     });
}

void forEachRowTile(OpBuilder &b, Location loc, Value m, int64_t mRows,
                    function_ref<void(OpBuilder &, Location, Value, int64_t)> body) {
  forEachRowTile(b, loc, m, mRows, indexCst(b, loc, 0), body);
}

/// The loop over `numTiles` tiles: `scf.parallel` (threads once lowered to
/// OpenMP) or `scf.for`; `body` gets the tile's index.
void forEachTile(OpBuilder &b, Location loc, bool parallel, int64_t numTiles,
                 function_ref<void(OpBuilder &, Location, Value)> body) {
  Value c0 = indexCst(b, loc, 0), c1 = indexCst(b, loc, 1);
  Value end = indexCst(b, loc, numTiles);
  if (parallel)
    scf::ParallelOp::create(b, loc, ValueRange{c0}, ValueRange{end}, ValueRange{c1},
                            [&](OpBuilder &pb, Location l, ValueRange ivs) {
                              body(pb, l, ivs[0]);
                            });
  else
    scf::ForOp::create(b, loc, c0, end, c1, ValueRange{},
                       [&](OpBuilder &fb, Location l, Value iv, ValueRange) {
                         body(fb, l, iv);
                         scf::YieldOp::create(fb, l);
                       });
}

/// The loop over tiles of `rows` output channels (forEachTile); `body`
/// gets the tile's row indices.
void forEachChannelTile(OpBuilder &b, Location loc, const KernelSpec &spec, int64_t rows,
                        function_ref<void(OpBuilder &, Location, ArrayRef<Value>)> body) {
  forEachTile(b, loc, spec.parallel, spec.n / rows, [&](OpBuilder &tb, Location l, Value t) {
    Value n0 = arith::MulIOp::create(tb, l, t, indexCst(tb, l, rows));
    SmallVector<Value> rowIdx;
    for (int64_t r = 0; r < rows; ++r)
      rowIdx.push_back(arith::AddIOp::create(tb, l, n0, indexCst(tb, l, r)));
    body(tb, l, rowIdx);
  });
}

/// Emits `if (m >= minM) many() else few()` at the builder's position
/// (both callbacks build with `b`).
void emitByRowCount(OpBuilder &b, Location loc, Value m, int64_t minM, function_ref<void()> many,
                    function_ref<void()> few) {
  Value enough = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, m, indexCst(b, loc, minM));
  auto branch = scf::IfOp::create(b, loc, enough, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(branch.thenBlock());
  many();
  b.setInsertionPointToStart(branch.elseBlock());
  few();
}

/// The private kernel function of `spec` (type `type`, its `quantx.kernel`
/// description, no body yet) at the end of `module`, created through
/// `rewriter` (its body is then built with a plain builder: nothing in it
/// is for the patterns).
func::FuncOp createKernelFunction(RewriterBase &rewriter, ModuleOp module, const KernelSpec &spec,
                                  FunctionType type) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(rewriter, module.getLoc(), spec.name(), type);
  func.setPrivate();
  func->setAttr(kKernelAttrName, spec.attr(module.getContext()));
  return func;
}

/// A kernel function of three memrefs, out (M x N of `outElt`) = lhs (M x K
/// of `elt`) times rhs (`rhsShape` of `elt`), M dynamic: created at the end
/// of `module` with its entry block, where `b` is set.
struct ThreeArgKernel {
  func::FuncOp func;
  Value lhs, rhs, out;
};
ThreeArgKernel createThreeArgKernel(RewriterBase &rewriter, ModuleOp module, const KernelSpec &spec,
                                    OpBuilder &b, Type elt, ArrayRef<int64_t> rhsShape,
                                    Type outElt) {
  auto lhsType = MemRefType::get({ShapedType::kDynamic, spec.k}, elt);
  auto rhsType = MemRefType::get(rhsShape, elt);
  auto outType = MemRefType::get({ShapedType::kDynamic, spec.n}, outElt);
  auto func = createKernelFunction(
      rewriter, module, spec,
      FunctionType::get(module.getContext(), {lhsType, rhsType, outType}, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  return {func, entry->getArgument(0), entry->getArgument(1), entry->getArgument(2)};
}

/// Builds the weight-only (and f32) kernel function for a spec: one member
/// per piece of the kernel (decoding, activation splitting, tiles, panels),
/// sharing the function's arguments and constants.
class WeightOnlyKernelBuilder {
public:
  WeightOnlyKernelBuilder(RewriterBase &rewriter, ModuleOp module, const KernelSpec &spec)
      : rewriter(rewriter), module(module), spec(spec), b(module.getContext()), loc(module.getLoc()),
        packed(spec.scheme && spec.scheme.isSubByte()), vl(spec.vl),
        step(packed ? 2 * spec.vl : spec.vl),
        accType(VectorType::get({spec.vl}, b.getF32Type())) {}

  /// Builds the kernel at the end of the module.
  func::FuncOp build();

private:
  void createFunction();
  Value getOrCreateCodeBook();
  Value loadParam(OpBuilder &nb, Location l, Value param, Value n, Value g) const;
  Value zeroPointSplat(OpBuilder &nb, Location l, Value n, Value g) const;
  Value scaleSplat(OpBuilder &nb, Location l, Value n, Value g) const;
  Value decode(OpBuilder &nb, Location l, Value n, Value k, Value zpSplat) const;
  Value decodeFloat8Bits(OpBuilder &nb, Location l, Value codes) const;
  Value decodeFloat8ViaF16(OpBuilder &nb, Location l, Value codes) const;
  /// What the low nibbles' activations are multiplied by, against the
  /// decoded low nibbles: i4 without zero points decodes them as 2^28 q,
  /// i4 with zero points as 16 q, u4 and NF4 as q.
  float lowNibbleScale() const {
    if (spec.scheme.getStorage() != StorageKind::i4)
      return 1.0f;
    return spec.zpElt ? 0.0625f : 0x1p-28f;
  }
  std::pair<Value, Value> decodePacked(OpBuilder &nb, Location l, Value n, Value k,
                                       Value zpSplat) const;
  Value loadTiledWeight(OpBuilder &nb, Location l, VectorType type, Value n, Value byteIdx) const;
  void splitActivations();
  SmallVector<Value> loadActivations(OpBuilder &kb, Location kl, ArrayRef<Value> mIdx,
                                     Value k) const;
  std::pair<SmallVector<Value>, SmallVector<Value>>
  loadSplitActivations(OpBuilder &kb, Location kl, ArrayRef<Value> mIdx, Value k) const;
  void storeResults(OpBuilder &tb, Location l, ArrayRef<Value> rowIdx, ArrayRef<Value> mIdx,
                    ValueRange accs) const;
  SmallVector<Value> stepTile(OpBuilder &kb, Location kl, ArrayRef<Value> rowIdx,
                              ArrayRef<Value> mIdx, Value kIdx, ArrayRef<Value> zpSplats,
                              ArrayRef<Value> scaleSplats, ValueRange accs) const;
  void emitTile(OpBuilder &tb, Location l, ArrayRef<Value> rowIdx, Value m0, int64_t mr) const;
  void emitDecodeTiles(OpBuilder &tb, Location l, ArrayRef<Value> rowIdx) const;
  void decodePanel(OpBuilder &tb, Location l, ArrayRef<Value> rowIdx, Value panel) const;
  void emitPanelTiles(OpBuilder &tb, Location l, ArrayRef<Value> rowIdx) const;

  RewriterBase &rewriter; ///< creates the function and the code-book global
  ModuleOp module;
  const KernelSpec &spec;
  OpBuilder b; ///< builds the body
  Location loc;
  const bool packed;
  const int64_t vl, step;
  const VectorType accType;
  func::FuncOp func;
  Value lhs, rhs, scale, zp, bias, out; ///< the kernel's arguments
  Value codeBook;                        ///< NF4 table (x86Permute)
  Value m, c0, c1;
  Value aSplit; ///< 4-bit kernels: activations split into even/odd halves
  // Tiled weights: the current channel tile's index and rows, and the
  // weight as one flat buffer (for the prefetches).
  Value weightTile, flatWeight;
  SmallVector<Value> tileRows;
};

/// The row indices m0, m0 + 1, ..., m0 + mr - 1.
SmallVector<Value> rowIndices(OpBuilder &b, Location loc, Value m0, int64_t mr) {
  SmallVector<Value> mIdx;
  for (int64_t j = 0; j < mr; ++j)
    mIdx.push_back(j ? Value(arith::AddIOp::create(b, loc, m0, indexCst(b, loc, j))) : m0);
  return mIdx;
}

void WeightOnlyKernelBuilder::createFunction() {
  MLIRContext *ctx = module.getContext();
  int64_t rowBytes = packed ? spec.k / 2 : spec.k;
  SmallVector<int64_t> rhsShape{spec.n, rowBytes};
  if (spec.tiledWeight)
    rhsShape = {spec.n / kWeightTileRows, rowBytes / kWeightTileBytes, kWeightTileRows,
                kWeightTileBytes};
  SmallVector<Type> argTypes{MemRefType::get({ShapedType::kDynamic, spec.k}, spec.lhsElt),
                             MemRefType::get(rhsShape, spec.rhsElt)};
  SmallVector<int64_t> paramShape = getScaleShape(spec.scaleLayout, spec.n, spec.k, spec.group);
  if (spec.scaleElt)
    argTypes.push_back(MemRefType::get(paramShape, spec.scaleElt));
  if (spec.zpElt)
    argTypes.push_back(MemRefType::get(paramShape, spec.zpElt));
  if (spec.biasElt)
    argTypes.push_back(MemRefType::get({spec.n}, spec.biasElt));
  argTypes.push_back(MemRefType::get({ShapedType::kDynamic, spec.n}, spec.resElt));

  func = createKernelFunction(rewriter, module, spec, FunctionType::get(ctx, argTypes, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  unsigned argIdx = 0;
  lhs = entry->getArgument(argIdx++);
  rhs = entry->getArgument(argIdx++);
  scale = spec.scaleElt ? entry->getArgument(argIdx++) : Value();
  zp = spec.zpElt ? entry->getArgument(argIdx++) : Value();
  bias = spec.biasElt ? entry->getArgument(argIdx++) : Value();
  out = entry->getArgument(argIdx++);
}

/// The NF4 code book as a constant global, for table lookups.
Value WeightOnlyKernelBuilder::getOrCreateCodeBook() {
  StringRef globalName = "__quantx_nf4_code_book";
  auto globalType = MemRefType::get({16}, b.getF32Type());
  if (!module.lookupSymbol(globalName)) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(module.getBody());
    auto tensorType = RankedTensorType::get({16}, rewriter.getF32Type());
    memref::GlobalOp::create(rewriter, loc, globalName, rewriter.getStringAttr("private"), globalType,
                             DenseElementsAttr::get(tensorType, getNF4CodeBook()),
                             /*constant=*/true, /*alignment=*/IntegerAttr());
  }
  return memref::GetGlobalOp::create(b, loc, globalType, globalName);
}

/// The parameter (scale or zero point) of row `n`, group `g`.
Value WeightOnlyKernelBuilder::loadParam(OpBuilder &nb, Location l, Value param, Value n,
                                         Value g) const {
  return memref::LoadOp::create(nb, l, param, getScaleIndices(spec.scaleLayout, n, g));
}

/// The zero point of row `n`, group `g` as an i32 splat, or null.
Value WeightOnlyKernelBuilder::zeroPointSplat(OpBuilder &nb, Location l, Value n, Value g) const {
  if (!zp)
    return Value();
  Value z = storedIntToI32(nb, l, spec.scheme, loadParam(nb, l, zp, n, g));
  return vector::BroadcastOp::create(nb, l, VectorType::get({vl}, nb.getI32Type()), z);
}

/// The scale of row `n`, group `g` as an f32 splat, or null.
Value WeightOnlyKernelBuilder::scaleSplat(OpBuilder &nb, Location l, Value n, Value g) const {
  if (!scale)
    return Value();
  Value s = extendToF32(nb, l, loadParam(nb, l, scale, n, g));
  // E4M3FN weights decoded through f16 are the value times 2^-8
  // (decodeFloat8ViaF16): scaling by a power of two changes no product.
  if (spec.scheme && !spec.fp8Bits && spec.scheme.getStorage() == StorageKind::f8E4M3FN)
    s = arith::MulFOp::create(nb, l, s, arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(256.0f)));
  return vector::BroadcastOp::create(nb, l, accType, s);
}

/// FP8 weights through f16, where every FP8 value is exact, subnormals
/// included, and converts to a normal f32 (vcvtph2ps): no f32 denormal
/// reaches the multiply-adds and no subnormal path. E5M2 is the high byte
/// of an f16 (infinities and NaNs included). E4M3FN's byte, sign-extended
/// to 16 bits and shifted left by 7 with bit 14 cleared, is an f16 of the
/// value times 2^-8 (the bias 15 instead of 7), which scaleSplat makes up;
/// S.1111.111 becomes a NaN of that sign.
Value WeightOnlyKernelBuilder::decodeFloat8ViaF16(OpBuilder &nb, Location l, Value codes) const {
  auto i16Type = VectorType::get({vl}, nb.getI16Type());
  auto splat = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        nb, l, i16Type, DenseElementsAttr::get(i16Type, nb.getI16IntegerAttr(int16_t(v))));
  };
  Value bytes = arith::BitcastOp::create(nb, l, VectorType::get({vl}, nb.getI8Type()), codes);
  Value sx = arith::ExtSIOp::create(nb, l, i16Type, bytes);
  Value bits;
  if (spec.scheme.getStorage() == StorageKind::f8E5M2) {
    bits = arith::ShLIOp::create(nb, l, sx, splat(8));
  } else {
    bits = arith::AndIOp::create(nb, l, arith::ShLIOp::create(nb, l, sx, splat(7)),
                                 splat(int16_t(0xBFFF)));
    Value isNan = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                        arith::AndIOp::create(nb, l, bits, splat(0x3F80)),
                                        splat(0x3F80));
    bits = arith::SelectOp::create(nb, l, isNan,
                                   arith::OrIOp::create(nb, l, bits, splat(0x7E00)), bits);
  }
  Value half = arith::BitcastOp::create(nb, l, VectorType::get({vl}, nb.getF16Type()), bits);
  return arith::ExtFOp::create(nb, l, accType, half);
}

/// E4M3FN s.eeee.mmm: sign-extend the byte, shift the magnitude to f32's
/// exponent/mantissa position and keep the sign bit. The f32 read from
/// those bits is the FP8 value times 2^-120, subnormals included;
/// S.1111.111 becomes NaN.
Value WeightOnlyKernelBuilder::decodeFloat8Bits(OpBuilder &nb, Location l, Value codes) const {
  auto i32Type = VectorType::get({vl}, nb.getI32Type());
  auto splat = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        nb, l, i32Type, DenseElementsAttr::get(i32Type, nb.getI32IntegerAttr(int32_t(v))));
  };
  Value bytes = arith::BitcastOp::create(nb, l, VectorType::get({vl}, nb.getI8Type()), codes);
  Value sx = arith::ExtSIOp::create(nb, l, i32Type, bytes);
  Value bits = arith::AndIOp::create(nb, l, arith::ShLIOp::create(nb, l, sx, splat(20)),
                                     splat(int64_t(0x87F00000u)));
  Value isNan = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                      arith::AndIOp::create(nb, l, bits, splat(0x07F00000)),
                                      splat(0x07F00000));
  Value nan = splat(0x7FC00000);
  bits = arith::SelectOp::create(nb, l, isNan, nan, bits);
  return arith::BitcastOp::create(nb, l, VectorType::get({vl}, nb.getF32Type()), bits);
}

/// Decodes VL weights of row `n` starting at code `k` into vector<VLxf32>,
/// without the scale (unpacked storage: f32, int8, FP8).
Value WeightOnlyKernelBuilder::decode(OpBuilder &nb, Location l, Value n, Value k,
                                      Value zpSplat) const {
  auto t = VectorType::get({vl}, spec.rhsElt);
  Value codes = spec.tiledWeight ? loadTiledWeight(nb, l, t, n, k)
                                 : Value(vector::LoadOp::create(nb, l, t, rhs, ValueRange{n, k}));
  if (!spec.scheme)
    return extendToF32(nb, l, codes);
  if (spec.fp8Bits)
    return decodeFloat8Bits(nb, l, codes);
  if (spec.scheme.isFloat8())
    return decodeFloat8ViaF16(nb, l, codes);
  return emitDecode(nb, l, spec.scheme, codes, zpSplat);
}

/// 4-bit weights: VL bytes of row `n` starting at code `k` hold 2 VL codes;
/// returns the decoded low nibbles (even k) and high nibbles (odd k), each
/// vector<VLxf32>. The activations are split the same way once per step,
/// so the codes never need interleaving. For i4 and u4 a nibble is not
/// shifted down: `b & 0xF0` (and `b << 4` for signed low nibbles) is 16
/// times the code as a byte, so one extension and conversion give 16 q,
/// which meets activations divided by 16 (splitActivations): the product
/// is the same f32 value, scaling by a power of two being exact.
std::pair<Value, Value> WeightOnlyKernelBuilder::decodePacked(OpBuilder &nb, Location l, Value n,
                                                              Value k, Value zpSplat) const {
  auto byteType = VectorType::get({vl}, nb.getI8Type());
  Value byteIdx = arith::DivUIOp::create(nb, l, k, indexCst(nb, l, 2));
  Value bytes = spec.tiledWeight
                    ? loadTiledWeight(nb, l, byteType, n, byteIdx)
                    : Value(vector::LoadOp::create(nb, l, byteType, rhs, ValueRange{n, byteIdx}));
  auto splat8 = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(nb, l, byteType,
                                     DenseElementsAttr::get(byteType, nb.getI8IntegerAttr(v)));
  };
  auto i32Type = VectorType::get({vl}, nb.getI32Type());
  auto f32Type = VectorType::get({vl}, nb.getF32Type());
  StorageKind kind = spec.scheme.getStorage();
  if (kind == StorageKind::nf4) {
    // A 16-entry table lookup (vector.gather, vpermps on x86) or the
    // code-book select tree: the same f32 values.
    auto nf4 = [&](Value nib) -> Value {
      if (!spec.x86Permute)
        return emitDecode(nb, l, spec.scheme,
                          arith::TruncIOp::create(
                              nb, l, VectorType::get({vl}, nb.getIntegerType(4)), nib),
                          Value());
      return emitTableLookup(nb, l, f32Type, codeBook, c0,
                             arith::ExtUIOp::create(nb, l, i32Type, nib));
    };
    if (spec.x86Permute) {
      // Widened by the load (vpmovzxbd), split on i32 lanes: the mask of
      // the low nibble disappears into vpermps with 16 lanes, which reads
      // only the low 4 bits of each index.
      Value wide = arith::ExtUIOp::create(nb, l, i32Type, bytes);
      auto splat32 = [&](int64_t v) -> Value {
        return arith::ConstantOp::create(nb, l, i32Type,
                                         DenseElementsAttr::get(i32Type, nb.getI32IntegerAttr(v)));
      };
      return {emitTableLookup(nb, l, f32Type, codeBook, c0,
                              arith::AndIOp::create(nb, l, wide, splat32(0x0F))),
              emitTableLookup(nb, l, f32Type, codeBook, c0,
                              arith::ShRUIOp::create(nb, l, wide, splat32(4)))};
    }
    return {nf4(arith::AndIOp::create(nb, l, bytes, splat8(0x0F))),
            nf4(arith::ShRUIOp::create(nb, l, bytes, splat8(4)))};
  }
  // 16 * q as i32 (i4), or q / 16 * q for u4's low nibble, minus the
  // zero point at the same scale, converted to f32 (exact).
  auto convert = [&](Value byteCodes, bool isSigned, int64_t zpFactor) -> Value {
    Value q = isSigned ? Value(arith::ExtSIOp::create(nb, l, i32Type, byteCodes))
                       : Value(arith::ExtUIOp::create(nb, l, i32Type, byteCodes));
    if (zpSplat) {
      Value z = zpSplat;
      if (zpFactor != 1)
        z = arith::MulIOp::create(
            nb, l, z,
            arith::ConstantOp::create(
                nb, l, i32Type, DenseElementsAttr::get(i32Type, nb.getI32IntegerAttr(zpFactor))));
      q = arith::SubIOp::create(nb, l, q, z);
    }
    return arith::SIToFPOp::create(nb, l, f32Type, q);
  };
  if (kind == StorageKind::i4 && !spec.zpElt) {
    // Widened first (the load and one vpmovsxbd): sext(b) = 16 q_hi + the
    // low nibble's bits, so clearing those gives 16 q_hi and shifting them
    // to the top gives 2^28 q_lo, both exact in f32 (see lowNibbleScale).
    Value wide = arith::ExtSIOp::create(nb, l, i32Type, bytes);
    auto splat32 = [&](int64_t v) -> Value {
      return arith::ConstantOp::create(nb, l, i32Type,
                                       DenseElementsAttr::get(i32Type, nb.getI32IntegerAttr(v)));
    };
    Value hi32 = arith::AndIOp::create(nb, l, wide, splat32(~int64_t(0xF)));
    Value lo32 = arith::ShLIOp::create(nb, l, wide, splat32(28));
    return {arith::SIToFPOp::create(nb, l, f32Type, lo32),
            arith::SIToFPOp::create(nb, l, f32Type, hi32)};
  }
  Value hi = arith::AndIOp::create(nb, l, bytes, splat8(0xF0));
  if (kind == StorageKind::i4) {
    Value lo = arith::ShLIOp::create(nb, l, bytes, splat8(4));
    return {convert(lo, true, 16), convert(hi, true, 16)};
  }
  Value lo = arith::AndIOp::create(nb, l, bytes, splat8(0x0F));
  return {convert(lo, false, 1), convert(hi, false, 16)};
}

/// Tiled weights: the VL bytes (`type`) of row `n` (of the current channel
/// tile) from byte `byteIdx`. The tile's first row also prefetches the line
/// `prefetchBytes` ahead in the stream (clamped to the buffer).
Value WeightOnlyKernelBuilder::loadTiledWeight(OpBuilder &nb, Location l, VectorType type,
                                               Value n, Value byteIdx) const {
  const auto *it = llvm::find(tileRows, n);
  assert(it != tileRows.end() && "row outside the current channel tile");
  int64_t lane = it - tileRows.begin();
  Value chunkBytes = indexCst(nb, l, kWeightTileBytes);
  Value chunk = arith::DivUIOp::create(nb, l, byteIdx, chunkBytes);
  Value offset = arith::RemUIOp::create(nb, l, byteIdx, chunkBytes);
  if (lane == 0 && spec.prefetchBytes > 0) {
    // Flat position: ((t * chunks + c) * rows + lane) * bytes + j.
    int64_t rowBytes = packed ? spec.k / 2 : spec.k;
    int64_t chunks = rowBytes / kWeightTileBytes;
    Value linear = arith::AddIOp::create(
        nb, l, arith::MulIOp::create(nb, l, weightTile, indexCst(nb, l, chunks)), chunk);
    linear = arith::MulIOp::create(nb, l, linear,
                                   indexCst(nb, l, kWeightTileRows * kWeightTileBytes));
    Value ahead = arith::MinUIOp::create(
        nb, l, arith::AddIOp::create(nb, l, linear, indexCst(nb, l, spec.prefetchBytes)),
        indexCst(nb, l, spec.n * rowBytes - 1));
    memref::PrefetchOp::create(nb, l, flatWeight, ValueRange{ahead}, /*isWrite=*/false,
                               /*localityHint=*/3, /*isDataCache=*/true);
  }
  return vector::LoadOp::create(nb, l, type, rhs,
                                ValueRange{weightTile, chunk, indexCst(nb, l, lane), offset});
}

/// 4-bit kernels read activations split into even and odd positions per
/// step of 2 VL (and divided by 16 where the codes are 16 q): computed once
/// into `aSplit`, so the inner loop loads them without shuffles.
void WeightOnlyKernelBuilder::splitActivations() {
  float loFactor = lowNibbleScale(), hiFactor = spec.scheme.getStorage() != StorageKind::nf4 ? 0.0625f : 1.0f;
  aSplit = memref::AllocOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic, spec.k}, b.getF32Type()), ValueRange{m});
  SmallVector<int64_t> even, odd;
  std::tie(even, odd) = getEvenOddLanes(vl);
  scf::ForOp::create(
      b, loc, c0, m, c1, ValueRange{}, [&](OpBuilder &mb, Location ml, Value mi, ValueRange) {
        scf::ForOp::create(
            mb, ml, c0, indexCst(mb, ml, spec.k), indexCst(mb, ml, step), ValueRange{},
            [&](OpBuilder &kb, Location kl, Value k, ValueRange) {
              auto aType = VectorType::get({step}, spec.lhsElt);
              Value a =
                  extendToF32(kb, kl, vector::LoadOp::create(kb, kl, aType, lhs, ValueRange{mi, k}));
              Value aEven = vector::ShuffleOp::create(kb, kl, a, a, even);
              Value aOdd = vector::ShuffleOp::create(kb, kl, a, a, odd);
              auto scaled = [&](Value a, float factor) -> Value {
                if (factor == 1.0f)
                  return a;
                return arith::MulFOp::create(
                    kb, kl, a,
                    arith::ConstantOp::create(
                        kb, kl, accType, DenseElementsAttr::get(accType, kb.getF32FloatAttr(factor))));
              };
              aEven = scaled(aEven, loFactor);
              aOdd = scaled(aOdd, hiFactor);
              vector::StoreOp::create(kb, kl, aEven, aSplit, ValueRange{mi, k});
              Value kOdd = arith::AddIOp::create(kb, kl, k, indexCst(kb, kl, vl));
              vector::StoreOp::create(kb, kl, aOdd, aSplit, ValueRange{mi, kOdd});
              scf::YieldOp::create(kb, kl);
            });
        scf::YieldOp::create(mb, ml);
      });
}

/// The f32 activation vectors of rows `mIdx` at code `k` (unpacked
/// weights).
SmallVector<Value> WeightOnlyKernelBuilder::loadActivations(OpBuilder &kb, Location kl,
                                                            ArrayRef<Value> mIdx, Value k) const {
  SmallVector<Value> a;
  auto aType = VectorType::get({vl}, spec.lhsElt);
  for (Value mi : mIdx)
    a.push_back(extendToF32(kb, kl, vector::LoadOp::create(kb, kl, aType, lhs, ValueRange{mi, k})));
  return a;
}

/// 4-bit kernels: the even and odd halves of rows `mIdx` from `aSplit`
/// for the step at code `k`.
std::pair<SmallVector<Value>, SmallVector<Value>>
WeightOnlyKernelBuilder::loadSplitActivations(OpBuilder &kb, Location kl, ArrayRef<Value> mIdx,
                                              Value k) const {
  SmallVector<Value> aEven, aOdd;
  Value kOdd = arith::AddIOp::create(kb, kl, k, indexCst(kb, kl, vl));
  for (Value mi : mIdx) {
    aEven.push_back(vector::LoadOp::create(kb, kl, accType, aSplit, ValueRange{mi, k}));
    aOdd.push_back(vector::LoadOp::create(kb, kl, accType, aSplit, ValueRange{mi, kOdd}));
  }
  return {aEven, aOdd};
}

/// Reduces accumulator r * mr + j across lanes, adds the bias of row r and
/// stores it to out[mIdx[j], rowIdx[r]] in the result type.
void WeightOnlyKernelBuilder::storeResults(OpBuilder &tb, Location l, ArrayRef<Value> rowIdx,
                                           ArrayRef<Value> mIdx, ValueRange accs) const {
  int64_t mr = mIdx.size();
  for (auto [r, row] : llvm::enumerate(rowIdx))
    for (int64_t j = 0; j < mr; ++j) {
      // Across lanes in a tree (reassociated, like the lane-wise sums): a
      // strictly ordered reduction is a chain of VL dependent additions per
      // output, which at one input row costs as much as a tenth of the call.
      Value sum = vector::ReductionOp::create(tb, l, vector::CombiningKind::ADD, accs[r * mr + j],
                                              arith::FastMathFlags::reassoc);
      if (bias)
        sum = arith::AddFOp::create(
            tb, l, sum, extendToF32(tb, l, memref::LoadOp::create(tb, l, bias, ValueRange{row})));
      memref::StoreOp::create(tb, l, truncFromF32(tb, l, sum, spec.resElt), out,
                              ValueRange{mIdx[j], row});
    }
}

/// One step of the reduction over a tile: the weights of rows `rowIdx` at
/// code `kIdx` decoded (and scaled by `scaleSplats` where non-null) and
/// multiplied into the accumulators of input rows `mIdx`.
SmallVector<Value> WeightOnlyKernelBuilder::stepTile(OpBuilder &kb, Location kl,
                                                     ArrayRef<Value> rowIdx, ArrayRef<Value> mIdx,
                                                     Value kIdx, ArrayRef<Value> zpSplats,
                                                     ArrayRef<Value> scaleSplats,
                                                     ValueRange accs) const {
  int64_t mr = mIdx.size();
  SmallVector<Value> next(accs.begin(), accs.end());
  auto scaled = [&](Value w, int64_t r) {
    return scaleSplats[r] ? Value(arith::MulFOp::create(kb, kl, w, scaleSplats[r])) : w;
  };
  if (!packed) {
    SmallVector<Value> a = loadActivations(kb, kl, mIdx, kIdx);
    for (auto [r, row] : llvm::enumerate(rowIdx)) {
      Value w = scaled(decode(kb, kl, row, kIdx, zpSplats[r]), r);
      for (int64_t j = 0; j < mr; ++j)
        next[r * mr + j] = vector::FMAOp::create(kb, kl, a[j], w, next[r * mr + j]);
    }
    return next;
  }
  auto [aEven, aOdd] = loadSplitActivations(kb, kl, mIdx, kIdx);
  for (auto [r, row] : llvm::enumerate(rowIdx)) {
    auto [wLo, wHi] = decodePacked(kb, kl, row, kIdx, zpSplats[r]);
    wLo = scaled(wLo, r);
    wHi = scaled(wHi, r);
    for (int64_t j = 0; j < mr; ++j) {
      Value acc = vector::FMAOp::create(kb, kl, aEven[j], wLo, next[r * mr + j]);
      next[r * mr + j] = vector::FMAOp::create(kb, kl, aOdd[j], wHi, acc);
    }
  }
  return next;
}

/// One tile: `rowIdx.size()` weight rows times `mr` input rows from m0.
/// With one input row each group is summed on its own and scaled once
/// (fewest operations per weight); with several, the decoded weights are
/// scaled (as the reference lowering does) and shared by the input rows.
void WeightOnlyKernelBuilder::emitTile(OpBuilder &tb, Location l, ArrayRef<Value> rowIdx, Value m0,
                                       int64_t mr) const {
  bool scaleWeights = mr > 1 && scale;
  const int64_t rows = rowIdx.size();
  SmallVector<Value> mIdx = rowIndices(tb, l, m0, mr);
  int64_t numAcc = rows * mr;
  SmallVector<Value> zeros(numAcc, zeroVector(tb, l, accType));
  auto groups = scf::ForOp::create(
      tb, l, c0, indexCst(tb, l, spec.k / spec.group), c1, zeros,
      [&](OpBuilder &gb, Location gl, Value g, ValueRange accs) {
        Value kBase = arith::MulIOp::create(gb, gl, g, indexCst(gb, gl, spec.group));
        // Zero points (an i32 splat) and scales (an f32 splat) per row.
        SmallVector<Value> zpSplats, scaleSplats;
        for (Value row : rowIdx) {
          zpSplats.push_back(zeroPointSplat(gb, gl, row, g));
          scaleSplats.push_back(scaleSplat(gb, gl, row, g));
        }
        SmallVector<Value> weightScales(rows);
        if (scaleWeights)
          weightScales = scaleSplats;
        SmallVector<Value> init(accs.begin(), accs.end());
        if (!scaleWeights)
          init.assign(numAcc, zeroVector(gb, gl, accType));
        auto inner = scf::ForOp::create(
            gb, gl, c0, indexCst(gb, gl, spec.group), indexCst(gb, gl, step), init,
            [&](OpBuilder &kb, Location kl, Value kk, ValueRange gaccs) {
              Value kIdx = arith::AddIOp::create(kb, kl, kBase, kk);
              scf::YieldOp::create(
                  kb, kl, stepTile(kb, kl, rowIdx, mIdx, kIdx, zpSplats, weightScales, gaccs));
            });
        SmallVector<Value> next;
        for (int64_t i = 0; i < numAcc; ++i) {
          Value gacc = inner.getResult(i);
          if (scaleWeights)
            next.push_back(gacc);
          else if (!scale)
            next.push_back(arith::AddFOp::create(gb, gl, accs[i], gacc));
          else
            next.push_back(vector::FMAOp::create(gb, gl, gacc, scaleSplats[i / mr], accs[i]));
        }
        scf::YieldOp::create(gb, gl, next);
      });
  storeResults(tb, l, rowIdx, mIdx, groups.getResults());
}

/// Few input rows: decode the weights inside the reduction, per input row
/// (one) or per tile of input rows (several), which take the weight rows
/// `mTileRows` at a time (their accumulators fill the registers faster).
void WeightOnlyKernelBuilder::emitDecodeTiles(OpBuilder &tb, Location l,
                                              ArrayRef<Value> rowIdx) const {
  forEachRowTile(tb, l, m, spec.mRows, [&](OpBuilder &mb, Location ml, Value m0, int64_t mr) {
    int64_t tileRows = mr > 1 ? spec.mTileRows : int64_t(rowIdx.size());
    for (size_t r0 = 0; r0 < rowIdx.size(); r0 += tileRows)
      emitTile(mb, ml, rowIdx.slice(r0, tileRows), m0, mr);
  });
}

/// Decodes the weight rows `rowIdx`, scaled, into `panel` (rows x K f32,
/// in the activations' layout). Without a scale (FP8 x FP8: applied by the
/// epilogue) the decoded values are stored as they are.
void WeightOnlyKernelBuilder::decodePanel(OpBuilder &tb, Location l, ArrayRef<Value> rowIdx,
                                          Value panel) const {
  for (size_t r = 0; r < rowIdx.size(); ++r) {
    Value row = rowIdx[r], pr = indexCst(tb, l, r);
    scf::ForOp::create(
        tb, l, c0, indexCst(tb, l, spec.k / spec.group), c1, ValueRange{},
        [&](OpBuilder &gb, Location gl, Value g, ValueRange) {
          Value kBase = arith::MulIOp::create(gb, gl, g, indexCst(gb, gl, spec.group));
          Value zpSplat = zeroPointSplat(gb, gl, row, g);
          Value scaleVec = scaleSplat(gb, gl, row, g);
          auto store = [&](OpBuilder &nb, Location nl, Value w, Value k) {
            if (scaleVec)
              w = arith::MulFOp::create(nb, nl, w, scaleVec);
            vector::StoreOp::create(nb, nl, w, panel, ValueRange{pr, k});
          };
          scf::ForOp::create(
              gb, gl, c0, indexCst(gb, gl, spec.group), indexCst(gb, gl, step), ValueRange{},
              [&](OpBuilder &kb, Location kl, Value kk, ValueRange) {
                Value kIdx = arith::AddIOp::create(kb, kl, kBase, kk);
                if (packed) {
                  auto [wLo, wHi] = decodePacked(kb, kl, row, kIdx, zpSplat);
                  store(kb, kl, wLo, kIdx);
                  store(kb, kl, wHi, arith::AddIOp::create(kb, kl, kIdx, indexCst(kb, kl, vl)));
                } else {
                  store(kb, kl, decode(kb, kl, row, kIdx, zpSplat), kIdx);
                }
                scf::YieldOp::create(kb, kl);
              });
          scf::YieldOp::create(gb, gl);
        });
  }
}

/// Many input rows: decode the tile's weight rows once, scaled, into an f32
/// panel, then run all input rows against it like the f32 kernel. The
/// products are those of the scaled path, a_k * (q_k s_g).
void WeightOnlyKernelBuilder::emitPanelTiles(OpBuilder &tb, Location l,
                                             ArrayRef<Value> rowIdx) const {
  const int64_t rows = rowIdx.size();
  Value panel = memref::AllocOp::create(tb, l, MemRefType::get({rows, spec.k}, tb.getF32Type()));
  decodePanel(tb, l, rowIdx, panel);
  // All input rows against the panel, mRows at a time, then the rest.
  forEachRowTile(tb, l, m, spec.mRows, [&](OpBuilder &mb, Location ml, Value m0, int64_t mr) {
    SmallVector<Value> mIdx = rowIndices(mb, ml, m0, mr);
    SmallVector<Value> zeros(rows * mr, zeroVector(mb, ml, accType));
    auto loop = scf::ForOp::create(
        mb, ml, c0, indexCst(mb, ml, spec.k), indexCst(mb, ml, vl), zeros,
        [&](OpBuilder &kb, Location kl, Value k, ValueRange accs) {
          SmallVector<Value> a;
          for (Value mi : mIdx)
            a.push_back(packed ? Value(vector::LoadOp::create(kb, kl, accType, aSplit,
                                                              ValueRange{mi, k}))
                               : extendToF32(kb, kl,
                                             vector::LoadOp::create(
                                                 kb, kl, VectorType::get({vl}, spec.lhsElt), lhs,
                                                 ValueRange{mi, k})));
          SmallVector<Value> next(accs.begin(), accs.end());
          for (int64_t r = 0; r < rows; ++r) {
            Value w = vector::LoadOp::create(kb, kl, accType, panel,
                                             ValueRange{indexCst(kb, kl, r), k});
            for (int64_t j = 0; j < mr; ++j)
              next[r * mr + j] = vector::FMAOp::create(kb, kl, a[j], w, next[r * mr + j]);
          }
          scf::YieldOp::create(kb, kl, next);
        });
    storeResults(mb, ml, rowIdx, mIdx, loop.getResults());
  });
}

func::FuncOp WeightOnlyKernelBuilder::build() {
  createFunction();
  if (spec.scheme && spec.scheme.getStorage() == StorageKind::nf4 && spec.x86Permute)
    codeBook = getOrCreateCodeBook();
  c0 = indexCst(b, loc, 0);
  c1 = indexCst(b, loc, 1);
  m = memref::DimOp::create(b, loc, lhs, 0);
  if (packed)
    splitActivations();
  if (spec.tiledWeight)
    flatWeight = memref::CollapseShapeOp::create(b, loc, rhs,
                                                 SmallVector<ReassociationIndices>{{0, 1, 2, 3}});
  forEachChannelTile(b, loc, spec, spec.rows, [&](OpBuilder &tb, Location l, ArrayRef<Value> rowIdx) {
    if (spec.tiledWeight) {
      // A channel tile is one tile of the weight (rows == kWeightTileRows).
      weightTile = arith::DivUIOp::create(tb, l, rowIdx.front(), indexCst(tb, l, kWeightTileRows));
      tileRows.assign(rowIdx.begin(), rowIdx.end());
    }
    if (spec.panelMinM > 0 && spec.scheme)
      return emitByRowCount(
          tb, l, m, spec.panelMinM, [&] { emitPanelTiles(tb, l, rowIdx); },
          [&] { emitDecodeTiles(tb, l, rowIdx); });
    emitDecodeTiles(tb, l, rowIdx);
  });
  func::ReturnOp::create(b, loc);
  return func;
}

/// Builds the kernel function for `spec` at the end of `module`.
func::FuncOp buildKernel(RewriterBase &rewriter, ModuleOp module, const KernelSpec &spec) {
  return WeightOnlyKernelBuilder(rewriter, module, spec).build();
}

/// Builds the integer kernel for `spec`: out[m, n] = sum_k A[m, k] W[n, k]
/// exactly in i32 on the raw 8-bit codes (zero points and scales are the
/// epilogue's business). Pairs of products are formed on 16-bit lanes and
/// summed into 32-bit lanes -- the shape of x86 `vpmaddwd` -- which is exact
/// for 8-bit codes (|a w| <= 2^15, a pair <= 2^16).
func::FuncOp buildIntegerKernel(RewriterBase &rewriter, ModuleOp module, const KernelSpec &spec) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  OpBuilder b(ctx);
  Type i8 = b.getI8Type(), i16 = b.getI16Type(), i32 = b.getI32Type();
  ThreeArgKernel kernel =
      createThreeArgKernel(rewriter, module, spec, b, i8, {spec.n, spec.k}, i32);
  func::FuncOp func = kernel.func;
  Value lhs = kernel.lhs, rhs = kernel.rhs, out = kernel.out;
  const int64_t vl = spec.vl, rows = spec.rows, step = 2 * spec.vl;
  auto accType = VectorType::get({vl}, i32);
  Value c0 = indexCst(b, loc, 0);
  Value m = memref::DimOp::create(b, loc, lhs, 0);
  SmallVector<int64_t> even, odd;
  std::tie(even, odd) = getEvenOddLanes(vl);
  // 16 codes -> (even, odd) halves as i32 lanes, through i16.
  auto halves = [&](OpBuilder &nb, Location l, Value mem, Value row, Value k,
                    bool isUnsigned) -> std::pair<Value, Value> {
    Value bytes = vector::LoadOp::create(nb, l, VectorType::get({step}, i8), mem,
                                         ValueRange{row, k});
    auto wide = VectorType::get({step}, i16);
    Value w16 = isUnsigned ? Value(arith::ExtUIOp::create(nb, l, wide, bytes))
                           : Value(arith::ExtSIOp::create(nb, l, wide, bytes));
    Value e = vector::ShuffleOp::create(nb, l, w16, w16, even);
    Value o = vector::ShuffleOp::create(nb, l, w16, w16, odd);
    return {arith::ExtSIOp::create(nb, l, accType, e),
            arith::ExtSIOp::create(nb, l, accType, o)};
  };
  bool lhsUnsigned = spec.lhsScheme.isUnsigned(), rhsUnsigned = spec.scheme.isUnsigned();
  auto emitTile = [&](OpBuilder &tb, Location l, ArrayRef<Value> rowIdx, Value m0,
                      int64_t mr) {
    SmallVector<Value> mIdx;
    for (int64_t j = 0; j < mr; ++j)
      mIdx.push_back(j ? Value(arith::AddIOp::create(tb, l, m0, indexCst(tb, l, j))) : m0);
    Value zero = arith::ConstantOp::create(tb, l, accType,
                                           DenseElementsAttr::get(accType, tb.getI32IntegerAttr(0)));
    SmallVector<Value> zeros(rows * mr, zero);
    auto loop = scf::ForOp::create(
        tb, l, c0, indexCst(tb, l, spec.k), indexCst(tb, l, step), zeros,
        [&](OpBuilder &kb, Location kl, Value k, ValueRange accs) {
          SmallVector<std::pair<Value, Value>> a;
          for (int64_t j = 0; j < mr; ++j)
            a.push_back(halves(kb, kl, lhs, mIdx[j], k, lhsUnsigned));
          SmallVector<Value> next(accs.begin(), accs.end());
          for (int64_t r = 0; r < rows; ++r) {
            auto [we, wo] = halves(kb, kl, rhs, rowIdx[r], k, rhsUnsigned);
            for (int64_t j = 0; j < mr; ++j) {
              Value pair = arith::AddIOp::create(
                  kb, kl, arith::MulIOp::create(kb, kl, a[j].first, we),
                  arith::MulIOp::create(kb, kl, a[j].second, wo));
              next[r * mr + j] = arith::AddIOp::create(kb, kl, next[r * mr + j], pair);
            }
          }
          scf::YieldOp::create(kb, kl, next);
        });
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < mr; ++j)
        memref::StoreOp::create(
            tb, l,
            vector::ReductionOp::create(tb, l, vector::CombiningKind::ADD,
                                        loop.getResult(r * mr + j)),
            out, ValueRange{mIdx[j], rowIdx[r]});
  };
  forEachChannelTile(b, loc, spec, rows, [&](OpBuilder &tb, Location l, ArrayRef<Value> rowIdx) {
    forEachRowTile(tb, l, m, spec.mRows,
                   [&](OpBuilder &mb, Location ml, Value m0, int64_t mr) {
                     emitTile(mb, ml, rowIdx, m0, mr);
                   });
  });
  func::ReturnOp::create(b, loc);
  return func;
}

/// Builds the integer kernel for `spec` with four byte products per i32
/// lane (`spec.vnni`, x86 `vpdpbusd`: unsigned bytes times signed bytes).
/// Same result as buildIntegerKernel, exactly (i32 arithmetic wraps like
/// the reference's): which operand is read unsigned depends on the schemes,
///   u8 x i8: the input;  i8 x u8: the weight (the product commutes);
///   i8 x i8: the weight + 128 (`w ^ 0x80`), minus 128 * sum_k a per row;
///   u8 x u8: the weight - 128 read signed, plus 128 * sum_k a per row;
/// the input row sums are computed once per call, before the tiles. (A
/// byte dot against a constant of ones in the loop would not do: LLVM
/// expands vpdpbusd with a constant operand into widening adds.)
func::FuncOp buildIntegerDotKernel(RewriterBase &rewriter, ModuleOp module,
                                   const KernelSpec &spec) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  OpBuilder b(ctx);
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  ThreeArgKernel kernel =
      createThreeArgKernel(rewriter, module, spec, b, i8, {spec.n, spec.k}, i32);
  func::FuncOp func = kernel.func;
  Value lhs = kernel.lhs, rhs = kernel.rhs, out = kernel.out;
  const int64_t vl = spec.vl, rows = spec.rows, step = 4 * spec.vl;
  auto accType = VectorType::get({vl}, i32);
  auto bytesType = VectorType::get({step}, i8);
  Value c0 = indexCst(b, loc, 0), c1 = indexCst(b, loc, 1), kEnd = indexCst(b, loc, spec.k);
  Value m = memref::DimOp::create(b, loc, lhs, 0);
  bool lhsUnsigned = spec.lhsScheme.isUnsigned(), rhsUnsigned = spec.scheme.isUnsigned();
  bool swap = !lhsUnsigned && rhsUnsigned;
  bool flipRhs = lhsUnsigned == rhsUnsigned; // i8 x i8 and u8 x u8
  auto splat = [&](OpBuilder &nb, Location l, VectorType t, int64_t v) -> Value {
    return arith::ConstantOp::create(
        nb, l, t, DenseElementsAttr::get(t, nb.getIntegerAttr(t.getElementType(), v)));
  };
  // sum_k a[m, k] per input row, as the input's signedness reads it.
  Value rowSums;
  if (flipRhs) {
    rowSums = memref::AllocOp::create(b, loc, MemRefType::get({ShapedType::kDynamic}, i32),
                                      ValueRange{m});
    auto wide = VectorType::get({step}, i32);
    scf::ForOp::create(b, loc, c0, m, c1, ValueRange{},
                       [&](OpBuilder &mb, Location ml, Value mi, ValueRange) {
                         auto sum = scf::ForOp::create(
                             mb, ml, c0, kEnd, indexCst(mb, ml, step),
                             ValueRange{splat(mb, ml, wide, 0)},
                             [&](OpBuilder &kb, Location kl, Value k, ValueRange acc) {
                               Value a = vector::LoadOp::create(kb, kl, bytesType, lhs,
                                                                ValueRange{mi, k});
                               a = lhsUnsigned ? Value(arith::ExtUIOp::create(kb, kl, wide, a))
                                               : Value(arith::ExtSIOp::create(kb, kl, wide, a));
                               scf::YieldOp::create(kb, kl,
                                                    Value(arith::AddIOp::create(kb, kl, acc[0], a)));
                             });
                         Value total = vector::ReductionOp::create(
                             mb, ml, vector::CombiningKind::ADD, sum.getResult(0));
                         memref::StoreOp::create(mb, ml, total, rowSums, ValueRange{mi});
                         scf::YieldOp::create(mb, ml);
                       });
  }
  auto emitTile = [&](OpBuilder &tb, Location l, ArrayRef<Value> rowIdx, Value m0, int64_t mr) {
    SmallVector<Value> mIdx = rowIndices(tb, l, m0, mr);
    SmallVector<Value> zeros(rows * mr, splat(tb, l, accType, 0));
    auto loop = scf::ForOp::create(
        tb, l, c0, kEnd, indexCst(tb, l, step), zeros,
        [&](OpBuilder &kb, Location kl, Value k, ValueRange accs) {
          SmallVector<Value> next(accs.begin(), accs.end());
          SmallVector<Value> a;
          for (int64_t j = 0; j < mr; ++j)
            a.push_back(vector::LoadOp::create(kb, kl, bytesType, lhs, ValueRange{mIdx[j], k}));
          for (int64_t r = 0; r < rows; ++r) {
            Value w = vector::LoadOp::create(kb, kl, bytesType, rhs, ValueRange{rowIdx[r], k});
            if (flipRhs)
              w = arith::XOrIOp::create(kb, kl, w, splat(kb, kl, bytesType, -128));
            // The unsigned operand first: the weight when it is read
            // unsigned (i8 x u8, or i8 x i8 offset by 128).
            bool weightUnsigned = swap || (flipRhs && !lhsUnsigned);
            for (int64_t j = 0; j < mr; ++j) {
              Value &acc = next[r * mr + j];
              acc = weightUnsigned ? buildX86ByteDot(kb, kl, acc, w, a[j])
                                   : buildX86ByteDot(kb, kl, acc, a[j], w);
            }
          }
          scf::YieldOp::create(kb, kl, next);
        });
    Value c7 = arith::ConstantOp::create(tb, l, tb.getI32IntegerAttr(7));
    for (int64_t j = 0; j < mr; ++j) {
      // 128 * sum_k a: subtracted for a weight offset by +128 (i8 x i8),
      // added for one offset by -128 (u8 x u8).
      Value correction;
      if (flipRhs)
        correction = arith::ShLIOp::create(
            tb, l, memref::LoadOp::create(tb, l, rowSums, ValueRange{mIdx[j]}), c7);
      for (int64_t r = 0; r < rows; ++r) {
        Value v = vector::ReductionOp::create(tb, l, vector::CombiningKind::ADD,
                                              loop.getResult(r * mr + j));
        if (correction)
          v = lhsUnsigned ? Value(arith::AddIOp::create(tb, l, v, correction))
                          : Value(arith::SubIOp::create(tb, l, v, correction));
        memref::StoreOp::create(tb, l, v, out, ValueRange{mIdx[j], rowIdx[r]});
      }
    }
  };
  forEachChannelTile(b, loc, spec, rows, [&](OpBuilder &tb, Location l, ArrayRef<Value> rowIdx) {
    forEachRowTile(tb, l, m, spec.mRows, [&](OpBuilder &mb, Location ml, Value m0, int64_t mr) {
      emitTile(mb, ml, rowIdx, m0, mr);
    });
  });
  func::ReturnOp::create(b, loc);
  return func;
}

/// Group-scaled integer kernels (W4A8, W8A8 with scales per group of K;
/// `spec.groupScaled()`): signed 8-bit inputs, 4- or 8-bit weights without
/// zero points. The weight is read as unsigned bytes `w + off` (i4: the
/// nibble xor 8, i8: the byte xor 0x80; u4/u8: off = 0) and multiplied
/// into the input bytes four per i32 lane (vpdpbusd's shape, buildX86ByteDot);
/// each group's lanes start from `-off * sum_{k in g} a` in lane 0, so
/// their sum is the group's exact sum. Packed weights pair their low
/// nibbles with the even inputs and the high ones with the odd inputs: the
/// prologue copies each input row once per call with every chunk of 8 VL
/// codes split into [even | odd] halves, and writes the corrections.
/// `count` steps of `step` from 0 carrying `inits`: an scf.for, or the
/// body inlined when there is one step (LLVM's IndVarSimplify spent
/// seconds per kernel on such one-iteration loops carrying vectors).
/// `body` returns the values for the next step.
SmallVector<Value> emitSteps(
    OpBuilder &b, Location loc, int64_t count, int64_t step, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)> body) {
  if (count == 1)
    return body(b, loc, indexCst(b, loc, 0), inits);
  auto loop = scf::ForOp::create(
      b, loc, indexCst(b, loc, 0), indexCst(b, loc, count * step), indexCst(b, loc, step), inits,
      [&](OpBuilder &lb, Location ll, Value iv, ValueRange args) {
        scf::YieldOp::create(lb, ll, body(lb, ll, iv, args));
      });
  return SmallVector<Value>(loop.getResults());
}

struct GroupScaledPrologue {
  Value a;    ///< the input as the tiles read it (split halves if packed)
  Value corr; ///< M x groups i32 corrections, or null when off = 0
};

GroupScaledPrologue emitGroupScaledPrologue(OpBuilder &b, Location loc, const KernelSpec &spec,
                                            Value lhs, Value m, int64_t off) {
  const int64_t vl = spec.vl, groups = spec.k / spec.group;
  bool packed = spec.scheme.isSubByte();
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  GroupScaledPrologue p{lhs, Value()};
  if (!packed && off == 0)
    return p;
  if (packed)
    p.a = memref::AllocOp::create(b, loc, MemRefType::get({ShapedType::kDynamic, spec.k}, i8),
                                  ValueRange{m});
  if (off != 0)
    p.corr = memref::AllocOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic, groups}, i32), ValueRange{m});
  // One chunk: the codes of one weight load (8 VL packed, 4 VL bytes).
  const int64_t chunk = packed ? 8 * vl : 4 * vl;
  auto chunkType = VectorType::get({chunk}, i8);
  auto wideType = VectorType::get({chunk}, i32);
  SmallVector<int64_t> even, odd;
  std::tie(even, odd) = getEvenOddLanes(4 * vl);
  Value c0 = indexCst(b, loc, 0), c1 = indexCst(b, loc, 1);
  scf::ForOp::create(b, loc, c0, m, c1, ValueRange{}, [&](OpBuilder &mb, Location ml, Value mi,
                                                          ValueRange) {
    scf::ForOp::create(mb, ml, c0, indexCst(mb, ml, groups), c1, ValueRange{},
                       [&](OpBuilder &gb, Location gl, Value g, ValueRange) {
      Value g0 = arith::MulIOp::create(gb, gl, g, indexCst(gb, gl, spec.group));
      Value zero = arith::ConstantOp::create(
          gb, gl, wideType, DenseElementsAttr::get(wideType, gb.getI32IntegerAttr(0)));
      SmallVector<Value> sum = emitSteps(
          gb, gl, spec.group / chunk, chunk, ValueRange{zero},
          [&](OpBuilder &kb, Location kl, Value kk, ValueRange acc) -> SmallVector<Value> {
            Value k = arith::AddIOp::create(kb, kl, g0, kk);
            Value v = vector::LoadOp::create(kb, kl, chunkType, lhs, ValueRange{mi, k});
            if (packed) {
              vector::StoreOp::create(kb, kl, vector::ShuffleOp::create(kb, kl, v, v, even), p.a,
                                      ValueRange{mi, k});
              Value kOdd = arith::AddIOp::create(kb, kl, k, indexCst(kb, kl, 4 * vl));
              vector::StoreOp::create(kb, kl, vector::ShuffleOp::create(kb, kl, v, v, odd), p.a,
                                      ValueRange{mi, kOdd});
            }
            Value next = acc[0];
            if (off != 0)
              next = arith::AddIOp::create(kb, kl, next,
                                           arith::ExtSIOp::create(kb, kl, wideType, v));
            return {next};
          });
      if (off != 0) {
        Value total =
            vector::ReductionOp::create(gb, gl, vector::CombiningKind::ADD, sum[0]);
        Value corr = arith::MulIOp::create(
            gb, gl, total, arith::ConstantOp::create(gb, gl, gb.getI32IntegerAttr(-off)));
        memref::StoreOp::create(gb, gl, corr, p.corr, ValueRange{mi, g});
      }
      scf::YieldOp::create(gb, gl);
    });
    scf::YieldOp::create(mb, ml);
  });
  return p;
}

/// Loads the f32 scale of `layout` for row `row` (input row or output
/// channel) and group `g`.
Value loadGroupScale(OpBuilder &b, Location loc, Value scale, ScaleLayout layout, Value row,
                     Value g) {
  switch (layout) {
  case ScaleLayout::PerRow:
    return memref::LoadOp::create(b, loc, scale, ValueRange{row});
  case ScaleLayout::Grouped:
    return memref::LoadOp::create(b, loc, scale, ValueRange{row, g});
  default:
    return memref::LoadOp::create(b, loc, scale, ValueRange{});
  }
}

/// The kernel: per tile of `rows` output channels x `mr` input rows and per
/// group, i32 lanes of byte products (from the corrections), converted to
/// f32 and multiplied by `sa * sw` into f32 lanes (a fused multiply-add);
/// lanes are added in a tree at the end, then the bias and the result
/// type. Exact group sums; the f32 sums are reassociated (documented).
func::FuncOp buildGroupScaledKernel(RewriterBase &rewriter, ModuleOp module,
                                    const KernelSpec &spec) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  OpBuilder b(ctx);
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
  const int64_t vl = spec.vl, rows = spec.rows, groups = spec.k / spec.group;
  bool packed = spec.scheme.isSubByte();
  StorageKind storage = spec.scheme.getStorage();
  int64_t off = storage == StorageKind::i4 ? 8 : storage == StorageKind::i8 ? 128 : 0;
  SmallVector<Type> args{
      MemRefType::get({ShapedType::kDynamic, spec.k}, i8),
      MemRefType::get({spec.n, packed ? spec.k / 2 : spec.k}, i8),
      MemRefType::get(spec.lhsScaleLayout == ScaleLayout::Grouped
                          ? SmallVector<int64_t>{ShapedType::kDynamic, groups}
                      : spec.lhsScaleLayout == ScaleLayout::PerRow
                          ? SmallVector<int64_t>{ShapedType::kDynamic}
                          : SmallVector<int64_t>{},
                      f32),
      MemRefType::get(getScaleShape(spec.scaleLayout, spec.n, spec.k, spec.group), f32)};
  if (spec.biasElt)
    args.push_back(MemRefType::get({spec.n}, spec.biasElt));
  args.push_back(MemRefType::get({ShapedType::kDynamic, spec.n}, spec.resElt));
  func::FuncOp func = createKernelFunction(rewriter, module, spec, FunctionType::get(ctx, args, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value lhs = entry->getArgument(0), rhs = entry->getArgument(1);
  Value lhsScale = entry->getArgument(2), rhsScale = entry->getArgument(3);
  Value bias = spec.biasElt ? entry->getArgument(4) : Value();
  Value out = entry->getArguments().back();
  Value c0 = indexCst(b, loc, 0), c1 = indexCst(b, loc, 1);
  Value m = memref::DimOp::create(b, loc, lhs, 0);
  GroupScaledPrologue pro = emitGroupScaledPrologue(b, loc, spec, lhs, m, off);

  const int64_t chunk = packed ? 8 * vl : 4 * vl; // codes per weight load
  auto bytesType = VectorType::get({4 * vl}, i8);
  auto intType = VectorType::get({vl}, i32);
  auto accType = VectorType::get({vl}, f32);
  auto splat = [&](OpBuilder &nb, Location l, VectorType t, Attribute v) -> Value {
    return arith::ConstantOp::create(nb, l, t, DenseElementsAttr::get(t, v));
  };
  auto emitTile = [&](OpBuilder &tb, Location l, ArrayRef<Value> rowIdx, Value m0, int64_t mr) {
    SmallVector<Value> mIdx = rowIndices(tb, l, m0, mr);
    SmallVector<Value> zeros(rows * mr, zeroVector(tb, l, accType));
    auto groupLoop = scf::ForOp::create(
        tb, l, c0, indexCst(tb, l, groups), c1, zeros,
        [&](OpBuilder &gb, Location gl, Value g, ValueRange yAccs) {
          Value g0 = arith::MulIOp::create(gb, gl, g, indexCst(gb, gl, spec.group));
          Value zeroInt = splat(gb, gl, intType, gb.getI32IntegerAttr(0));
          SmallVector<Value> init;
          for (int64_t j = 0; j < mr; ++j)
            init.push_back(pro.corr ? Value(vector::InsertOp::create(
                                          gb, gl,
                                          memref::LoadOp::create(gb, gl, pro.corr,
                                                                 ValueRange{mIdx[j], g}),
                                          zeroInt, 0))
                                    : zeroInt);
          SmallVector<Value> inits;
          for (int64_t r = 0; r < rows; ++r)
            inits.append(init);
          SmallVector<Value> groupSums = emitSteps(
              gb, gl, spec.group / chunk, chunk, inits,
              [&](OpBuilder &kb, Location kl, Value kk, ValueRange iAccs) -> SmallVector<Value> {
                Value k = arith::AddIOp::create(kb, kl, g0, kk);
                Value kOdd = arith::AddIOp::create(kb, kl, k, indexCst(kb, kl, 4 * vl));
                SmallVector<Value> next(iAccs.begin(), iAccs.end());
                SmallVector<Value> aLo, aHi;
                for (Value mi : mIdx) {
                  aLo.push_back(vector::LoadOp::create(kb, kl, bytesType, pro.a, ValueRange{mi, k}));
                  if (packed)
                    aHi.push_back(
                        vector::LoadOp::create(kb, kl, bytesType, pro.a, ValueRange{mi, kOdd}));
                }
                Value kw = packed ? Value(arith::DivUIOp::create(kb, kl, k, indexCst(kb, kl, 2))) : k;
                for (int64_t r = 0; r < rows; ++r) {
                  Value w = vector::LoadOp::create(kb, kl, bytesType, rhs, ValueRange{rowIdx[r], kw});
                  if (off != 0)
                    w = arith::XOrIOp::create(
                        kb, kl, w, splat(kb, kl, bytesType, kb.getI8IntegerAttr(packed ? 0x88 : -128)));
                  Value lo = w, hi;
                  if (packed) {
                    lo = arith::AndIOp::create(kb, kl, w, splat(kb, kl, bytesType, kb.getI8IntegerAttr(15)));
                    hi = arith::ShRUIOp::create(kb, kl, w, splat(kb, kl, bytesType, kb.getI8IntegerAttr(4)));
                  }
                  for (int64_t j = 0; j < mr; ++j) {
                    Value &acc = next[r * mr + j];
                    acc = buildX86ByteDot(kb, kl, acc, lo, aLo[j]);
                    if (packed)
                      acc = buildX86ByteDot(kb, kl, acc, hi, aHi[j]);
                  }
                }
                return next;
              });
          SmallVector<Value> y(yAccs.begin(), yAccs.end());
          for (int64_t j = 0; j < mr; ++j) {
            Value sa = loadGroupScale(gb, gl, lhsScale, spec.lhsScaleLayout, mIdx[j], g);
            for (int64_t r = 0; r < rows; ++r) {
              Value sw = loadGroupScale(gb, gl, rhsScale, spec.scaleLayout, rowIdx[r], g);
              Value s = vector::BroadcastOp::create(gb, gl, accType,
                                                    arith::MulFOp::create(gb, gl, sa, sw));
              Value sum = arith::SIToFPOp::create(gb, gl, accType, groupSums[r * mr + j]);
              y[r * mr + j] = vector::FMAOp::create(gb, gl, sum, s, y[r * mr + j]);
            }
          }
          scf::YieldOp::create(gb, gl, y);
        });
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < mr; ++j) {
        Value v = vector::ReductionOp::create(tb, l, vector::CombiningKind::ADD,
                                              groupLoop.getResult(r * mr + j),
                                              arith::FastMathFlags::reassoc);
        if (bias)
          v = arith::AddFOp::create(
              tb, l, v, extendToF32(tb, l, memref::LoadOp::create(tb, l, bias, ValueRange{rowIdx[r]})));
        memref::StoreOp::create(tb, l, truncFromF32(tb, l, v, spec.resElt), out,
                                ValueRange{mIdx[j], rowIdx[r]});
      }
  };
  forEachChannelTile(b, loc, spec, rows, [&](OpBuilder &tb, Location l, ArrayRef<Value> rowIdx) {
    forEachRowTile(tb, l, m, spec.mRows, [&](OpBuilder &mb, Location ml, Value m0, int64_t mr) {
      emitTile(mb, ml, rowIdx, m0, mr);
    });
  });
  func::ReturnOp::create(b, loc);
  return func;
}

/// Builds the f32 kernel for a K x N weight (`spec.kn`): out[m, n] =
/// sum_k A[m, k] W[k, n] with the output columns in lanes, so nothing is
/// reduced across lanes. Per k, a block of weight vectors is loaded once
/// and multiplied into the broadcast activation of each input row of the
/// tile (the register tile of a GEMM microkernel on row-major weights);
/// products are summed in increasing k with fused multiply-adds, as the
/// reference does with separate multiplies and adds.
///
/// The parallel loop runs over blocks of `spec.wideVectors` vectors of N.
/// Consecutive k are N floats apart, a stride that crosses a page per row
/// and that hardware stream prefetchers do not follow, so:
///  * single input rows take the whole block per k (one long contiguous
///    read per weight row) and prefetch the rows ahead;
///  * tiles of `mRows` input rows take `rows` vectors at a time;
///  * from `panelMinM` input rows the block's weights are first copied,
///    `rows` vectors at a time, into a contiguous K x (rows * vl) panel
///    that all input rows then read (the packing of a GEMM).
class FloatKNKernelBuilder {
public:
  FloatKNKernelBuilder(RewriterBase &rewriter, ModuleOp module, const KernelSpec &spec)
      : rewriter(rewriter), module(module), spec(spec), b(module.getContext()), vl(spec.vl),
        narrow(spec.rows), wide(spec.wideVectors),
        lineVectors(std::max<int64_t>(1, 16 / spec.vl)) {}
  func::FuncOp build();

private:
  /// The reduction over k in [begin, stop) (weights row k - srcRow0 of the
  /// source when srcRow0 is set); the sums start from zero, or where
  /// `accumulate` holds from `out` (a previous range of k).
  struct KRange {
    Value begin, stop, srcRow0, accumulate;
  };
  /// Each step prefetches the weights `rowsAhead` rows ahead in `rhs`, at
  /// columns `col` + v vl.
  struct Prefetch {
    int64_t rowsAhead = 0;
    Value col;
    int64_t localityHint = 3;
  };
  void emitTile(OpBuilder &tb, Location l, Value src, Value srcCol, Value outCol, Value m0,
                int64_t mr, int64_t vectors, Prefetch prefetch, KRange range) const;
  void forEachSubBlock(OpBuilder &tb, Location l, Value n0, int64_t vectors,
                       function_ref<void(OpBuilder &, Location, Value)> body) const;
  void emitDirect(OpBuilder &tb, Location l, Value n0) const;
  void emitPacked(OpBuilder &tb, Location l, Value n0) const;

  RewriterBase &rewriter;
  ModuleOp module;
  const KernelSpec &spec;
  OpBuilder b;
  const int64_t vl, narrow, wide;
  const int64_t lineVectors; ///< vectors per 64-byte line
  VectorType accType;
  Value lhs, rhs, out, m, c0, c1, kEnd, lastRow;
};

/// Input rows [m0, m0 + mr) times `vectors` vectors of weights read from
/// `src` at columns `srcCol` + v vl, over `range`, written to `out` at
/// `outCol` + v vl.
void FloatKNKernelBuilder::emitTile(OpBuilder &tb, Location l, Value src, Value srcCol,
                                    Value outCol, Value m0, int64_t mr, int64_t vectors,
                                    Prefetch prefetch, KRange range) const {
  SmallVector<Value> mIdx = rowIndices(tb, l, m0, mr);
  SmallVector<Value> srcCols, outCols;
  for (int64_t v = 0; v < vectors; ++v) {
    Value off = indexCst(tb, l, v * vl);
    srcCols.push_back(v ? Value(arith::AddIOp::create(tb, l, srcCol, off)) : srcCol);
    outCols.push_back(v ? Value(arith::AddIOp::create(tb, l, outCol, off)) : outCol);
  }
  SmallVector<Value> init(vectors * mr, zeroVector(tb, l, accType));
  if (range.accumulate) {
    auto partial = scf::IfOp::create(
        tb, l, range.accumulate,
        [&](OpBuilder &ib, Location il) {
          SmallVector<Value> loaded;
          for (int64_t j = 0; j < mr; ++j)
            for (int64_t v = 0; v < vectors; ++v)
              loaded.push_back(
                  vector::LoadOp::create(ib, il, accType, out, ValueRange{mIdx[j], outCols[v]}));
          scf::YieldOp::create(ib, il, loaded);
        },
        [&](OpBuilder &ib, Location il) { scf::YieldOp::create(ib, il, init); });
    init.assign(partial.getResults().begin(), partial.getResults().end());
  }
  auto loop = scf::ForOp::create(
      tb, l, range.begin, range.stop, c1, init,
      [&](OpBuilder &kb, Location kl, Value k, ValueRange accs) {
        Value srcRow = range.srcRow0 ? Value(arith::SubIOp::create(kb, kl, k, range.srcRow0)) : k;
        if (prefetch.rowsAhead > 0) {
          Value ahead = arith::MinUIOp::create(
              kb, kl, arith::AddIOp::create(kb, kl, k, indexCst(kb, kl, prefetch.rowsAhead)),
              lastRow);
          for (int64_t v = 0; v < vectors; v += lineVectors) {
            Value col = v ? Value(arith::AddIOp::create(kb, kl, prefetch.col,
                                                        indexCst(kb, kl, v * vl)))
                          : prefetch.col;
            memref::PrefetchOp::create(kb, kl, rhs, ValueRange{ahead, col}, /*isWrite=*/false,
                                       prefetch.localityHint, /*isDataCache=*/true);
          }
        }
        SmallVector<Value> w;
        for (Value col : srcCols)
          w.push_back(vector::LoadOp::create(kb, kl, accType, src, ValueRange{srcRow, col}));
        SmallVector<Value> next(accs.begin(), accs.end());
        for (int64_t j = 0; j < mr; ++j) {
          Value a = vector::BroadcastOp::create(
              kb, kl, accType, memref::LoadOp::create(kb, kl, lhs, ValueRange{mIdx[j], k}));
          for (int64_t v = 0; v < vectors; ++v)
            next[j * vectors + v] = vector::FMAOp::create(kb, kl, a, w[v], next[j * vectors + v]);
        }
        scf::YieldOp::create(kb, kl, next);
      });
  for (int64_t j = 0; j < mr; ++j)
    for (int64_t v = 0; v < vectors; ++v)
      vector::StoreOp::create(tb, l, loop.getResult(j * vectors + v), out,
                              ValueRange{mIdx[j], outCols[v]});
}

/// Calls `body(builder, loc, column)` for the sub-blocks of `vectors`
/// vectors of the block at n0.
void FloatKNKernelBuilder::forEachSubBlock(
    OpBuilder &tb, Location l, Value n0, int64_t vectors,
    function_ref<void(OpBuilder &, Location, Value)> body) const {
  if (vectors == wide)
    return body(tb, l, n0);
  scf::ForOp::create(tb, l, c0, indexCst(tb, l, wide * vl), indexCst(tb, l, vectors * vl),
                     ValueRange{}, [&](OpBuilder &sb, Location sl, Value s, ValueRange) {
                       body(sb, sl, arith::AddIOp::create(sb, sl, n0, s));
                       scf::YieldOp::create(sb, sl);
                     });
}

/// Few input rows: straight from the weights. Tiles of `mRows` input rows
/// run over each sub-block of `narrow` vectors in turn (so the sub-block is
/// read from memory once and then from cache); the remaining rows form one
/// tile of 2 .. mRows - 1 rows the same way, or a single row that takes the
/// whole block per k.
void FloatKNKernelBuilder::emitDirect(OpBuilder &tb, Location l, Value n0) const {
  auto ahead = [&](int64_t vectors, Value col) {
    return Prefetch{std::max<int64_t>(2, 1024 / (vl * vectors)), col}; // ~4 KiB in flight
  };
  KRange all{c0, kEnd, {}, {}};
  Value mFull = c0;
  if (spec.mRows > 1) {
    Value mr = indexCst(tb, l, spec.mRows);
    mFull = arith::MulIOp::create(tb, l, arith::DivUIOp::create(tb, l, m, mr), mr);
    forEachSubBlock(tb, l, n0, narrow, [&](OpBuilder &sb, Location sl, Value col) {
      scf::ForOp::create(sb, sl, c0, mFull, indexCst(sb, sl, spec.mRows), ValueRange{},
                         [&](OpBuilder &mb, Location ml, Value m0, ValueRange) {
                           emitTile(mb, ml, rhs, col, col, m0, spec.mRows, narrow,
                                    ahead(narrow, col), all);
                           scf::YieldOp::create(mb, ml);
                         });
    });
  }
  Value rest = arith::SubIOp::create(tb, l, m, mFull);
  SmallVector<int64_t> cases;
  for (int64_t mr = 1; mr < spec.mRows; ++mr)
    cases.push_back(mr);
  if (cases.empty())
    return;
  auto restSwitch = scf::IndexSwitchOp::create(tb, l, TypeRange{}, rest, cases, cases.size());
  OpBuilder::InsertionGuard guard(tb);
  for (size_t i = 0; i < cases.size(); ++i) {
    Block &block = restSwitch.getCaseRegions()[i].emplaceBlock();
    tb.setInsertionPointToStart(&block);
    int64_t mr = cases[i], vectors = mr > 1 ? narrow : wide;
    forEachSubBlock(tb, l, n0, vectors, [&](OpBuilder &sb, Location sl, Value col) {
      emitTile(sb, sl, rhs, col, col, mFull, mr, vectors, ahead(vectors, col), all);
    });
    scf::YieldOp::create(tb, l);
  }
  tb.setInsertionPointToStart(&restSwitch.getDefaultRegion().emplaceBlock());
  scf::YieldOp::create(tb, l);
}

/// Many input rows: the classic GEMM loop nest. K is taken in chunks of
/// `kc` rows; each chunk of the block is packed (each k's row read whole,
/// like a single input row, into `wide / narrow` contiguous kc x (narrow
/// vl) panels) and all input rows then run over it, continuing the sums
/// that the previous chunks left in `out` (the same order of additions as
/// one pass over K).
void FloatKNKernelBuilder::emitPacked(OpBuilder &tb, Location l, Value n0) const {
  const int64_t panelCols = narrow * vl, numPanels = wide / narrow;
  // A panel (kc x narrow vl floats) of 32 KiB: it stays in L1 while the
  // tiles of input rows run over it.
  const int64_t kc =
      std::min<int64_t>(spec.k, std::max<int64_t>(16, (8 * 1024) / (narrow * vl)));
  auto panelsType = MemRefType::get({numPanels, kc, panelCols}, tb.getF32Type());
  Value panels = memref::AllocOp::create(tb, l, panelsType);
  int64_t prefetchRows = std::max<int64_t>(2, 1024 / (vl * wide));
  scf::ForOp::create(
      tb, l, c0, kEnd, indexCst(tb, l, kc), ValueRange{},
      [&](OpBuilder &cb, Location cl, Value k0, ValueRange) {
        Value k1 = arith::MinUIOp::create(cb, cl, arith::AddIOp::create(cb, cl, k0, indexCst(cb, cl, kc)), kEnd);
        scf::ForOp::create(
            cb, cl, k0, k1, c1, ValueRange{}, [&](OpBuilder &kb, Location kl, Value k, ValueRange) {
              Value ahead = arith::MinUIOp::create(
                  kb, kl, arith::AddIOp::create(kb, kl, k, indexCst(kb, kl, prefetchRows)),
                  lastRow);
              Value row = arith::SubIOp::create(kb, kl, k, k0);
              for (int64_t v = 0; v < wide; ++v) {
                Value col = arith::AddIOp::create(kb, kl, n0, indexCst(kb, kl, v * vl));
                if (v % lineVectors == 0)
                  memref::PrefetchOp::create(kb, kl, rhs, ValueRange{ahead, col},
                                             /*isWrite=*/false, /*localityHint=*/3,
                                             /*isDataCache=*/true);
                Value w = vector::LoadOp::create(kb, kl, accType, rhs, ValueRange{k, col});
                vector::StoreOp::create(kb, kl, w, panels,
                                        ValueRange{indexCst(kb, kl, v / narrow), row,
                                                   indexCst(kb, kl, (v % narrow) * vl)});
              }
              scf::YieldOp::create(kb, kl);
            });
        Value accumulate = arith::CmpIOp::create(cb, cl, arith::CmpIPredicate::ne, k0, c0);
        for (int64_t p = 0; p < numPanels; ++p) {
          // Panel p as a kc x (narrow vl) memref.
          auto panelType = cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
              {kc, panelCols}, panelsType, ArrayRef<int64_t>{p, 0, 0},
              ArrayRef<int64_t>{1, kc, panelCols}, ArrayRef<int64_t>{1, 1, 1}));
          auto attrs = [&](std::initializer_list<int64_t> v) {
            SmallVector<OpFoldResult> r;
            for (int64_t x : v)
              r.push_back(cb.getIndexAttr(x));
            return r;
          };
          Value panel = memref::SubViewOp::create(cb, cl, panelType, panels, attrs({p, 0, 0}),
                                                  attrs({1, kc, panelCols}), attrs({1, 1, 1}));
          Value col = arith::AddIOp::create(cb, cl, n0, indexCst(cb, cl, p * panelCols));
          // The first tile of input rows (there are at least mRows) also
          // prefetches the panel's share of the next chunk into L2, so
          // that memory works while the tiles compute.
          KRange chunk{k0, k1, k0, accumulate};
          emitTile(cb, cl, panel, c0, col, c0, spec.mRows, narrow, Prefetch{kc, col, 2}, chunk);
          forEachRowTile(cb, cl, m, spec.mRows, indexCst(cb, cl, spec.mRows),
                         [&](OpBuilder &mb, Location ml, Value m0, int64_t mr) {
                           emitTile(mb, ml, panel, c0, col, m0, mr, narrow, Prefetch{}, chunk);
                         });
        }
        scf::YieldOp::create(cb, cl);
      });
}

func::FuncOp FloatKNKernelBuilder::build() {
  Location loc = module.getLoc();
  Type f32 = b.getF32Type();
  ThreeArgKernel kernel =
      createThreeArgKernel(rewriter, module, spec, b, f32, {spec.k, spec.n}, f32);
  lhs = kernel.lhs;
  rhs = kernel.rhs;
  out = kernel.out;
  accType = VectorType::get({vl}, f32);
  c0 = indexCst(b, loc, 0);
  c1 = indexCst(b, loc, 1);
  kEnd = indexCst(b, loc, spec.k);
  lastRow = indexCst(b, loc, spec.k - 1);
  m = memref::DimOp::create(b, loc, lhs, 0);
  const int64_t blockCols = wide * vl;
  forEachTile(b, loc, spec.parallel, spec.n / blockCols, [&](OpBuilder &tb, Location l, Value t) {
    Value n0 = arith::MulIOp::create(tb, l, t, indexCst(tb, l, blockCols));
    if (spec.panelMinM <= 0)
      return emitDirect(tb, l, n0);
    emitByRowCount(
        tb, l, m, spec.panelMinM, [&] { emitPacked(tb, l, n0); }, [&] { emitDirect(tb, l, n0); });
  });
  func::ReturnOp::create(b, loc);
  return kernel.func;
}

func::FuncOp buildFloatKNKernel(RewriterBase &rewriter, ModuleOp module, const KernelSpec &spec) {
  return FloatKNKernelBuilder(rewriter, module, spec).build();
}

/// Calls the kernel for `spec` on `operands` (lhs, rhs, [scale], [zero
/// point], [bias]) and returns its result, a tensor of `resultType`.
Value callKernel(PatternRewriter &rewriter, Operation *op, const KernelSpec &spec,
                 ArrayRef<Value> operands, RankedTensorType resultType) {
  auto module = op->getParentOfType<ModuleOp>();
  std::string name = spec.name();
  auto func = module.lookupSymbol<func::FuncOp>(name);
  if (!func)
    func = spec.groupScaled()           ? buildGroupScaledKernel(rewriter, module, spec)
           : spec.lhsScheme && spec.vnni ? buildIntegerDotKernel(rewriter, module, spec)
           : spec.lhsScheme            ? buildIntegerKernel(rewriter, module, spec)
           : spec.kn      ? buildFloatKNKernel(rewriter, module, spec)
                          : buildKernel(rewriter, module, spec);
  Location loc = op->getLoc();
  // Buffers, cast to the kernel's types (M is dynamic there).
  ArrayRef<Type> kernelTypes = func.getFunctionType().getInputs();
  SmallVector<Value> args;
  for (auto [v, type] : llvm::zip(operands, kernelTypes))
    args.push_back(bufferForKernel(rewriter, loc, v, type));
  SmallVector<Value> dynamic;
  if (resultType.isDynamicDim(0))
    dynamic.push_back(tensor::DimOp::create(rewriter, loc, operands[0], 0));
  Value outBuf = memref::AllocOp::create(rewriter, loc, bufferType(resultType), dynamic);
  args.push_back(castBuffer(rewriter, loc, outBuf, kernelTypes.back()));
  func::CallOp::create(rewriter, loc, func, args);
  return bufferization::ToTensorOp::create(rewriter, loc, resultType, outBuf,
                                           /*restrict=*/true, /*writable=*/true);
}

/// Replaces `op` (a single result) by a call of the kernel for `spec`.
void replaceWithKernelCall(PatternRewriter &rewriter, Operation *op,
                           const KernelSpec &spec, ArrayRef<Value> operands) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  rewriter.replaceOp(op, callKernel(rewriter, op, spec, operands, resultType));
}

/// The tiles of a weight that is `linalg.unpack` of the tiled layout
/// (parameter files written with it), or null.
Value getTiledWeightSource(Value rhs) {
  auto unpack = rhs.getDefiningOp<linalg::UnPackOp>();
  if (!unpack || !unpack.hasPureTensorSemantics() || !unpack.getSourceType().hasStaticShape())
    return {};
  ArrayRef<int64_t> perm = unpack.getOuterDimsPerm();
  if (!perm.empty() && perm != ArrayRef<int64_t>{0, 1})
    return {};
  if (unpack.getInnerDimsPos() != ArrayRef<int64_t>{0, 1} ||
      unpack.getStaticInnerTiles() != ArrayRef<int64_t>{kWeightTileRows, kWeightTileBytes})
    return {};
  auto dest = cast<RankedTensorType>(unpack.getResult().getType());
  ArrayRef<int64_t> src = unpack.getSourceType().getShape();
  // No padding: the tiles cover the weight exactly.
  if (src[0] * kWeightTileRows != dest.getDimSize(0) ||
      src[1] * kWeightTileBytes != dest.getDimSize(1))
    return {};
  return unpack.getSource();
}

/// A constant 4-bit weight `rhs` (N x K/2 bytes) in the tiled layout
/// (kWeightTileRows x kWeightTileBytes tiles, see KernelSpec), a new
/// dense_resource constant; null when `rhs` is not a constant with data.
/// `cache` maps constants already tiled to their tiled values.
Value tileConstantWeight(PatternRewriter &rewriter, Value rhs,
                         DenseMap<Attribute, ElementsAttr> &cache) {
  ElementsAttr value;
  if (!matchPattern(rhs, m_Constant(&value)))
    return {};
  auto type = cast<RankedTensorType>(value.getType());
  int64_t n = type.getDimSize(0), bytes = type.getDimSize(1);
  ElementsAttr &tiled = cache[value];
  if (!tiled) {
    ArrayRef<char> data = getConstantBytes(value);
    if (data.size() != size_t(n * bytes))
      return {};
    std::vector<char> out = tileWeightBytes(data, n, bytes);
    auto tiledType = RankedTensorType::get(
        {n / kWeightTileRows, bytes / kWeightTileBytes, kWeightTileRows, kWeightTileBytes},
        type.getElementType());
    std::string name = "quantx_tiled_weight";
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
      name = (resource.getRawHandle().getKey() + ".tiled").str();
    tiled = DenseResourceElementsAttr::get(
        tiledType, name, HeapAsmResourceBlob::allocateAndCopyWithAlign(out, /*align=*/64));
  }
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointAfterValue(rhs);
  return arith::ConstantOp::create(rewriter, rhs.getLoc(), cast<TypedAttr>(tiled));
}

/// The options' share of a kernel spec for an N x K weight: tiling, vector
/// width, one group spanning K, no scales; callers refine it.
KernelSpec baseSpec(const QuantXMatmulKernelsOptions &options, int64_t n, int64_t k) {
  KernelSpec spec;
  spec.n = n;
  spec.k = k;
  spec.group = k;
  spec.scaleLayout = ScaleLayout::None;
  spec.vl = options.vectorWidth;
  spec.parallel = options.parallel;
  spec.rows = resolvedKernelRows(options);
  while (spec.rows > 1 && n % spec.rows != 0)
    spec.rows /= 2;
  spec.mRows = options.mRows;
  spec.panelMinM = options.panelMinM;
  return spec;
}

struct QuantizedMatmulToKernel : OpRewritePattern<MatmulOp> {
  QuantizedMatmulToKernel(MLIRContext *ctx, const QuantXMatmulKernelsOptions &options,
      PatternBenefit benefit = 1)
      : OpRewritePattern(ctx, benefit), options(options) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != MatmulOp::Kind::WeightOnly)
      return rewriter.notifyMatchFailure(op, "not a weight-only matmul");
    // 4-bit kernels step through two vectors of codes per packed vector.
    int64_t step = op.getRhsScheme().isSubByte() ? 2 * options.vectorWidth : options.vectorWidth;
    std::string reason;
    FailureOr<WeightOnlyMatmul> info = analyzeWeightOnlyMatmul(op, step, reason);
    if (failed(info))
      return rewriter.notifyMatchFailure(op, reason);
    KernelSpec spec = baseSpec(options, info->n, info->k);
    static_cast<QuantizedMatmulShape &>(spec) = *info;
    spec.x86Permute = options.x86Permute && (spec.vl == 8 || spec.vl == 16);
    // 4-bit codes (two per byte) and 8-bit codes (int8, FP8).
    int64_t rowBytes = spec.scheme.isSubByte() ? spec.k / 2 : spec.k;
    bool tileable = (spec.scheme.isSubByte() || spec.rhsElt.getIntOrFloatBitWidth() == 8) &&
                    spec.n % kWeightTileRows == 0 && rowBytes % kWeightTileBytes == 0 &&
                    spec.vl <= kWeightTileBytes;
    Value tiled;
    if (tileable)
      tiled = getTiledWeightSource(info->operands[1]);
    if (tileable && !tiled && options.tileWeights)
      tiled = tileConstantWeight(rewriter, info->operands[1], *tiledConstants);
    if (tiled) {
      spec.tiledWeight = true;
      spec.rows = kWeightTileRows;
      spec.prefetchBytes = options.prefetchBytes;
      info->operands[1] = tiled;
    }
    replaceWithKernelCall(rewriter, op, spec, info->operands);
    return success();
  }

  QuantXMatmulKernelsOptions options;
  /// Constant weights already tiled (one copy for all their users).
  std::shared_ptr<DenseMap<Attribute, ElementsAttr>> tiledConstants =
      std::make_shared<DenseMap<Attribute, ElementsAttr>>();
};

/// Integer (W8A8) quantx.matmul with 8-bit codes: the exact i32
/// accumulator from the integer kernel, then the reference lowering's
/// epilogue (zero-point corrections, bias, scales, requantization), so
/// results are bit-identical to --quantx-lower-to-linalg.
struct IntegerMatmulToKernel : OpRewritePattern<MatmulOp> {
  IntegerMatmulToKernel(MLIRContext *ctx, const QuantXMatmulKernelsOptions &options,
      PatternBenefit benefit = 1)
      : OpRewritePattern(ctx, benefit), options(options) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != MatmulOp::Kind::Integer)
      return rewriter.notifyMatchFailure(op, "not an integer matmul");
    if (op.getScaleGroupSize())
      return rewriter.notifyMatchFailure(op, "scales per group along K");
    SchemeAttr scheme = op.getRhsScheme();
    RankedTensorType rhsType = op.getRhs().getType();
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    if (scheme.isSubByte() || !rhsType.hasStaticShape() || lhsType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "4-bit or dynamic weights");
    KernelSpec spec = baseSpec(options, rhsType.getDimSize(0), rhsType.getDimSize(1));
    spec.panelMinM = 0;
    spec.scheme = scheme;
    spec.lhsScheme = op.getLhsSchemeAttr();
    spec.lhsElt = spec.rhsElt = rewriter.getI8Type();
    spec.resElt = rewriter.getI32Type();
    if (spec.k % (2 * spec.vl) != 0)
      return rewriter.notifyMatchFailure(op, "K is not a multiple of the step");
    spec.vnni = options.vnni && spec.k % (4 * spec.vl) == 0;
    auto accType = RankedTensorType::get(
        cast<RankedTensorType>(op.getResult().getType()).getShape(), rewriter.getI32Type());
    Value acc = callKernel(rewriter, op, spec, {op.getLhs(), op.getRhs()}, accType);
    rewriter.replaceOp(op, buildMatmulEpilogue(rewriter, op.getLoc(), op, acc));
    return success();
  }

  QuantXMatmulKernelsOptions options;
};

/// Group-scaled integer quantx.matmul (scales per group of K) with signed
/// 8-bit inputs and no zero points: buildGroupScaledKernel, which also
/// adds the bias and rounds to the result type. The vector width is the
/// widest (down to 4 lanes) whose byte step divides a group.
struct GroupScaledMatmulToKernel : OpRewritePattern<MatmulOp> {
  GroupScaledMatmulToKernel(MLIRContext *ctx, const QuantXMatmulKernelsOptions &options)
      : OpRewritePattern(ctx, /*benefit=*/2), options(options) {}

  static ScaleLayout layoutOf(SchemeAttr scheme) {
    return scheme.isGrouped()    ? ScaleLayout::Grouped
           : scheme.isPerTensor() ? ScaleLayout::PerTensor
                                  : ScaleLayout::PerRow;
  }

  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    std::optional<int64_t> group = op.getScaleGroupSize();
    if (!group)
      return rewriter.notifyMatchFailure(op, "not a group-scaled integer matmul");
    SchemeAttr scheme = op.getRhsScheme(), lhsScheme = op.getLhsSchemeAttr();
    if (lhsScheme.getStorage() != StorageKind::i8 || op.getLhsZeroPoint() || op.getRhsZeroPoint())
      return rewriter.notifyMatchFailure(op, "unsigned inputs or zero points");
    RankedTensorType rhsType = op.getRhs().getType();
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    if (!rhsType.hasStaticShape() || lhsType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "dynamic weight shape or K");
    auto f32Scale = [](Value v) {
      return cast<ShapedType>(v.getType()).getElementType().isF32();
    };
    if (!f32Scale(op.getLhsScale()) || !f32Scale(op.getRhsScale()))
      return rewriter.notifyMatchFailure(op, "scales are not f32");
    bool packed = scheme.isSubByte();
    int64_t k = lhsType.getDimSize(1);
    int64_t groupBytes = packed ? *group / 2 : *group;
    KernelSpec spec = baseSpec(options, rhsType.getDimSize(0), k);
    while (spec.vl > 4 && groupBytes % (4 * spec.vl) != 0)
      spec.vl /= 2;
    if (groupBytes % (4 * spec.vl) != 0)
      return rewriter.notifyMatchFailure(op, "groups smaller than a step of 4 x 4 bytes");
    spec.group = *group;
    spec.scheme = scheme;
    spec.lhsScheme = lhsScheme;
    spec.scaleLayout = layoutOf(scheme);
    spec.lhsScaleLayout = layoutOf(lhsScheme);
    spec.lhsElt = spec.rhsElt = rewriter.getI8Type();
    spec.scaleElt = rewriter.getF32Type();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    spec.resElt = resultType.getElementType();
    SmallVector<Value> operands{op.getLhs(), op.getRhs(), op.getLhsScale(), op.getRhsScale()};
    if (Value bias = op.getBias()) {
      spec.biasElt = cast<ShapedType>(bias.getType()).getElementType();
      operands.push_back(bias);
    }
    replaceWithKernelCall(rewriter, op, spec, operands);
    return success();
  }

  QuantXMatmulKernelsOptions options;
};

/// FP8 x FP8 quantx.matmul: the input codes are decoded to f32 once (an
/// elementwise pass), the weights inside the kernel; the f32 accumulator
/// then goes through the reference epilogue (scales, requantization).
/// E4M3FN weights are read as raw f32 bits (value * 2^-120) against inputs
/// multiplied by 2^60, so each product is the exact product times 2^-60,
/// a normal f32 for any FP8 operands, and the sum is multiplied by 2^60 at
/// the end: the same roundings as on the unscaled values.
struct Float8MatmulToKernel : OpRewritePattern<MatmulOp> {
  Float8MatmulToKernel(MLIRContext *ctx, const QuantXMatmulKernelsOptions &options,
      PatternBenefit benefit = 1)
      : OpRewritePattern(ctx, benefit), options(options) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != MatmulOp::Kind::Float8)
      return rewriter.notifyMatchFailure(op, "not an FP8 matmul");
    SchemeAttr scheme = op.getRhsScheme();
    RankedTensorType rhsType = op.getRhs().getType();
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    if (!rhsType.hasStaticShape() || lhsType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "dynamic weight shape or K");
    KernelSpec spec = baseSpec(options, rhsType.getDimSize(0), rhsType.getDimSize(1));
    spec.scheme = scheme;
    spec.fp8Bits = scheme.getStorage() == StorageKind::f8E4M3FN;
    spec.lhsElt = spec.resElt = rewriter.getF32Type();
    spec.rhsElt = rhsType.getElementType();
    if (spec.k % spec.vl != 0)
      return rewriter.notifyMatchFailure(op, "K is not a multiple of the vector width");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    double prescale = spec.fp8Bits ? std::ldexp(1.0, 60) : 1.0;
    auto elementwise = [&](Value in, Type outElt,
                           function_ref<Value(OpBuilder &, Location, Value)> body) {
      auto inType = cast<RankedTensorType>(in.getType());
      auto outType = inType.clone(outElt);
      SmallVector<Value> dynamic;
      for (int64_t d = 0; d < inType.getRank(); ++d)
        if (inType.isDynamicDim(d))
          dynamic.push_back(tensor::DimOp::create(rewriter, loc, in, d));
      Value init = tensor::EmptyOp::create(rewriter, loc, outType, dynamic);
      AffineMap id = AffineMap::getMultiDimIdentityMap(inType.getRank(), ctx);
      SmallVector<utils::IteratorType> iters(inType.getRank(), utils::IteratorType::parallel);
      return linalg::GenericOp::create(
                 rewriter, loc, outType, ValueRange{in}, ValueRange{init},
                 ArrayRef<AffineMap>{id, id}, iters,
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(b, l, body(b, l, args[0]));
                 })
          .getResult(0);
    };
    auto scaleBy = [&](OpBuilder &b, Location l, Value v, double f) -> Value {
      if (f == 1.0)
        return v;
      return arith::MulFOp::create(
          b, l, v, arith::ConstantOp::create(b, l, b.getF32FloatAttr(float(f))));
    };
    Value a = elementwise(op.getLhs(), rewriter.getF32Type(),
                          [&](OpBuilder &b, Location l, Value code) {
                            return scaleBy(b, l, emitFloat8ToF32(b, l, code), prescale);
                          });
    auto accType = RankedTensorType::get(
        cast<RankedTensorType>(op.getResult().getType()).getShape(), rewriter.getF32Type());
    Value acc = callKernel(rewriter, op, spec, {a, op.getRhs()}, accType);
    if (spec.fp8Bits)
      acc = elementwise(acc, rewriter.getF32Type(), [&](OpBuilder &b, Location l, Value v) {
        return scaleBy(b, l, v, std::ldexp(1.0, 60));
      });
    rewriter.replaceOp(op, buildMatmulEpilogue(rewriter, loc, op, acc));
    return success();
  }

  QuantXMatmulKernelsOptions options;
};

/// f32 matmuls with the weight in N x K (Linear) layout and a zero-filled
/// accumulator: the float baseline, with the same kernel structure.
struct FloatMatmulToKernel : OpInterfaceRewritePattern<linalg::LinalgOp> {
  FloatMatmulToKernel(MLIRContext *ctx, const QuantXMatmulKernelsOptions &options,
                      PatternBenefit benefit = 1)
      : OpInterfaceRewritePattern(ctx, benefit), options(options) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op) ||
        op.getNumLoops() != 3)
      return rewriter.notifyMatchFailure(op, "not a 2-D matmul");
    FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
    if (failed(dims) || !dims->batch.empty() || dims->m.size() != 1 ||
        dims->n.size() != 1 || dims->k.size() != 1)
      return rewriter.notifyMatchFailure(op, "not a plain matmul");
    MLIRContext *ctx = op.getContext();
    AffineExpr m = getAffineDimExpr(dims->m[0], ctx), n = getAffineDimExpr(dims->n[0], ctx),
               k = getAffineDimExpr(dims->k[0], ctx);
    OpOperand *lhs = op.getDpsInputOperand(0), *rhs = op.getDpsInputOperand(1);
    OpOperand *out = op.getDpsInitOperand(0);
    ArrayRef<AffineExpr> rhsExprs = op.getMatchingIndexingMap(rhs).getResults();
    bool kn = rhsExprs == ArrayRef<AffineExpr>{k, n};
    if (op.getMatchingIndexingMap(lhs).getResults() != ArrayRef<AffineExpr>{m, k} ||
        (!kn && rhsExprs != ArrayRef<AffineExpr>{n, k}) ||
        op.getMatchingIndexingMap(out).getResults() != ArrayRef<AffineExpr>{m, n})
      return rewriter.notifyMatchFailure(op, "not a row-major M x K input and M x N result");
    // The body must be a multiply-add (linalg.matmul, or a generic doing it).
    if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation())) {
      Block *body = generic.getBody();
      if (body->getOperations().size() != 3 ||
          !isa<arith::MulFOp>(body->front()) ||
          !isa<arith::AddFOp>(*std::next(body->begin())))
        return rewriter.notifyMatchFailure(op, "body is not a multiply-add");
    }
    auto fill = out->get().getDefiningOp<linalg::FillOp>();
    if (!fill || !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
      return rewriter.notifyMatchFailure(op, "accumulator is not zero-filled");
    auto lhsType = cast<RankedTensorType>(lhs->get().getType());
    auto rhsType = cast<RankedTensorType>(rhs->get().getType());
    auto resType = cast<RankedTensorType>(op->getResult(0).getType());
    // f32 inputs and results; f32 weights, or bf16/f16 weights (a mixed
    // matmul extends them to f32 exactly, as the kernel does on load).
    Type rhsElt = rhsType.getElementType();
    if (!lhsType.getElementType().isF32() || !resType.getElementType().isF32() ||
        !(rhsElt.isF32() || rhsElt.isBF16() || rhsElt.isF16()) || !rhsType.hasStaticShape() ||
        lhsType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "not static f32 (bf16/f16 weights)");
    Type f32 = rewriter.getF32Type();
    if (kn && !rhsElt.isF32())
      return rewriter.notifyMatchFailure(op, "K x N weights that are not f32");
    if (kn) {
      // Columns in lanes: tiles of `rows` vectors of N, halved until they
      // divide N.
      int64_t n = rhsType.getDimSize(1), k = rhsType.getDimSize(0);
      if (n % options.vectorWidth != 0)
        return rewriter.notifyMatchFailure(op, "N is not a multiple of the vector width");
      KernelSpec spec = baseSpec(options, n, k);
      spec.kn = true;
      // Reading weight rows N floats apart costs a page per row, so the
      // weights are packed from 2 tiles of input rows (measured: 8 rows of
      // 4096 x 4096 0.7x the time of strided reads), or from panel-min-m
      // if that is fewer (0: never); at least one tile.
      if (spec.panelMinM > 0)
        spec.panelMinM = std::max(spec.mRows, std::min(spec.panelMinM, 2 * spec.mRows));
      spec.lhsElt = spec.resElt = spec.rhsElt = f32;
      // Blocks of up to 16 vectors (1 KiB of each weight row at 16 lanes),
      // which tiles of `rows` vectors divide.
      int64_t vectorsOfN = n / spec.vl;
      spec.rows = resolvedKernelRows(options);
      while (spec.rows > 1 && vectorsOfN % spec.rows != 0)
        spec.rows /= 2;
      for (int64_t w = 16; w >= spec.rows; --w)
        if (vectorsOfN % w == 0 && w % spec.rows == 0) {
          spec.wideVectors = w;
          break;
        }
      replaceWithKernelCall(rewriter, op, spec, {lhs->get(), rhs->get()});
      return success();
    }
    KernelSpec spec = baseSpec(options, rhsType.getDimSize(0), rhsType.getDimSize(1));
    spec.panelMinM = 0; // f32 weights need no decoding
    spec.lhsElt = spec.resElt = f32;
    spec.rhsElt = rhsElt;
    // f32 weights need no decoding: whole tiles of rows per input-row tile
    // (measured faster than one row at a time, unlike decoded weights).
    spec.mTileRows = spec.rows;
    if (spec.k % spec.vl != 0)
      return rewriter.notifyMatchFailure(op, "K is not a multiple of the vector width");
    replaceWithKernelCall(rewriter, op, spec, {lhs->get(), rhs->get()});
    return success();
  }

  QuantXMatmulKernelsOptions options;
};

struct QuantXMatmulKernelsPass
    : quantx::impl::QuantXMatmulKernelsBase<QuantXMatmulKernelsPass> {
  using Base::Base;

  /// The pass's options as the struct that the patterns take.
  QuantXMatmulKernelsOptions getOptions() const {
    return {vectorWidth, rows,         mRows, panelMinM,   x86Permute,
            parallel,    includeFloat, vnni,  tileWeights, prefetchBytes};
  }

  LogicalResult initialize(MLIRContext *context) override {
    if (std::string error = verifyMatmulKernelsOptions(getOptions()); !error.empty())
      return emitError(UnknownLoc::get(context)) << "quantx-matmul-kernels: " << error;
    return success();
  }

  void runOnOperation() override {
    auto countKernels = [&] {
      int64_t c = 0;
      for (auto f : getOperation().getOps<func::FuncOp>())
        c += f.getSymName().starts_with("__quantx_kernel_");
      return c;
    };
    int64_t kernelsBefore = countKernels();
    int64_t calls = 0;
    RewritePatternSet patterns(&getContext());
    populateMatmulKernelPatterns(patterns, getOptions());
    // Kernels are built outside the rewritten functions; walk the original
    // functions only (kernel bodies contain no tensors to rewrite).
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation().walk([&](func::CallOp call) {
      calls += call.getCallee().starts_with("__quantx_kernel_");
    });
    numReplaced += calls;
    numKernels += countKernels() - kernelsBefore;
  }
};

} // namespace

int64_t mlir::quantx::resolvedKernelRows(const QuantXMatmulKernelsOptions &options) {
  if (options.rows > 0)
    return options.rows;
  // Measured on Zen 3 (AVX2, 16 vector registers): 2 weight rows x 4 input
  // rows of accumulators; twice the rows with 32 registers (AVX-512).
  return options.vectorWidth >= 16 ? 4 : 2;
}

std::string mlir::quantx::verifyMatmulKernelsOptions(const QuantXMatmulKernelsOptions &options) {
  int64_t width = options.vectorWidth;
  if (width < 2 || width > 64 || (width & (width - 1)))
    return "vector-width must be a power of two from 2 to 64, got " + std::to_string(width);
  if (options.rows < 0)
    return "rows must be >= 1 (or 0: automatic), got " + std::to_string(options.rows);
  if (options.mRows < 1)
    return "m-rows must be >= 1, got " + std::to_string(options.mRows);
  if (options.panelMinM < 0)
    return "panel-min-m must be >= 0, got " + std::to_string(options.panelMinM);
  if (options.prefetchBytes < 0)
    return "prefetch-bytes must be >= 0, got " + std::to_string(options.prefetchBytes);
  return "";
}

void mlir::quantx::populateMatmulKernelPatterns(RewritePatternSet &patterns,
                                                const QuantXMatmulKernelsOptions &options) {
  auto add = [&](const QuantXMatmulKernelsOptions &o, PatternBenefit benefit) {
    patterns.add<QuantizedMatmulToKernel, IntegerMatmulToKernel, Float8MatmulToKernel>(
        patterns.getContext(), o, benefit);
    if (o.includeFloat)
      patterns.add<FloatMatmulToKernel>(patterns.getContext(), o, benefit);
  };
  add(options, 2);
  // (Chooses its own vector width.)
  patterns.add<GroupScaledMatmulToKernel>(patterns.getContext(), options);
  // Matmuls whose K, N or group size wider vectors do not divide (small
  // groups, small layers) get 8-lane kernels rather than the reference
  // loops; the 8-lane intrinsics exist wherever the wide ones do, except
  // the 256-bit byte dot (AVX512-VL or AVX-VNNI), which is left out.
  if (options.vectorWidth > 8) {
    QuantXMatmulKernelsOptions narrow = options;
    narrow.vectorWidth = 8;
    narrow.vnni = false;
    add(narrow, 1);
  }
}
