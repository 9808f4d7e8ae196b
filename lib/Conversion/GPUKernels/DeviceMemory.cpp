//===- DeviceMemory.cpp - host functions on GPU-resident buffers ----------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The GPU pipeline's calling convention: every memref a host function
// receives, allocates or returns lives in GPU memory; the host code only
// allocates, copies and launches kernels. This pass (on bufferized code,
// after parallel loops became gpu.launch ops) rewrites the host side
// accordingly:
//
//   memref.alloc / memref.dealloc -> gpu.alloc / gpu.dealloc
//   memref.copy                   -> gpu.memcpy (contiguous buffers)
//   memref.get_global used by GPU code -> a gpu.alloc + gpu.memcpy upload
//                                    (freed at the end of the block)
//
// and reports, with a located error, any remaining host operation that
// would read or write GPU memory (for example a reduction that did not
// become a kernel), instead of letting it crash at run time.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXGPUDEVICEMEMORY
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;

namespace {

bool isContiguous(MemRefType type) {
  return type.getLayout().isIdentity() || type.areTrailingDimsContiguous(type.getRank());
}

/// Whether `use` runs on the GPU: an operand of a kernel launch, or inside
/// a gpu.launch body.
bool isDeviceUse(OpOperand &use) {
  Operation *user = use.getOwner();
  return isa<gpu::LaunchFuncOp, gpu::MemcpyOp, gpu::MemsetOp>(user) ||
         user->getParentOfType<gpu::LaunchOp>();
}

struct DeviceMemoryPass
    : quantx::impl::QuantXGPUDeviceMemoryBase<DeviceMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    bool failed = false;
    for (Operation *op : hostOps()) {
      rewriter.setInsertionPoint(op);
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        rewriter.replaceOpWithNewOp<gpu::AllocOp>(
            alloc, alloc.getType(), /*asyncToken=*/Type(), ValueRange{},
            alloc.getDynamicSizes(), alloc.getSymbolOperands(), /*hostShared=*/false);
        ++numAllocs;
      } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
        rewriter.replaceOpWithNewOp<gpu::DeallocOp>(dealloc, Type(), ValueRange{},
                                                    dealloc.getMemref());
      } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
        auto src = dyn_cast<MemRefType>(copy.getSource().getType());
        auto dst = dyn_cast<MemRefType>(copy.getTarget().getType());
        if (!src || !dst) {
          copy.emitError("quantx-gpu-device-memory: copy of unranked buffers has no "
                         "GPU lowering");
          failed = true;
          continue;
        }
        if (!isContiguous(src) || !isContiguous(dst)) {
          copy.emitError("quantx-gpu-device-memory: copy between non-contiguous "
                         "buffers has no GPU lowering");
          failed = true;
          continue;
        }
        rewriter.replaceOpWithNewOp<gpu::MemcpyOp>(copy, Type(), ValueRange{},
                                                   copy.getTarget(), copy.getSource());
        ++numCopies;
      } else if (auto global = dyn_cast<memref::GetGlobalOp>(op)) {
        uploadIfUsedOnDevice(rewriter, global);
      }
    }
    if (failed)
      return signalPassFailure();
    if (failed = !verifyNoHostAccess(); failed)
      signalPassFailure();
  }

  /// Operations of host code: outside GPU modules and gpu.launch bodies.
  SmallVector<Operation *> hostOps() {
    SmallVector<Operation *> ops;
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<gpu::GPUModuleOp, gpu::LaunchOp>(op))
        return WalkResult::skip();
      ops.push_back(op);
      return WalkResult::advance();
    });
    return ops;
  }

  /// Replaces the GPU uses of a host global with an uploaded copy.
  void uploadIfUsedOnDevice(IRRewriter &rewriter, memref::GetGlobalOp global) {
    SmallVector<OpOperand *> deviceUses;
    for (OpOperand &use : global->getUses())
      if (isDeviceUse(use))
        deviceUses.push_back(&use);
    if (deviceUses.empty())
      return;
    Location loc = global.getLoc();
    rewriter.setInsertionPointAfter(global);
    auto type = cast<MemRefType>(global.getType());
    Value buffer = gpu::AllocOp::create(rewriter, loc, type, Type(), ValueRange{},
                                        ValueRange{}, ValueRange{}, false)
                       .getMemref();
    gpu::MemcpyOp::create(rewriter, loc, Type(), ValueRange{}, buffer, global);
    for (OpOperand *use : deviceUses)
      use->set(buffer);
    rewriter.setInsertionPoint(global->getBlock()->getTerminator());
    gpu::DeallocOp::create(rewriter, loc, Type(), ValueRange{}, buffer);
    ++numUploads;
  }

  /// Host operations (outside kernels) must not read or write buffers: all
  /// but host globals live in GPU memory.
  bool verifyNoHostAccess() {
    bool ok = true;
    for (Operation *op : hostOps()) {
      if (op->getDialect() && isa<gpu::GPUDialect>(op->getDialect()))
        continue;
      auto effects = dyn_cast<MemoryEffectOpInterface>(op);
      if (!effects)
        continue;
      SmallVector<MemoryEffects::EffectInstance> list;
      effects.getEffects(list);
      for (const MemoryEffects::EffectInstance &effect : list) {
        Value v = effect.getValue();
        if (!v || !isa<BaseMemRefType>(v.getType()) ||
            !isa<MemoryEffects::Read, MemoryEffects::Write>(effect.getEffect()) ||
            isHostGlobal(v))
          continue;
        op->emitError() << "quantx-gpu-device-memory: '" << op->getName()
                        << "' would run on the host on a buffer in GPU memory; "
                           "this computation has no GPU kernel yet";
        ok = false;
        break;
      }
    }
    return ok;
  }

  /// A buffer that is (a view of) a host global.
  static bool isHostGlobal(Value v) {
    while (Operation *def = v.getDefiningOp()) {
      if (isa<memref::GetGlobalOp>(def))
        return true;
      auto view = dyn_cast<ViewLikeOpInterface>(def);
      if (!view)
        return false;
      v = view.getViewSource();
    }
    return false;
  }
};

} // namespace
