//===- Registration.cpp - register quant-opt's conversion passes ----------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The conversion passes (from TableGen) and the two named pipelines, whose
// options are checked before the pipeline is built: a bad value is a
// one-line pipeline parse error naming the option.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace {
/// Registers pipeline `arg` built by `build` from options of type `Options`
/// that `verify` accepts.
template <typename Options>
void registerCheckedPipeline(StringRef arg, StringRef description,
                             std::string (*verify)(const Options &),
                             LogicalResult (*build)(OpPassManager &, const Options &)) {
  registerPassPipeline(
      arg, description,
      [=](OpPassManager &pm, StringRef text,
          function_ref<LogicalResult(const Twine &)> errorHandler) -> LogicalResult {
        Options options;
        if (failed(options.parseFromString(text)))
          return failure();
        if (std::string error = verify(options); !error.empty())
          return errorHandler(arg + ": " + error);
        return build(pm, options);
      },
      [](function_ref<void(const detail::PassOptions &)> optionHandler) {
        optionHandler(Options());
      });
}
} // namespace

void mlir::quantx::registerQuantOptPasses() {
  registerQuantOptConversionPasses();
  registerCheckedPipeline<CPUPipelineOptions>(
      "quantx-cpu-pipeline",
      "Lower quantx + linalg on tensors to the LLVM dialect for the host CPU "
      "(mlir-runner, or mlir-translate + llc for an object file)",
      verifyCPUPipelineOptions, buildQuantXCPUPipeline);
  registerCheckedPipeline<GPUPipelineOptions>(
      "quantx-gpu-pipeline",
      "Lower quantx + linalg on tensors to NVIDIA GPU kernels (gpu.binary with "
      "cubins made by ptxas; GEMV and mma.sync kernels for quantized matmuls) "
      "and host code in the LLVM dialect, buffers in GPU memory",
      verifyGPUPipelineOptions, buildQuantXGPUPipeline);
}
