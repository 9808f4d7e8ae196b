//===- PTQ.cpp - post-training quantization in one pass -------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Passes.h"

#include "QuantOpt/Params/ParameterGlobals.h"

#include "QuantOpt/Transforms/Recipe.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXPTQ
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {
struct PTQPass : quantx::impl::QuantXPTQBase<PTQPass> {
  using Base::Base;

  /// The recipe options, for a recipe-driven pass run from here.
  template <typename To>
  To recipeOptions() const {
    To to;
    to.scheme = scheme;
    to.groupSize = groupSize;
    to.skipFirst = skipFirst;
    to.skipLast = skipLast;
    to.recipe = recipe;
    to.stats = stats;
    to.method = method;
    to.percentile = percentile;
    to.target = target;
    return to;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fq = recipeOptions<QuantXInsertFakeQuantOptions>();

    // Weights a frontend already quantized (dequantization generics) are
    // kept as they are; the rest get the recipe's schemes.
    if (algorithm != "rtn" && algorithm != "smoothquant" && algorithm != "gptq" &&
        algorithm != "awq") {
      mlir::emitError(module.getLoc()) << "unknown algorithm '" << algorithm
                         << "'; expected rtn, smoothquant, gptq or awq";
      return signalPassFailure();
    }
    OpPassManager pm(ModuleOp::getOperationName());
    // Weights in a parameter file are quantized from it first (nothing
    // happens for models without parameter globals).
    auto fromFile = recipeOptions<QuantXQuantizeParametersOptions>();
    fromFile.params = params;
    fromFile.output = paramsOut;
    fromFile.progress = progress;
    if (algorithm != "rtn")
      fromFile.algorithm = algorithm;
    fromFile.alpha = alpha;
    if (!lora.empty() && loraMerge) {
      bool anyParameter = false;
      for (auto global : module.getOps<ml_program::GlobalOp>())
        anyParameter |= isParameterGlobal(global);
      if (!anyParameter) {
        mlir::emitError(module.getLoc()) << "lora-merge=true merges the adapter into weights read from a "
                              "parameter file, and this model has none; use lora-merge=false";
        return signalPassFailure();
      }
      fromFile.lora = lora;
    }
    pm.addPass(createQuantXQuantizeParameters(fromFile));
    pm.addPass(createQuantXRaiseDequantization());
    if (algorithm == "smoothquant") {
      QuantXSmoothQuantOptions smooth;
      smooth.alpha = alpha;
      smooth.stats = stats;
      pm.addPass(createQuantXSmoothQuant(smooth));
    }
    if (algorithm == "awq") {
      auto awq = recipeOptions<QuantXAWQOptions>();
      pm.addPass(createQuantXAWQ(awq));
    }
    if (algorithm == "gptq") {
      auto gptq = recipeOptions<QuantXGPTQOptions>();
      pm.addPass(createQuantXGPTQ(gptq));
    }
    pm.addPass(createQuantXInsertFakeQuant(fq));
    if (failed(runPipeline(pm, module)))
      return signalPassFailure();

    // Static activation scales need statistics: observers left behind mean
    // some op had none.
    bool missing = false;
    module.walk([&](ObserveOp obs) {
      missing = true;
      obs.emitError()
          << "no calibration statistics for '" << obs.getName()
          << "': static W8A8/FP8 needs them. Insert observers with "
             "--quantx-insert-fake-quant, run quant-calibrate on sample "
             "inputs to write stats.json and pass stats=stats.json, or use "
             "scheme=w8a8-dynamic";
    });
    if (missing)
      return signalPassFailure();

    if (!report.empty()) {
      QuantXReportOptions reportOptions;
      reportOptions.output = report;
      reportOptions.format = reportFormat;
      OpPassManager reportPm(ModuleOp::getOperationName());
      reportPm.addPass(createQuantXReport(reportOptions));
      if (failed(runPipeline(reportPm, module)))
        return signalPassFailure();
    }

    OpPassManager fold(ModuleOp::getOperationName());
    QuantXFormQuantizedMatmulOptions form;
    form.foldRequantize = foldRequantize;
    fold.addPass(createQuantXFormQuantizedMatmul(form));
    fold.addPass(createCanonicalizerPass());
    fold.addPass(createCSEPass());
    if (!lora.empty() && !loraMerge) {
      // Adapters over the quantized layers, in float (QLoRA inference).
      QuantXApplyLoRAOptions apply;
      apply.adapter = lora;
      fold.addPass(createQuantXApplyLoRA(apply));
    }
    if (failed(runPipeline(fold, module)))
      return signalPassFailure();
  }
};
} // namespace
