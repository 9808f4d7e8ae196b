//===- LaunchMemoryEffects.cpp - memory effects of gpu.launch_func --------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Upstream's gpu.launch_func declares no memory effects; buffer
// deallocation needs them to accept launches on buffers.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace {
/// gpu.launch_func reads and writes its memref (after gpu-to-llvm: pointer)
/// operands and may write device globals; nothing else of the host. Declaring so lets ownership-based buffer deallocation place
/// deallocations after launches: a launch without async tokens completes
/// before the next host operation.
struct LaunchFuncMemoryEffects
    : MemoryEffectOpInterface::ExternalModel<LaunchFuncMemoryEffects, gpu::LaunchFuncOp> {
  void getEffects(Operation *op,
                  SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
                      &effects) const {
    for (OpOperand &operand : cast<gpu::LaunchFuncOp>(op).getKernelOperandsMutable()) {
      if (!isa<BaseMemRefType, LLVM::LLVMPointerType>(operand.get().getType()))
        continue;
      effects.emplace_back(MemoryEffects::Read::get(), &operand);
      effects.emplace_back(MemoryEffects::Write::get(), &operand);
    }
    // A launch is never dead: its kernel may also write device globals.
    effects.emplace_back(MemoryEffects::Write::get());
  }
};
} // namespace

void mlir::quantx::registerGPULaunchMemoryEffects(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, gpu::GPUDialect *) {
    gpu::LaunchFuncOp::attachInterface<LaunchFuncMemoryEffects>(*ctx);
  });
}
