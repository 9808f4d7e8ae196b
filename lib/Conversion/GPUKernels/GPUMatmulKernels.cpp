//===- GPUMatmulKernels.cpp - NVIDIA GPU kernels for quantized matmuls ----===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Weight-only quantx.matmul ops (W4A16 int4/uint4/NF4, W8A16, FP8 weights)
// with f32/f16/bf16 activations become launches of a matrix-vector and
// small-batch kernel written in the gpu, vector and scf dialects:
//
//   grid (N / W, S, ceil(M / R)), block (32, W)
//   warp w of block (x, y, z) owns output channel n = x W + w, input rows
//   [z R, z R + R) and split y of K (S splits, 1 unless N is small).
//   lane l walks the 16-byte chunks l, l + 32, ... of weight row n in its
//   split: one coalesced 512-byte access per warp and step, a 128-bit load
//   per lane. The chunk is decoded in registers (nibbles split with
//   andi/shrui, decoded by the QuantXNumerics functions; NF4 through a
//   16-entry code book in shared memory), scaled by its group's scale and
//   multiplied lane-wise with the activations of each of the R rows.
//   At the end each row's vector is reduced, then across the warp with
//   gpu.shuffle xor (16, 8, 4, 2, 1).
//   S = 1: lane 0 adds the bias, rounds to the result type and stores.
//   S > 1: lane 0 stores its f32 partial in a workspace [S, M, N]; a second
//   kernel adds the S partials in split order (deterministic), adds the
//   bias and rounds.
//
// The tensor-level op is replaced by bufferization.to_buffer of its
// operands, memref.alloc for the result (and workspace), gpu.launch_func
// and to_tensor; one-shot bufferization then folds the casts.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/KernelCommon.h"
#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Dialect/QuantX/Numerics/QuantXNumerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXGPUMATMULKERNELS
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

constexpr int64_t kWarpSize = 32;
constexpr int64_t kChunkBytes = 16; // one 128-bit load per lane and step
constexpr int64_t kFinishBlock = 256;
constexpr StringLiteral kGPUModuleName = "__quantx_gpu_kernels";

/// Everything that determines a GEMV kernel's code.
struct GemvSpec : QuantizedMatmulShape {
  int64_t warps = 4, rows = 4, splitK = 1;

  bool packed() const { return scheme.isSubByte(); }
  /// Codes per 16-byte chunk.
  int64_t chunkCodes() const { return packed() ? 2 * kChunkBytes : kChunkBytes; }
  int64_t chunks() const { return k / chunkCodes(); }
  int64_t rowBytes() const { return packed() ? k / 2 : k; }

  std::string name() const {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << "gemv_" << stringifyStorageKind(scheme.getStorage()) << "_n" << n
       << "_k" << k << "_g" << group << "_" << stringifyScaleLayout(scaleLayout)
       << (zpElt ? "_zp" : "") << (biasElt ? "_b" : "") << "_w" << warps
       << "_r" << rows << "_sk" << splitK;
    printKernelTypes(os, {lhsElt, resElt, scaleElt, biasElt});
    return s;
  }

  /// The `quantx.kernel` description of the GEMV kernel (`finish`: of
  /// its split-K finishing kernel).
  DictionaryAttr attr(MLIRContext *ctx, bool finish = false) const {
    Builder b(ctx);
    return getKernelAttr(ctx, finish ? "gpu.splitk_finish" : "gpu.gemv", scheme, SchemeAttr(),
                         scaleLayout, n, k, group,
                         {b.getNamedAttr("warps", b.getI64IntegerAttr(warps)),
                          b.getNamedAttr("rows", b.getI64IntegerAttr(rows)),
                          b.getNamedAttr("split_k", b.getI64IntegerAttr(splitK))});
  }

  std::string finishName() const {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << "splitk_finish_n" << n << "_sk" << splitK << (biasElt ? "_b_" : "_");
    if (biasElt) {
      biasElt.print(os);
      os << "_";
    }
    resElt.print(os);
    return s;
  }
};

Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value splatF32(OpBuilder &b, Location loc, VectorType t, float v) {
  return arith::ConstantOp::create(b, loc, t, DenseElementsAttr::get(t, b.getF32FloatAttr(v)));
}

Value splatInt(OpBuilder &b, Location loc, VectorType t, int64_t v) {
  return arith::ConstantOp::create(
      b, loc, t, DenseElementsAttr::get(t, IntegerAttr::get(t.getElementType(), v)));
}

/// The module's kernel container, created (through `rewriter`, at the
/// start of the module, which becomes a gpu.container_module) if needed.
gpu::GPUModuleOp getOrCreateGPUModule(RewriterBase &rewriter, ModuleOp module) {
  if (auto gm = module.lookupSymbol<gpu::GPUModuleOp>(kGPUModuleName))
    return gm;
  rewriter.modifyOpInPlace(module, [&] {
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), rewriter.getUnitAttr());
  });
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(module.getBody());
  return gpu::GPUModuleOp::create(rewriter, module.getLoc(), kGPUModuleName);
}

/// An empty kernel function at the end of `gm` with its `quantx.kernel`
/// `description`, created through `rewriter`;
/// its body is then built with a plain builder (nothing in it is for the
/// patterns).
gpu::GPUFuncOp createKernelFunc(RewriterBase &rewriter, gpu::GPUModuleOp gm, StringRef name,
                                DictionaryAttr description, TypeRange argTypes,
                                TypeRange workgroup, ArrayRef<int32_t> blockSize) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToEnd(gm.getBody());
  auto func = gpu::GPUFuncOp::create(rewriter, gm.getLoc(), name,
                                     rewriter.getFunctionType(argTypes, {}), workgroup);
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), rewriter.getUnitAttr());
  func.setKnownBlockSizeAttr(rewriter.getDenseI32ArrayAttr(blockSize));
  func->setAttr(kKernelAttrName, description);
  return func;
}

/// Builds the GEMV kernel (see the file comment): one member per piece
/// (arguments, code book, scales, chunk decoding, the K loop, the warp
/// reduction and stores), sharing the kernel's values.
class GemvKernelBuilder {
public:
  GemvKernelBuilder(RewriterBase &rewriter, gpu::GPUModuleOp gm, const GemvSpec &spec)
      : rewriter(rewriter), gm(gm), spec(spec), b(gm.getContext()),
        isNF4(spec.scheme.getStorage() == StorageKind::nf4),
        grouped(spec.scaleLayout == ScaleLayout::Grouped),
        accType(VectorType::get({kChunkBytes}, b.getF32Type())) {}

  gpu::GPUFuncOp build();

private:
  void createFunction();
  void fillCodeBook(Value lane, Value warp);
  SmallVector<Value> scaleIndices(Value g) const;
  Value loadScale(OpBuilder &sb, Location sl, Value g) const;
  Value loadZeroPoint(OpBuilder &sb, Location sl, Value g) const;
  SmallVector<Value> decodeChunk(OpBuilder &lb, Location l, Value c, Value zpSplat) const;
  SmallVector<Value> accumulateChunk(OpBuilder &lb, Location l, Value c, ValueRange accs) const;
  void storeSums(Value lane, ArrayRef<Value> sums);

  RewriterBase &rewriter; ///< creates the function
  gpu::GPUModuleOp gm;
  const GemvSpec &spec;
  OpBuilder b;
  Location loc = gm.getLoc();
  const bool isNF4, grouped;
  const VectorType accType; ///< f32 lanes of an accumulator
  gpu::GPUFuncOp func;
  Value lhs, rhs, scale, zp, bias, out, codeBook; ///< arguments, shared memory
  Value c0, c1, n, m, m0, by;
  Value rowScale, rowZp;     ///< per tensor / per row: loaded once
  SmallVector<Value> rowIdx; ///< the block's input rows, clamped to M
};

void GemvKernelBuilder::createFunction() {
  MLIRContext *ctx = gm.getContext();
  Type f32 = b.getF32Type();
  const int64_t dyn = ShapedType::kDynamic;
  SmallVector<int64_t> scaleShape = getScaleShape(spec.scaleLayout, spec.n, spec.k, spec.group);
  SmallVector<Type> args{MemRefType::get({dyn, spec.k}, spec.lhsElt),
                         MemRefType::get({spec.n, spec.rowBytes()}, spec.rhsElt),
                         MemRefType::get(scaleShape, spec.scaleElt)};
  if (spec.zpElt)
    args.push_back(MemRefType::get(scaleShape, spec.zpElt));
  if (spec.biasElt)
    args.push_back(MemRefType::get({spec.n}, spec.biasElt));
  if (spec.splitK == 1)
    args.push_back(MemRefType::get({dyn, spec.n}, spec.resElt));
  else
    args.push_back(MemRefType::get({spec.splitK, dyn, spec.n}, f32));
  SmallVector<Type> workgroup;
  if (isNF4)
    workgroup.push_back(MemRefType::get({16}, f32, MemRefLayoutAttrInterface(),
                                        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup)));
  func = createKernelFunc(rewriter, gm, spec.name(), spec.attr(ctx), args, workgroup,
                          {int32_t(kWarpSize), int32_t(spec.warps), 1});
  Block &entry = func.getBody().front();
  b.setInsertionPointToStart(&entry);
  loc = func.getLoc();
  unsigned a = 0;
  lhs = entry.getArgument(a++);
  rhs = entry.getArgument(a++);
  scale = entry.getArgument(a++);
  zp = spec.zpElt ? entry.getArgument(a++) : Value();
  bias = spec.biasElt ? entry.getArgument(a++) : Value();
  out = entry.getArgument(a++);
  codeBook = isNF4 ? Value(func.getWorkgroupAttributions()[0]) : Value();
}

/// The first 16 threads of the block write the NF4 code book (each decodes
/// its own index with the numerics of record), then all wait.
void GemvKernelBuilder::fillCodeBook(Value lane, Value warp) {
  Value tid = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, warp, idx(b, loc, kWarpSize)), lane);
  Value writes = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid, idx(b, loc, 16));
  scf::IfOp::create(b, loc, writes, [&](OpBuilder &ib, Location il) {
    Value code = arith::IndexCastOp::create(ib, il, ib.getIntegerType(4), tid);
    Value v = emitDecode(ib, il, spec.scheme, code, Value());
    memref::StoreOp::create(ib, il, v, codeBook, ValueRange{tid});
    scf::YieldOp::create(ib, il);
  });
  gpu::BarrierOp::create(b, loc);
}

/// The indices of this warp's row's scale / zero point in group `g`.
SmallVector<Value> GemvKernelBuilder::scaleIndices(Value g) const {
  return getScaleIndices(spec.scaleLayout, n, g);
}

Value GemvKernelBuilder::loadScale(OpBuilder &sb, Location sl, Value g) const {
  return extendToF32(sb, sl, memref::LoadOp::create(sb, sl, scale, scaleIndices(g)));
}

/// The zero point as an i32, or null.
Value GemvKernelBuilder::loadZeroPoint(OpBuilder &sb, Location sl, Value g) const {
  if (!zp)
    return Value();
  Value z = memref::LoadOp::create(sb, sl, zp, scaleIndices(g));
  return storedIntToI32(sb, sl, spec.scheme, z);
}

/// Chunk `c` of this warp's weight row (16 bytes, one aligned 128-bit
/// load) decoded to f32 vectors (q - zp, code-book or FP8 values): the low
/// and high nibbles (even and odd k) for 4-bit storage.
SmallVector<Value> GemvKernelBuilder::decodeChunk(OpBuilder &lb, Location l, Value c,
                                                  Value zpSplat) const {
  Value byteOff = arith::MulIOp::create(lb, l, c, idx(lb, l, kChunkBytes));
  auto chunkType = VectorType::get({kChunkBytes}, spec.rhsElt);
  Value bytes = vector::LoadOp::create(lb, l, chunkType, rhs, ValueRange{n, byteOff},
                                       /*nontemporal=*/false, llvm::Align(kChunkBytes));
  if (!spec.packed())
    return {emitDecode(lb, l, spec.scheme, bytes, zpSplat)};
  SmallVector<Value> w;
  auto byteVec = VectorType::get({kChunkBytes}, lb.getI8Type());
  Value lo = arith::AndIOp::create(lb, l, bytes, splatInt(lb, l, byteVec, 0x0F));
  Value hi = arith::ShRUIOp::create(lb, l, bytes, splatInt(lb, l, byteVec, 4));
  for (Value nib : {lo, hi}) {
    if (isNF4) {
      Value codes = arith::IndexCastOp::create(
          lb, l, VectorType::get({kChunkBytes}, lb.getIndexType()), nib);
      w.push_back(emitTableLookup(lb, l, accType, codeBook, c0, codes));
    } else {
      Value codes = arith::TruncIOp::create(
          lb, l, VectorType::get({kChunkBytes}, lb.getIntegerType(4)), nib);
      w.push_back(emitDecode(lb, l, spec.scheme, codes, zpSplat));
    }
  }
  return w;
}

/// One step of the K loop: chunk `c` decoded (and scaled for groups) and
/// multiplied into each row's accumulator with the activations at the
/// chunk's positions (split into even and odd positions for 4-bit codes).
SmallVector<Value> GemvKernelBuilder::accumulateChunk(OpBuilder &lb, Location l, Value c,
                                                      ValueRange accs) const {
  const int64_t vl = kChunkBytes;
  Value k0 = arith::MulIOp::create(lb, l, c, idx(lb, l, spec.chunkCodes()));
  Value g = grouped ? arith::DivUIOp::create(lb, l, k0, idx(lb, l, spec.group)) : Value();
  Value zpI32 = grouped ? loadZeroPoint(lb, l, g) : rowZp;
  Value zpSplat =
      zpI32 ? Value(vector::BroadcastOp::create(lb, l, VectorType::get({vl}, lb.getI32Type()), zpI32))
            : Value();
  SmallVector<Value> w = decodeChunk(lb, l, c, zpSplat);
  if (grouped) {
    Value s = vector::BroadcastOp::create(lb, l, accType, loadScale(lb, l, g));
    for (Value &v : w)
      v = arith::MulFOp::create(lb, l, v, s);
  }
  SmallVector<Value> next;
  auto aType = VectorType::get({spec.chunkCodes()}, spec.lhsElt);
  int64_t aAlign =
      std::min<int64_t>(16, spec.chunkCodes() * spec.lhsElt.getIntOrFloatBitWidth() / 8);
  SmallVector<int64_t> even, odd;
  std::tie(even, odd) = getEvenOddLanes(vl);
  for (int64_t r = 0; r < spec.rows; ++r) {
    Value av = extendToF32(lb, l,
                           vector::LoadOp::create(lb, l, aType, lhs, ValueRange{rowIdx[r], k0},
                                                  false, llvm::Align(aAlign)));
    Value acc = accs[r];
    if (spec.packed()) {
      Value ae = vector::ShuffleOp::create(lb, l, av, av, even);
      Value ao = vector::ShuffleOp::create(lb, l, av, av, odd);
      acc = vector::FMAOp::create(lb, l, w[0], ae, acc);
      acc = vector::FMAOp::create(lb, l, w[1], ao, acc);
    } else {
      acc = vector::FMAOp::create(lb, l, w[0], av, acc);
    }
    next.push_back(acc);
  }
  return next;
}

/// Lane 0 of each warp stores its rows' sums (in range): with the bias,
/// rounded to the result type, or as f32 partials of split `by`.
void GemvKernelBuilder::storeSums(Value lane, ArrayRef<Value> sums) {
  Value isLane0 = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, c0);
  scf::IfOp::create(b, loc, isLane0, [&](OpBuilder &ib, Location il) {
    Value biasF32 = (bias && spec.splitK == 1)
                        ? extendToF32(ib, il, memref::LoadOp::create(ib, il, bias, ValueRange{n}))
                        : Value();
    for (int64_t r = 0; r < spec.rows; ++r) {
      Value row = arith::AddIOp::create(ib, il, m0, idx(ib, il, r));
      Value inRange = arith::CmpIOp::create(ib, il, arith::CmpIPredicate::ult, row, m);
      scf::IfOp::create(ib, il, inRange, [&](OpBuilder &sb, Location sl) {
        if (spec.splitK == 1) {
          Value v = biasF32 ? Value(arith::AddFOp::create(sb, sl, sums[r], biasF32)) : sums[r];
          memref::StoreOp::create(sb, sl, truncFromF32(sb, sl, v, spec.resElt), out,
                                  ValueRange{row, n});
        } else {
          memref::StoreOp::create(sb, sl, sums[r], out, ValueRange{by, row, n});
        }
        scf::YieldOp::create(sb, sl);
      });
    }
    scf::YieldOp::create(ib, il);
  });
}

gpu::GPUFuncOp GemvKernelBuilder::build() {
  createFunction();
  c0 = idx(b, loc, 0);
  c1 = idx(b, loc, 1);
  Value lane = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value warp = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::y);
  Value bx = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  by = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value bz = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  n = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, bx, idx(b, loc, spec.warps)),
                            warp);
  m = memref::DimOp::create(b, loc, lhs, c0);
  Value mLast = arith::SubIOp::create(b, loc, m, c1);
  m0 = arith::MulIOp::create(b, loc, bz, idx(b, loc, spec.rows));
  if (isNF4)
    fillCodeBook(lane, warp);
  rowScale = grouped ? Value() : loadScale(b, loc, Value());
  rowZp = grouped ? Value() : loadZeroPoint(b, loc, Value());
  // Input rows of this block, clamped so loads stay in bounds (rows past M
  // compute garbage that is never stored).
  for (int64_t r = 0; r < spec.rows; ++r)
    rowIdx.push_back(
        arith::MinUIOp::create(b, loc, arith::AddIOp::create(b, loc, m0, idx(b, loc, r)), mLast));

  // Lane l of split `by` takes chunks l, l + 32, ... of its split.
  int64_t perSplit = spec.chunks() / spec.splitK;
  Value begin =
      arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, by, idx(b, loc, perSplit)), lane);
  Value end = arith::MulIOp::create(b, loc, arith::AddIOp::create(b, loc, by, c1),
                                    idx(b, loc, perSplit));
  SmallVector<Value> init(spec.rows, splatF32(b, loc, accType, 0.0f));
  auto loop = scf::ForOp::create(b, loc, begin, end, idx(b, loc, kWarpSize), init,
                                 [&](OpBuilder &lb, Location l, Value c, ValueRange accs) {
                                   scf::YieldOp::create(lb, l, accumulateChunk(lb, l, c, accs));
                                 });

  // Reduce each row's accumulator lane-wise, then across the warp.
  SmallVector<Value> sums;
  for (Value acc : loop.getResults()) {
    Value s = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, acc,
                                          arith::FastMathFlags::reassoc);
    for (int32_t off = kWarpSize / 2; off >= 1; off /= 2) {
      auto shfl =
          gpu::ShuffleOp::create(b, loc, s, off, int32_t(kWarpSize), gpu::ShuffleMode::XOR);
      s = arith::AddFOp::create(b, loc, s, shfl.getShuffleResult());
    }
    if (!grouped)
      s = arith::MulFOp::create(b, loc, s, rowScale);
    sums.push_back(s);
  }
  storeSums(lane, sums);
  gpu::ReturnOp::create(b, loc);
  return func;
}

/// Builds the GEMV kernel (see the file comment).
gpu::GPUFuncOp buildGemvKernel(RewriterBase &rewriter, gpu::GPUModuleOp gm, const GemvSpec &spec) {
  return GemvKernelBuilder(rewriter, gm, spec).build();
}

/// out[m, n] = sum_s ws[s, m, n] (+ bias[n]), rounded to the result type;
/// one thread per output element.
gpu::GPUFuncOp buildSplitKFinishKernel(RewriterBase &rewriter, gpu::GPUModuleOp gm,
                                       const GemvSpec &spec) {
  MLIRContext *ctx = gm.getContext();
  Builder tb(ctx);
  Type f32 = tb.getF32Type();
  const int64_t dyn = ShapedType::kDynamic;
  SmallVector<Type> args{MemRefType::get({spec.splitK, dyn, spec.n}, f32)};
  if (spec.biasElt)
    args.push_back(MemRefType::get({spec.n}, spec.biasElt));
  args.push_back(MemRefType::get({dyn, spec.n}, spec.resElt));
  auto func = createKernelFunc(rewriter, gm, spec.finishName(), spec.attr(ctx, /*finish=*/true),
                               args, {},
                               {int32_t(kFinishBlock), 1, 1});
  Block &entry = func.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  Location loc = func.getLoc();
  Value ws = entry.getArgument(0);
  Value bias = spec.biasElt ? entry.getArgument(1) : Value();
  Value out = entry.getArgument(args.size() - 1);
  Value tid = gpu::GlobalIdOp::create(b, loc, gpu::Dimension::x);
  Value nCst = idx(b, loc, spec.n);
  Value total = arith::MulIOp::create(
      b, loc, memref::DimOp::create(b, loc, out, idx(b, loc, 0)), nCst);
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid, total);
  scf::IfOp::create(b, loc, inRange, [&](OpBuilder &ib, Location il) {
    Value row = arith::DivUIOp::create(ib, il, tid, nCst);
    Value col = arith::RemUIOp::create(ib, il, tid, nCst);
    Value s = memref::LoadOp::create(ib, il, ws, ValueRange{idx(ib, il, 0), row, col});
    for (int64_t i = 1; i < spec.splitK; ++i)
      s = arith::AddFOp::create(
          ib, il, s, memref::LoadOp::create(ib, il, ws, ValueRange{idx(ib, il, i), row, col}));
    if (bias)
      s = arith::AddFOp::create(
          ib, il, s, extendToF32(ib, il, memref::LoadOp::create(ib, il, bias, ValueRange{col})));
    memref::StoreOp::create(ib, il, truncFromF32(ib, il, s, spec.resElt), out,
                            ValueRange{row, col});
    scf::YieldOp::create(ib, il);
  });
  gpu::ReturnOp::create(b, loc);
  return func;
}

Value ceilDiv(OpBuilder &b, Location loc, Value v, int64_t d) {
  return arith::DivUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, v, idx(b, loc, d - 1)), idx(b, loc, d));
}

struct WeightOnlyMatmulToGemv : OpRewritePattern<MatmulOp> {
  WeightOnlyMatmulToGemv(MLIRContext *ctx, const QuantXGPUMatmulKernelsOptions &options)
      : OpRewritePattern(ctx), options(options),
        smVersion(parseNVIDIAChip(options.chip).value_or(0)) {}

  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    // One step is a 16-byte chunk of codes.
    int64_t chunkCodes = op.getRhsScheme().isSubByte() ? 2 * kChunkBytes : kChunkBytes;
    std::string reason;
    FailureOr<WeightOnlyMatmul> info = analyzeWeightOnlyMatmul(op, chunkCodes, reason);
    if (failed(info))
      return rewriter.notifyMatchFailure(op, reason);
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    auto resType = cast<RankedTensorType>(op.getResult().getType());
    GemvSpec spec;
    static_cast<QuantizedMatmulShape &>(spec) = *info;
    Value bias = op.getBias();
    bool hasZeroPoint = bool(op.getRhsZeroPoint());

    spec.warps = options.warps;
    while (spec.warps > 1 && spec.n % spec.warps != 0)
      spec.warps /= 2;
    // Rows per block: the option, or all of a smaller static M.
    int64_t mRows = lhsType.isDynamicDim(0) ? 1 : lhsType.getDimSize(0);
    spec.rows = lhsType.isDynamicDim(0) ? options.rows
                                        : std::clamp<int64_t>(mRows, 1, options.rows);
    spec.splitK = chooseSplitK(spec, mRows);

    auto module = op->getParentOfType<ModuleOp>();
    gpu::GPUModuleOp gm = getOrCreateGPUModule(rewriter, module);
    auto gemv = gm.lookupSymbol<gpu::GPUFuncOp>(spec.name());
    if (!gemv)
      gemv = buildGemvKernel(rewriter, gm, spec);
    gpu::GPUFuncOp finish;
    if (spec.splitK > 1 && !(finish = gm.lookupSymbol<gpu::GPUFuncOp>(spec.finishName())))
      finish = buildSplitKFinishKernel(rewriter, gm, spec);

    Location loc = op.getLoc();
    ArrayRef<Type> kernelTypes = gemv.getFunctionType().getInputs();
    SmallVector<Value> args;
    for (auto [v, type] : llvm::zip(info->operands, kernelTypes))
      args.push_back(bufferForKernel(rewriter, loc, v, type));
    Value m = tensor::DimOp::create(rewriter, loc, op.getLhs(), 0);
    SmallVector<Value> dynamic;
    if (resType.isDynamicDim(0))
      dynamic.push_back(m);
    Value outBuf = memref::AllocOp::create(
        rewriter, loc, MemRefType::get(resType.getShape(), spec.resElt), dynamic);
    Value ws;
    if (spec.splitK > 1) {
      ws = memref::AllocOp::create(
          rewriter, loc,
          MemRefType::get({spec.splitK, ShapedType::kDynamic, spec.n}, rewriter.getF32Type()),
          ValueRange{m});
      args.push_back(ws);
    } else {
      args.push_back(castBuffer(rewriter, loc, outBuf, kernelTypes.back()));
    }
    Value one = idx(rewriter, loc, 1);
    gpu::KernelDim3 grid{idx(rewriter, loc, spec.n / spec.warps),
                         idx(rewriter, loc, spec.splitK), ceilDiv(rewriter, loc, m, spec.rows)};
    gpu::KernelDim3 block{idx(rewriter, loc, kWarpSize), idx(rewriter, loc, spec.warps), one};
    gpu::LaunchFuncOp::create(rewriter, loc, gemv, grid, block, Value(), args);
    if (finish) {
      SmallVector<Value> fargs{ws};
      if (bias)
        fargs.push_back(args[hasZeroPoint ? 4 : 3]);
      fargs.push_back(castBuffer(rewriter, loc, outBuf, finish.getFunctionType().getInputs().back()));
      Value total = arith::MulIOp::create(rewriter, loc, m, idx(rewriter, loc, spec.n));
      gpu::KernelDim3 fgrid{ceilDiv(rewriter, loc, total, kFinishBlock), one, one};
      gpu::KernelDim3 fblock{idx(rewriter, loc, kFinishBlock), one, one};
      gpu::LaunchFuncOp::create(rewriter, loc, finish, fgrid, fblock, Value(), fargs);
    }
    rewriter.replaceOp(op, bufferization::ToTensorOp::create(
                               rewriter, loc, resType, outBuf,
                               /*restrict=*/true, /*writable=*/true));
    return success();
  }

  /// Splits K when the (N / W) x (M / R) blocks alone cannot fill the chip:
  /// the smallest power of two that gives about two blocks per SM, keeping
  /// at least two chunks per lane and split.
  int64_t chooseSplitK(const GemvSpec &spec, int64_t mRows) const {
    int64_t chunks = spec.chunks();
    if (options.splitK > 0)
      return chunks % options.splitK == 0 ? options.splitK : 1;
    int64_t blocks = (spec.n / spec.warps) * ((mRows + spec.rows - 1) / spec.rows);
    int64_t s = 1;
    while (blocks * s < 2 * options.smCount && chunks % (2 * s) == 0 &&
           chunks / (2 * s) >= 2 * kWarpSize)
      s *= 2;
    return s;
  }

  QuantXGPUMatmulKernelsOptions options;
  int64_t smVersion; ///< from options.chip
};

struct QuantXGPUMatmulKernelsPass
    : quantx::impl::QuantXGPUMatmulKernelsBase<QuantXGPUMatmulKernelsPass> {
  using Base::Base;

  /// The pass's options as the struct that the patterns take.
  QuantXGPUMatmulKernelsOptions getOptions() const {
    return {warps, rows, splitK, smCount, chip, tensorCores, mmaMinM, mmaMTiles, mmaNTiles, mmaStageA};
  }

  LogicalResult initialize(MLIRContext *context) override {
    if (std::string error = verifyGPUMatmulKernelsOptions(getOptions()); !error.empty())
      return emitError(UnknownLoc::get(context)) << "quantx-gpu-matmul-kernels: " << error;
    return success();
  }

  void runOnOperation() override {
    int64_t smVersion = *parseNVIDIAChip(chip);
    // Tensor cores the target lacks: integer mma.sync from sm_80, FP8 from
    // sm_89.
    bool unsupported = false;
    if (tensorCores)
      getOperation().walk([&](MatmulOp op) {
        int64_t needed = op.getKind() == MatmulOp::Kind::Integer  ? 80
                         : op.getKind() == MatmulOp::Kind::Float8 ? 89
                                                                   : 0;
        if (smVersion >= needed)
          return;
        op.emitOpError() << (needed == 80 ? "int8" : "FP8") << " tensor-core matmul needs sm_"
                         << needed << " or newer, the target is sm_" << smVersion
                         << "; compile with tensor-cores=false for CUDA-core code";
        unsupported = true;
      });
    if (unsupported)
      return signalPassFailure();
    int64_t before = 0;
    getOperation().walk([&](MatmulOp) { ++before; });
    RewritePatternSet patterns(&getContext());
    populateGPUMatmulKernelPatterns(patterns, getOptions());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    int64_t after = 0;
    getOperation().walk([&](MatmulOp) { ++after; });
    numReplaced += before - after;
    if (auto gm = getOperation().lookupSymbol<gpu::GPUModuleOp>(kGPUModuleName))
      numKernels += llvm::range_size(gm.getOps<gpu::GPUFuncOp>());
  }
};

} // namespace

namespace {

//===----------------------------------------------------------------------===//
// Tensor-core kernels (mma.sync) for larger M.
//===----------------------------------------------------------------------===//

/// The MMA flavour: f16 or bf16 m16n8k16 with f32 accumulation (weights
/// decoded to exact f16/bf16 values in registers), 8-bit integer m16n8k32
/// with i32 accumulation (raw codes), or FP8 (E4M3/E5M2) m16n8k32 with f32
/// accumulation (raw codes; sm_89 and newer, through inline PTX since the
/// NVVM dialect has no FP8 mma.sync).
enum class MmaKind { F16, BF16, Int8, Fp8 };

/// Everything that determines a tensor-core kernel's code.
struct MmaSpec : QuantizedMatmulShape {
  MmaSpec() { scaleLayout = ScaleLayout::PerTensor; } // raw codes: no scales here
  MmaKind kind = MmaKind::F16;
  SchemeAttr lhsScheme;  // Int8: the activations' scheme
  int64_t warps = 4, mTiles = 2, nTiles = 4;
  bool stageA = true; // activations through shared memory with cp.async

  bool packed() const { return scheme.isSubByte(); }
  int64_t lhsBytes() const { return lhsElt.getIntOrFloatBitWidth() / 8; }
  /// 16-byte cp.async copies of one K block of the block's activations.
  int64_t stageCopies() const { return blockM() * kBlock() * lhsBytes() / 16; }
  /// Row pitch of the staged activations (elements): 16 bytes of padding
  /// spread the rows over the shared-memory banks.
  int64_t stagePitch() const { return kBlock() + 16 / lhsBytes(); }
  /// Staging needs every thread to issue the same number of copies.
  bool canStage() const { return stageCopies() % (kWarpSize * warps) == 0; }
  /// Codes of one 16-byte weight chunk (a thread's share of a K block).
  int64_t chunkCodes() const { return packed() ? 32 : 16; }
  /// K of one block: four threads' chunks.
  int64_t kBlock() const { return 4 * chunkCodes(); }
  /// K slots of a thread per mma (4 for m16n8k16, 8 for m16n8k32).
  bool rawCodes() const { return kind == MmaKind::Int8 || kind == MmaKind::Fp8; }
  int64_t slots() const { return rawCodes() ? 8 : 4; }
  int64_t steps() const { return chunkCodes() / slots(); }
  int64_t rowBytes() const { return packed() ? k / 2 : k; }
  int64_t blockN() const { return 8 * nTiles * warps; }
  int64_t blockM() const { return 16 * mTiles; }
  bool grouped() const { return scaleLayout == ScaleLayout::Grouped; }

  /// The `quantx.kernel` description.
  DictionaryAttr attr(MLIRContext *ctx) const {
    Builder b(ctx);
    return getKernelAttr(ctx, "gpu.mma", scheme, lhsScheme, scaleLayout, n, k, group,
                         {b.getNamedAttr("warps", b.getI64IntegerAttr(warps)),
                          b.getNamedAttr("m_tiles", b.getI64IntegerAttr(mTiles)),
                          b.getNamedAttr("n_tiles", b.getI64IntegerAttr(nTiles)),
                          b.getNamedAttr("stage_a", b.getBoolAttr(stageA))});
  }

  std::string name() const {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << "mma_" << (kind == MmaKind::Int8 ? "s8_" : kind == MmaKind::Fp8 ? "f8_" : "")
       << (lhsScheme ? stringifyStorageKind(lhsScheme.getStorage()).str() + "x" : "")
       << stringifyStorageKind(scheme.getStorage()) << "_n" << n << "_k" << k << "_g" << group
       << "_" << stringifyScaleLayout(scaleLayout) << (zpElt ? "_zp" : "") << (biasElt ? "_b" : "") << "_w"
       << warps << "_mt" << mTiles << "_nt" << nTiles << (stageA ? "_sa" : "");
    printKernelTypes(os, {lhsElt, resElt, scaleElt, biasElt});
    return s;
  }
};

/// Packs a 32-bit register of `vals` (2 x 16-bit or 4 x 8-bit, a 1-D
/// vector) as the mma operand type: vector<2xf16> for f16, i32 otherwise.
Value mmaRegister(OpBuilder &b, Location loc, MmaKind kind, Value vals) {
  if (kind == MmaKind::F16)
    return vals;
  auto vt = cast<VectorType>(vals.getType());
  if (isa<FloatType>(vt.getElementType()) && vt.getElementType().getIntOrFloatBitWidth() == 8)
    vals = arith::BitcastOp::create(b, loc, VectorType::get(vt.getShape(), b.getI8Type()), vals);
  Value word = vector::BitCastOp::create(b, loc, VectorType::get({1}, b.getI32Type()), vals);
  return vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0});
}

/// Elements [offset, offset + size) of a 1-D vector (a shuffle, which the
/// NVVM lowering handles).
Value sliceOf(OpBuilder &b, Location loc, Value v, int64_t offset, int64_t size) {
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < size; ++i)
    mask.push_back(offset + i);
  return vector::ShuffleOp::create(b, loc, v, v, mask);
}

/// Builds the tensor-core kernel. Block (32, warps): warp w computes a
/// (16 mTiles) x (8 nTiles) tile of the output at rows blockIdx.y * blockM,
/// columns blockIdx.x * blockN + w * 8 nTiles, with mma.sync over K blocks.
///
/// Within a K block, thread t = lane % 4 reads the 16-byte weight chunk t
/// of its weight row (n = its column in the mma's B fragment, lane / 4) and
/// the activations at the same K positions: the mma sums over the K slots
/// every thread t holds in both A and B, so assigning slot s of step j the
/// position kblock + t * chunk + j * slots + s (the same for A and B) keeps
/// each thread's loads contiguous without changing the sum.
class MmaKernelBuilder {
public:
  MmaKernelBuilder(RewriterBase &rewriter, gpu::GPUModuleOp gm, const MmaSpec &spec)
      : rewriter(rewriter), gm(gm), spec(spec), ctx(gm.getContext()), b(ctx), isInt(spec.kind == MmaKind::Int8),
        raw(spec.rawCodes()), grouped(spec.grouped()),
        accElt(isInt ? Type(b.getI32Type()) : Type(b.getF32Type())),
        mmaElt(spec.kind == MmaKind::F16    ? Type(b.getF16Type())
               : spec.kind == MmaKind::BF16 ? Type(b.getBF16Type())
                                            : Type(b.getI8Type())) {}

  gpu::GPUFuncOp build();

private:
  void createFunction();
  void computeThreadIndices();
  Value add(OpBuilder &ob, Location l, Value x, int64_t v) const {
    return v == 0 ? x : Value(arith::AddIOp::create(ob, l, x, idx(ob, l, v)));
  }
  Value mul(OpBuilder &ob, Location l, Value x, int64_t v) const {
    return arith::MulIOp::create(ob, l, x, idx(ob, l, v));
  }
  Value scaleAt(OpBuilder &ob, Location l, Value col, Value grp) const;
  Value issueStage(OpBuilder &sb, Location sl, Value st, Value kbv) const;
  SmallVector<Value> loadWeightFragments(OpBuilder &lb, Location l, Value kb, Value grp) const;
  Value decodeWeightChunk(OpBuilder &lb, Location l, Value bytes, Value row, Value grp) const;
  SmallVector<Value> loadActivationFragments(OpBuilder &lb, Location l, Value kb,
                                             Value kBase) const;
  SmallVector<Value> mmaTile(OpBuilder &lb, Location l, ArrayRef<Value> aRegs,
                             ArrayRef<Value> bPair, ArrayRef<Value> c) const;
  void multiplyBlock(OpBuilder &lb, Location l, ArrayRef<Value> aVals, ArrayRef<Value> bVals,
                     SmallVectorImpl<Value> &cur) const;
  SmallVector<Value> kBlockStep(OpBuilder &lb, Location l, Value kb, ValueRange accs) const;
  void storeOutputs(ValueRange accs);

  RewriterBase &rewriter; ///< creates the function
  gpu::GPUModuleOp gm;
  const MmaSpec &spec;
  MLIRContext *ctx;
  OpBuilder b;
  Location loc = gm.getLoc();
  const bool isInt, raw, grouped; ///< raw: A and B are stored codes, no scales here
  const Type accElt, mmaElt;
  gpu::GPUFuncOp func;
  Value lhs, rhs, scale, zp, bias, out, stage; ///< arguments, shared memory
  Value c0, c1, lane, warp, g, t, m, mLast, n0, m0, tid, accZero;
  SmallVector<Value> aRows; ///< A fragment rows g, g + 8 of each m tile (clamped)
  SmallVector<Value> wRows; ///< B fragment column g of each n tile
  SmallVector<Value> cCols; ///< accumulator columns 2t, 2t + 1 of each n tile
};

void MmaKernelBuilder::createFunction() {
  const int64_t dyn = ShapedType::kDynamic;
  SmallVector<Type> args{MemRefType::get({dyn, spec.k}, spec.lhsElt),
                         MemRefType::get({spec.n, spec.rowBytes()}, spec.rhsElt)};
  if (!raw) {
    SmallVector<int64_t> scaleShape = getScaleShape(spec.scaleLayout, spec.n, spec.k, spec.group);
    args.push_back(MemRefType::get(scaleShape, spec.scaleElt));
    if (spec.zpElt)
      args.push_back(MemRefType::get(scaleShape, spec.zpElt));
    if (spec.biasElt)
      args.push_back(MemRefType::get({spec.n}, spec.biasElt));
  }
  args.push_back(MemRefType::get({dyn, spec.n}, spec.resElt));
  // Two stages of the block's activations for one K block.
  auto stageType = MemRefType::get({2, spec.blockM(), spec.stagePitch()}, spec.lhsElt,
                                   MemRefLayoutAttrInterface(),
                                   gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup));
  SmallVector<Type> workgroup;
  if (spec.stageA)
    workgroup.push_back(stageType);
  func = createKernelFunc(rewriter, gm, spec.name(), spec.attr(ctx), args, workgroup,
                          {int32_t(kWarpSize), int32_t(spec.warps), 1});
  Block &entry = func.getBody().front();
  b.setInsertionPointToStart(&entry);
  loc = func.getLoc();
  unsigned ai = 0;
  lhs = entry.getArgument(ai++);
  rhs = entry.getArgument(ai++);
  scale = raw ? Value() : entry.getArgument(ai++);
  zp = spec.zpElt ? entry.getArgument(ai++) : Value();
  bias = spec.biasElt ? entry.getArgument(ai++) : Value();
  out = entry.getArgument(ai++);
  stage = spec.stageA ? Value(func.getWorkgroupAttributions()[0]) : Value();
}

void MmaKernelBuilder::computeThreadIndices() {
  c0 = idx(b, loc, 0);
  c1 = idx(b, loc, 1);
  lane = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  warp = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::y);
  Value bx = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value by = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  g = arith::DivUIOp::create(b, loc, lane, idx(b, loc, 4));
  t = arith::RemUIOp::create(b, loc, lane, idx(b, loc, 4));
  m = memref::DimOp::create(b, loc, lhs, c0);
  mLast = arith::SubIOp::create(b, loc, m, c1);
  // First output column of the warp, first row of the block.
  n0 = arith::AddIOp::create(b, loc, mul(b, loc, bx, spec.blockN()),
                             mul(b, loc, warp, 8 * spec.nTiles));
  m0 = mul(b, loc, by, spec.blockM());
  for (int64_t r = 0; r < spec.mTiles; ++r)
    for (int64_t h = 0; h < 2; ++h)
      aRows.push_back(arith::MinUIOp::create(
          b, loc, arith::AddIOp::create(b, loc, add(b, loc, m0, 16 * r + 8 * h), g), mLast));
  for (int64_t i = 0; i < spec.nTiles; ++i)
    wRows.push_back(arith::AddIOp::create(b, loc, add(b, loc, n0, 8 * i), g));
  Value t2 = mul(b, loc, t, 2);
  for (int64_t i = 0; i < spec.nTiles; ++i)
    for (int64_t e = 0; e < 2; ++e)
      cCols.push_back(arith::AddIOp::create(b, loc, add(b, loc, n0, 8 * i + e), t2));
}

/// The scale of output column `col` (in group `grp` when grouped), f32.
Value MmaKernelBuilder::scaleAt(OpBuilder &ob, Location l, Value col, Value grp) const {
  SmallVector<Value> ix;
  if (spec.scaleLayout != ScaleLayout::PerTensor)
    ix.push_back(col);
  if (grouped)
    ix.push_back(grp);
  return extendToF32(ob, l, memref::LoadOp::create(ob, l, scale, ix));
}

/// Staging: K block `kbv` of the block's rows (clamped to M) into stage
/// `st` with 16-byte cp.async copies spread over all threads; returns the
/// group token (one group per call).
Value MmaKernelBuilder::issueStage(OpBuilder &sb, Location sl, Value st, Value kbv) const {
  int64_t perRow = spec.kBlock() * spec.lhsBytes() / 16;
  int64_t elts = 16 / spec.lhsBytes();
  SmallVector<Value> tokens;
  for (int64_t it = 0; it < spec.stageCopies() / (kWarpSize * spec.warps); ++it) {
    Value c = add(sb, sl, tid, it * kWarpSize * spec.warps);
    Value row = arith::DivUIOp::create(sb, sl, c, idx(sb, sl, perRow));
    Value col = mul(sb, sl, arith::RemUIOp::create(sb, sl, c, idx(sb, sl, perRow)), elts);
    Value srcRow = arith::MinUIOp::create(sb, sl, arith::AddIOp::create(sb, sl, m0, row), mLast);
    Value srcCol = arith::AddIOp::create(sb, sl, mul(sb, sl, kbv, spec.kBlock()), col);
    tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
        sb, sl, nvgpu::DeviceAsyncTokenType::get(ctx), stage, ValueRange{st, row, col}, lhs,
        ValueRange{srcRow, srcCol}, sb.getIndexAttr(elts), Value(), sb.getUnitAttr()));
  }
  return nvgpu::DeviceAsyncCreateGroupOp::create(sb, sl, nvgpu::DeviceAsyncTokenType::get(ctx),
                                                 tokens);
}

/// A weight chunk of row `row` decoded to the mma element type (exact:
/// q - zero point, or the FP8 value), codes in chunk order (k ascending).
Value MmaKernelBuilder::decodeWeightChunk(OpBuilder &lb, Location l, Value bytes, Value row,
                                          Value grp) const {
  Value zpSplat;
  if (zp) {
    SmallVector<Value> ix;
    if (spec.scaleLayout != ScaleLayout::PerTensor)
      ix.push_back(row);
    if (grouped)
      ix.push_back(grp);
    Value z = storedIntToI32(lb, l, spec.scheme, memref::LoadOp::create(lb, l, zp, ix));
    zpSplat =
        vector::BroadcastOp::create(lb, l, VectorType::get({kChunkBytes}, lb.getI32Type()), z);
  }
  Value decoded; // f32
  if (spec.packed()) {
    auto byteVec = VectorType::get({kChunkBytes}, lb.getI8Type());
    auto nib = [&](Value v) {
      return emitDecode(
          lb, l, spec.scheme,
          arith::TruncIOp::create(lb, l, VectorType::get({kChunkBytes}, lb.getIntegerType(4)), v),
          zpSplat);
    };
    Value lo = nib(arith::AndIOp::create(lb, l, bytes, splatInt(lb, l, byteVec, 0x0F)));
    Value hi = nib(arith::ShRUIOp::create(lb, l, bytes, splatInt(lb, l, byteVec, 4)));
    SmallVector<int64_t> interleave;
    for (int64_t q = 0; q < kChunkBytes; ++q) {
      interleave.push_back(q);
      interleave.push_back(q + kChunkBytes);
    }
    decoded = vector::ShuffleOp::create(lb, l, lo, hi, interleave);
  } else {
    decoded = emitDecode(lb, l, spec.scheme, bytes, zpSplat);
  }
  auto codesType = VectorType::get({spec.chunkCodes()}, mmaElt);
  return arith::TruncFOp::create(lb, l, codesType, decoded);
}

/// B: each n tile's chunk of K block `kb` (raw codes, or decoded).
SmallVector<Value> MmaKernelBuilder::loadWeightFragments(OpBuilder &lb, Location l, Value kb,
                                                         Value grp) const {
  Value byteOff = arith::AddIOp::create(lb, l, mul(lb, l, kb, 4 * kChunkBytes),
                                        mul(lb, l, t, kChunkBytes));
  auto chunkType = VectorType::get({kChunkBytes}, spec.rhsElt);
  SmallVector<Value> bVals;
  for (int64_t i = 0; i < spec.nTiles; ++i) {
    Value bytes = vector::LoadOp::create(lb, l, chunkType, rhs, ValueRange{wRows[i], byteOff},
                                         false, llvm::Align(kChunkBytes));
    bVals.push_back(raw ? bytes : decodeWeightChunk(lb, l, bytes, wRows[i], grp));
  }
  return bVals;
}

/// A: rows g and g + 8 of each m tile at the same K positions, from the
/// stage of this K block (after starting the copy of the next one into the
/// other stage and waiting for this one) or from global memory.
SmallVector<Value> MmaKernelBuilder::loadActivationFragments(OpBuilder &lb, Location l, Value kb,
                                                             Value kBase) const {
  auto aType = VectorType::get({spec.chunkCodes()}, spec.lhsElt);
  int64_t aBytes = spec.chunkCodes() * spec.lhsBytes();
  llvm::Align align(std::min<int64_t>(16, aBytes));
  SmallVector<Value> aVals;
  if (!spec.stageA) {
    for (Value row : aRows)
      aVals.push_back(vector::LoadOp::create(lb, l, aType, lhs, ValueRange{row, kBase}, false, align));
    return aVals;
  }
  int64_t numKb = spec.k / spec.kBlock();
  Value cur = arith::RemUIOp::create(lb, l, kb, idx(lb, l, 2));
  Value next = arith::SubIOp::create(lb, l, c1, cur);
  Value nextKb = arith::MinUIOp::create(lb, l, add(lb, l, kb, 1), idx(lb, l, numKb - 1));
  Value group = issueStage(lb, l, next, nextKb);
  nvgpu::DeviceAsyncWaitOp::create(lb, l, group, lb.getI32IntegerAttr(1));
  gpu::BarrierOp::create(lb, l);
  Value col = mul(lb, l, t, spec.chunkCodes());
  for (int64_t r = 0; r < spec.mTiles; ++r)
    for (int64_t h = 0; h < 2; ++h)
      aVals.push_back(vector::LoadOp::create(
          lb, l, aType, stage, ValueRange{cur, add(lb, l, g, 16 * r + 8 * h), col}, false, align));
  return aVals;
}

/// One mma.sync of a 16 x 8 tile: the four accumulators after adding
/// A (aRegs) x B (bPair) to `c`.
SmallVector<Value> MmaKernelBuilder::mmaTile(OpBuilder &lb, Location l, ArrayRef<Value> aRegs,
                                             ArrayRef<Value> bPair, ArrayRef<Value> c) const {
  Type resStruct = LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(4, accElt));
  SmallVector<Value> result;
  if (spec.kind == MmaKind::Fp8) {
    // FP8 mma.sync has no NVVM op here: inline PTX.
    auto ptxName = [](SchemeAttr sc) {
      return sc.getStorage() == StorageKind::f8E4M3FN ? "e4m3" : "e5m2";
    };
    std::string fp8Asm = (Twine("mma.sync.aligned.m16n8k32.row.col.f32.") +
                          ptxName(spec.lhsScheme) + "." + ptxName(spec.scheme) +
                          ".f32 {$0,$1,$2,$3}, {$4,$5,$6,$7}, {$8,$9}, {$10,$11,$12,$13};")
                             .str();
    SmallVector<Value> ops(aRegs);
    ops.append(bPair.begin(), bPair.end());
    ops.append(c.begin(), c.end());
    auto mma = LLVM::InlineAsmOp::create(
        lb, l, resStruct, ops, lb.getStringAttr(fp8Asm),
        lb.getStringAttr("=f,=f,=f,=f,r,r,r,r,r,r,f,f,f,f"), UnitAttr(), UnitAttr(),
        LLVM::TailCallKindAttr(), LLVM::AsmDialectAttr(), ArrayAttr());
    for (int64_t e = 0; e < 4; ++e)
      result.push_back(LLVM::ExtractValueOp::create(lb, l, mma.getResult(0), e));
    return result;
  }
  auto mmaType = isInt                         ? NVVM::MMATypes::s8
                 : spec.kind == MmaKind::F16 ? NVVM::MMATypes::f16
                                             : NVVM::MMATypes::bf16;
  auto aPtx = mmaType, bPtx = mmaType;
  if (isInt && spec.lhsScheme.getStorage() == StorageKind::u8)
    aPtx = NVVM::MMATypes::u8;
  if (isInt && spec.scheme.getStorage() == StorageKind::u8)
    bPtx = NVVM::MMATypes::u8;
  auto mma = NVVM::MmaOp::create(
      lb, l, resStruct, aRegs, bPair, c, {16, 8, isInt ? 32 : 16}, std::nullopt,
      isInt ? std::optional(NVVM::MMAIntOverflow::wrapped) : std::nullopt,
      std::array<NVVM::MMATypes, 2>{aPtx, bPtx},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row, NVVM::MMALayout::col});
  for (int64_t e = 0; e < 4; ++e)
    result.push_back(LLVM::ExtractValueOp::create(lb, l, mma, e));
  return result;
}

/// All mma.sync of one K block: for each step of `slots` K positions, each
/// (m tile, n tile) pair, updating the accumulators `cur`.
void MmaKernelBuilder::multiplyBlock(OpBuilder &lb, Location l, ArrayRef<Value> aVals,
                                     ArrayRef<Value> bVals, SmallVectorImpl<Value> &cur) const {
  int64_t half = spec.slots() / 2;
  for (int64_t j = 0; j < spec.steps(); ++j) {
    int64_t off = j * spec.slots();
    for (int64_t r = 0; r < spec.mTiles; ++r) {
      Value lo = aVals[2 * r], hi = aVals[2 * r + 1];
      SmallVector<Value> aRegs{mmaRegister(lb, l, spec.kind, sliceOf(lb, l, lo, off, half)),
                               mmaRegister(lb, l, spec.kind, sliceOf(lb, l, hi, off, half)),
                               mmaRegister(lb, l, spec.kind, sliceOf(lb, l, lo, off + half, half)),
                               mmaRegister(lb, l, spec.kind, sliceOf(lb, l, hi, off + half, half))};
      for (int64_t i = 0; i < spec.nTiles; ++i) {
        SmallVector<Value> bPair{
            mmaRegister(lb, l, spec.kind, sliceOf(lb, l, bVals[i], off, half)),
            mmaRegister(lb, l, spec.kind, sliceOf(lb, l, bVals[i], off + half, half))};
        int64_t tile = r * spec.nTiles + i;
        SmallVector<Value> c(cur.begin() + 4 * tile, cur.begin() + 4 * tile + 4);
        SmallVector<Value> next = mmaTile(lb, l, aRegs, bPair, c);
        std::copy(next.begin(), next.end(), cur.begin() + 4 * tile);
      }
    }
  }
}

/// One iteration of the K loop: fragments of K block `kb`, the mma.sync,
/// group scales (a K block lies in one group).
SmallVector<Value> MmaKernelBuilder::kBlockStep(OpBuilder &lb, Location l, Value kb,
                                                ValueRange accs) const {
  Value kBase = arith::AddIOp::create(lb, l, mul(lb, l, kb, spec.kBlock()),
                                      mul(lb, l, t, spec.chunkCodes()));
  Value grp = grouped ? arith::DivUIOp::create(lb, l, kBase, idx(lb, l, spec.group)) : Value();
  SmallVector<Value> bVals = loadWeightFragments(lb, l, kb, grp);
  SmallVector<Value> aVals = loadActivationFragments(lb, l, kb, kBase);
  SmallVector<Value> cur(accs.begin(), accs.end());
  if (grouped)
    std::fill(cur.begin(), cur.end(), accZero);
  multiplyBlock(lb, l, aVals, bVals, cur);
  if (grouped) {
    // acc += block sum * scale.
    SmallVector<Value> colScale;
    for (Value col : cCols)
      colScale.push_back(scaleAt(lb, l, col, grp));
    for (int64_t r = 0; r < spec.mTiles; ++r)
      for (int64_t i = 0; i < spec.nTiles; ++i)
        for (int64_t e = 0; e < 4; ++e) {
          int64_t at = 4 * (r * spec.nTiles + i) + e;
          cur[at] = math::FmaOp::create(lb, l, cur[at], colScale[2 * i + e % 2], accs[at]);
        }
  }
  // The stage read here is refilled two iterations later.
  if (spec.stageA)
    gpu::BarrierOp::create(lb, l);
  return cur;
}

/// Epilogue: per-channel / per-tensor scale, bias, rounding; rows < M.
void MmaKernelBuilder::storeOutputs(ValueRange accs) {
  for (int64_t r = 0; r < spec.mTiles; ++r)
    for (int64_t i = 0; i < spec.nTiles; ++i)
      for (int64_t e = 0; e < 4; ++e) {
        Value v = accs[4 * (r * spec.nTiles + i) + e];
        Value col = cCols[2 * i + e % 2];
        if (!raw) {
          if (!grouped)
            v = arith::MulFOp::create(b, loc, v, scaleAt(b, loc, col, Value()));
          if (bias)
            v = arith::AddFOp::create(
                b, loc, v,
                extendToF32(b, loc, memref::LoadOp::create(b, loc, bias, ValueRange{col})));
          v = truncFromF32(b, loc, v, spec.resElt);
        }
        Value row = arith::AddIOp::create(b, loc, add(b, loc, m0, 16 * r + (e / 2) * 8), g);
        Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, m);
        scf::IfOp::create(b, loc, inRange, [&](OpBuilder &sb, Location sl) {
          memref::StoreOp::create(sb, sl, v, out, ValueRange{row, col});
          scf::YieldOp::create(sb, sl);
        });
      }
}

gpu::GPUFuncOp MmaKernelBuilder::build() {
  createFunction();
  computeThreadIndices();
  tid = arith::AddIOp::create(b, loc, mul(b, loc, warp, kWarpSize), lane);
  if (spec.stageA)
    issueStage(b, loc, c0, c0);
  accZero = isInt ? Value(arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0))
                  : Value(arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f)));
  SmallVector<Value> init(4 * spec.mTiles * spec.nTiles, accZero);
  auto loop = scf::ForOp::create(b, loc, c0, idx(b, loc, spec.k / spec.kBlock()), c1, init,
                                 [&](OpBuilder &lb, Location l, Value kb, ValueRange accs) {
                                   scf::YieldOp::create(lb, l, kBlockStep(lb, l, kb, accs));
                                 });
  storeOutputs(loop.getResults());
  gpu::ReturnOp::create(b, loc);
  return func;
}

gpu::GPUFuncOp buildMmaKernel(RewriterBase &rewriter, gpu::GPUModuleOp gm, const MmaSpec &spec) {
  return MmaKernelBuilder(rewriter, gm, spec).build();
}

/// Launches the tensor-core kernel for `spec` on `operands` and returns the
/// result tensor of `resultType` (allocated here).
Value launchMma(PatternRewriter &rewriter, MatmulOp op, const MmaSpec &spec,
                ArrayRef<Value> operands, RankedTensorType resultType) {
  gpu::GPUModuleOp gm = getOrCreateGPUModule(rewriter, op->getParentOfType<ModuleOp>());
  auto func = gm.lookupSymbol<gpu::GPUFuncOp>(spec.name());
  if (!func)
    func = buildMmaKernel(rewriter, gm, spec);
  Location loc = op.getLoc();
  ArrayRef<Type> types = func.getFunctionType().getInputs();
  SmallVector<Value> args;
  for (auto [v, type] : llvm::zip(operands, types))
    args.push_back(bufferForKernel(rewriter, loc, v, type));
  Value m = tensor::DimOp::create(rewriter, loc, op.getLhs(), 0);
  SmallVector<Value> dynamic;
  if (resultType.isDynamicDim(0))
    dynamic.push_back(m);
  Value outBuf = memref::AllocOp::create(
      rewriter, loc, MemRefType::get(resultType.getShape(), resultType.getElementType()),
      dynamic);
  args.push_back(castBuffer(rewriter, loc, outBuf, types.back()));
  Value one = idx(rewriter, loc, 1);
  gpu::KernelDim3 grid{idx(rewriter, loc, spec.n / spec.blockN()),
                       ceilDiv(rewriter, loc, m, spec.blockM()), one};
  gpu::KernelDim3 block{idx(rewriter, loc, kWarpSize), idx(rewriter, loc, spec.warps), one};
  gpu::LaunchFuncOp::create(rewriter, loc, func, grid, block, Value(), args);
  return bufferization::ToTensorOp::create(rewriter, loc, resultType, outBuf,
                                           /*restrict=*/true, /*writable=*/true);
}

/// The largest (warps, n tiles) not above the options' whose block width
/// divides N; false if N is not a multiple of 8.
bool fitTiles(MmaSpec &spec, const QuantXGPUMatmulKernelsOptions &options) {
  spec.mTiles = options.mmaMTiles;
  for (int64_t w = options.warps; w >= 1; w /= 2)
    for (int64_t nt = options.mmaNTiles; nt >= 1; nt /= 2)
      if (spec.n % (8 * nt * w) == 0) {
        spec.warps = w;
        spec.nTiles = nt;
        spec.stageA = options.mmaStageA && spec.canStage();
        return true;
      }
  return false;
}

/// Weight-only quantx.matmul with M >= mma-min-m and f16/bf16 activations:
/// weights decoded in registers to exact f16/bf16 values (q - zero point;
/// FP8 values), mma.sync m16n8k16 with f32 accumulation, scales applied to
/// the f32 sums (per K block for groups), so the products are exact and
/// only the summation order differs from the reference lowering.
struct WeightOnlyMatmulToMma : OpRewritePattern<MatmulOp> {
  WeightOnlyMatmulToMma(MLIRContext *ctx, const QuantXGPUMatmulKernelsOptions &options)
      : OpRewritePattern(ctx, /*benefit=*/2), options(options),
        smVersion(parseNVIDIAChip(options.chip).value_or(0)) {}

  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    if (!options.tensorCores || smVersion < 80)
      return rewriter.notifyMatchFailure(op, "tensor cores off or before sm_80");
    SchemeAttr scheme = op.getRhsScheme();
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    auto resType = cast<RankedTensorType>(op.getResult().getType());
    RankedTensorType rhsType = op.getRhs().getType();
    if (!lhsType.hasStaticShape() || !rhsType.hasStaticShape() ||
        lhsType.getDimSize(0) < options.mmaMinM)
      return rewriter.notifyMatchFailure(op, "dynamic shape or small M (GEMV)");
    if (scheme.getStorage() == StorageKind::nf4)
      return rewriter.notifyMatchFailure(op, "NF4 values are not exact in f16");
    MmaSpec spec;
    Type lhsElt = lhsType.getElementType();
    if (lhsElt.isF16())
      spec.kind = MmaKind::F16;
    else if (lhsElt.isBF16())
      spec.kind = MmaKind::BF16;
    else
      return rewriter.notifyMatchFailure(op, "activations are not f16/bf16");
    spec.scheme = scheme;
    std::string reason;
    FailureOr<WeightOnlyMatmul> info = analyzeWeightOnlyMatmul(op, spec.kBlock(), reason);
    if (failed(info))
      return rewriter.notifyMatchFailure(op, reason);
    static_cast<QuantizedMatmulShape &>(spec) = *info;
    if (!fitTiles(spec, options))
      return rewriter.notifyMatchFailure(op, "N does not fit the tiles");
    rewriter.replaceOp(op, launchMma(rewriter, op, spec, info->operands, resType));
    return success();
  }

  QuantXGPUMatmulKernelsOptions options;
  int64_t smVersion; ///< from options.chip
};

/// Integer (W8A8, 8-bit codes) and FP8 x FP8 quantx.matmul: the raw
/// accumulator of the stored codes from mma.sync m16n8k32 (s8/u8 with i32
/// accumulators wrapping like the reference; E4M3/E5M2 with f32
/// accumulators from sm_89, the products exact), then the reference
/// epilogue on tensors (zero-point corrections, bias, scales,
/// requantization). Chips without these tensor cores are diagnosed by the
/// pass before the patterns run.
struct RawCodesMatmulToMma : OpRewritePattern<MatmulOp> {
  RawCodesMatmulToMma(MLIRContext *ctx, const QuantXGPUMatmulKernelsOptions &options)
      : OpRewritePattern(ctx, /*benefit=*/2), options(options),
        smVersion(parseNVIDIAChip(options.chip).value_or(0)) {}

  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    bool isInt = op.getKind() == MatmulOp::Kind::Integer;
    if (!options.tensorCores || (!isInt && op.getKind() != MatmulOp::Kind::Float8) ||
        smVersion < (isInt ? 80 : 89))
      return rewriter.notifyMatchFailure(op, "no integer/FP8 tensor-core matmul");
    if (op.getScaleGroupSize())
      return rewriter.notifyMatchFailure(op, "scales per group along K");
    SchemeAttr scheme = op.getRhsScheme(), lhsScheme = op.getLhsSchemeAttr();
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    RankedTensorType rhsType = op.getRhs().getType();
    if (scheme.isSubByte() || lhsScheme.isSubByte() || !rhsType.hasStaticShape() ||
        lhsType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "4-bit codes or dynamic K");
    MmaSpec spec;
    spec.kind = isInt ? MmaKind::Int8 : MmaKind::Fp8;
    spec.scheme = scheme;
    spec.lhsScheme = lhsScheme;
    spec.n = rhsType.getDimSize(0);
    spec.k = rhsType.getDimSize(1);
    spec.group = spec.k;
    spec.lhsElt = isInt ? rewriter.getI8Type() : lhsType.getElementType();
    spec.rhsElt = isInt ? rewriter.getI8Type() : rhsType.getElementType();
    Type accElt = isInt ? Type(rewriter.getI32Type()) : Type(rewriter.getF32Type());
    spec.resElt = accElt;
    if (spec.k % spec.kBlock() != 0 || !fitTiles(spec, options))
      return rewriter.notifyMatchFailure(op, "K or N does not fit the tiles");
    auto accType = RankedTensorType::get(
        cast<RankedTensorType>(op.getResult().getType()).getShape(), accElt);
    Value acc = launchMma(rewriter, op, spec, {op.getLhs(), op.getRhs()}, accType);
    rewriter.replaceOp(op, buildMatmulEpilogue(rewriter, op.getLoc(), op, acc));
    return success();
  }

  QuantXGPUMatmulKernelsOptions options;
  int64_t smVersion; ///< from options.chip
};

} // namespace

std::optional<int64_t> mlir::quantx::parseNVIDIAChip(StringRef chip) {
  int64_t v = 0;
  if (!chip.consume_front("sm_"))
    return std::nullopt;
  chip.consume_back("a");
  if (chip.getAsInteger(10, v) || v < 70 || v > 90)
    return std::nullopt;
  return v;
}

std::string
mlir::quantx::verifyGPUMatmulKernelsOptions(const QuantXGPUMatmulKernelsOptions &options) {
  if (!parseNVIDIAChip(options.chip))
    return "unsupported chip '" + options.chip + "'; expected sm_70 to sm_90a (e.g. sm_80, sm_89, sm_90)";
  auto range = [](StringRef name, int64_t v, int64_t lo, int64_t hi) -> std::string {
    if (v >= lo && v <= hi)
      return "";
    std::string bound = hi == INT64_MAX ? ">= " + std::to_string(lo)
                                        : "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    return (name + " must be " + bound + ", got " + std::to_string(v)).str();
  };
  for (std::string error :
       {range("warps", options.warps, 1, 32), range("rows", options.rows, 1, 16),
        range("split-k", options.splitK, 0, INT64_MAX), range("sm-count", options.smCount, 1, INT64_MAX),
        range("mma-min-m", options.mmaMinM, 1, INT64_MAX), range("mma-m-tiles", options.mmaMTiles, 1, 4),
        range("mma-n-tiles", options.mmaNTiles, 1, 8)})
    if (!error.empty())
      return error;
  return "";
}

void mlir::quantx::populateGPUMatmulKernelPatterns(RewritePatternSet &patterns,
                                                   const QuantXGPUMatmulKernelsOptions &options) {
  patterns.add<WeightOnlyMatmulToGemv, WeightOnlyMatmulToMma, RawCodesMatmulToMma>(
      patterns.getContext(), options);
}
