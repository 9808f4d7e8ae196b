//===- PTQ.cpp - post-training quantization in one pass -------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Passes.h"

#include "Report.h"

#include "QuantOpt/Transforms/Utils.h"

#include "QuantOpt/Conversion/Passes.h"
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

  /// The passes that quantize: parameters from their file, frontend
  /// weights kept, the algorithm, then fake-quant insertion.
  LogicalResult buildQuantizationPipeline(OpPassManager &pm) {
    ModuleOp module = getOperation();
    // Weights in a parameter file are quantized from it first (nothing
    // happens for models without parameter globals).
    auto fromFile = recipeOptions<QuantXQuantizeParametersOptions>();
    fromFile.params = params;
    fromFile.output = paramsOut;
    fromFile.progress = progress;
    fromFile.tileWeights = tileWeights;
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
        return failure();
      }
      fromFile.lora = lora;
    }
    // Weights quantized with upstream quant types (quant.dcast) are imported
    // as quantx.dequantize first, so their codes are kept.
    pm.addPass(createQuantXFromQuant());
    pm.addPass(createQuantXUnbatchMatmul());
    pm.addPass(createQuantXQuantizeParameters(fromFile));
    QuantXRaiseDequantizationOptions raise;
    raise.assumeIntegerZeroPoints = assumeIntegerZeroPoints;
    pm.addPass(createQuantXRaiseDequantization(raise));
    if (algorithm == "smoothquant") {
      QuantXSmoothQuantOptions smooth;
      smooth.alpha = alpha;
      smooth.stats = stats;
      pm.addPass(createQuantXSmoothQuant(smooth));
    }
    if (algorithm == "awq") {
      auto awq = recipeOptions<QuantXAWQOptions>();
      awq.progress = progress;
      pm.addPass(createQuantXAWQ(awq));
    }
    if (algorithm == "gptq") {
      auto gptq = recipeOptions<QuantXGPTQOptions>();
      gptq.progress = progress;
      pm.addPass(createQuantXGPTQ(gptq));
    }
    pm.addPass(createQuantXInsertFakeQuant(recipeOptions<QuantXInsertFakeQuantOptions>()));
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();

    // Weights a frontend already quantized (dequantization generics) are
    // kept as they are; the rest get the recipe's schemes.
    if (algorithm != "rtn" && algorithm != "smoothquant" && algorithm != "gptq" &&
        algorithm != "awq") {
      mlir::emitError(module.getLoc()) << "unknown algorithm '" << algorithm
                         << "'; expected rtn, smoothquant, gptq or awq";
      return signalPassFailure();
    }
    OpPassManager pm(ModuleOp::getOperationName());
    if (failed(buildQuantizationPipeline(pm)))
      return signalPassFailure();
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

    // The report's errors are measured on the fake-quantized weights; its
    // sizes are settled after forming (an op whose weight is still float
    // behind a fake_quant counts as float, with the reason).
    MLIRContext *ctx = &getContext();
    for (const MatmulSite &site : collectMatmulSites(module))
      site.op->setAttr(kSiteNameAttr, StringAttr::get(ctx, site.name));
    std::vector<ReportRow> rows;
    if (!report.empty()) {
      rows = collectReportRows(module);
      for (auto [i, row] : llvm::enumerate(rows))
        if (row.fakeQuant)
          row.operation->setAttr(kReportRowAttr,
                                 IntegerAttr::get(IntegerType::get(ctx, 64), i));
    }

    OpPassManager fold(ModuleOp::getOperationName());
    QuantXFormQuantizedMatmulOptions form;
    form.foldRequantize = foldRequantize;
    form.accumulation = accumulation;
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

    // Matmul-like ops whose fake-quantized weight did not become a
    // quantx.matmul would only simulate quantization at run time: they go
    // back to float, with a remark and the reason in the report.
    SmallVector<bool> unformed(rows.size(), false);
    bool anyUnformed = false;
    module.walk([&](linalg::LinalgOp op) {
      auto index = op->getAttrOfType<IntegerAttr>(kReportRowAttr);
      auto site = op->getAttrOfType<StringAttr>(kSiteNameAttr);
      op->removeAttr(kReportRowAttr);
      op->removeAttr(kSiteNameAttr);
      if (op.getNumDpsInputs() != 2 || !isMatmulLike(op))
        return;
      auto weightFq = op.getDpsInputOperand(1)->get().getDefiningOp<FakeQuantOp>();
      if (!weightFq)
        return;
      std::string why = "left in float: " + explainUnformed(op);
      op->emitRemark() << "'" << (site ? site.getValue() : op->getName().getStringRef())
                       << "' " << why;
      op->setAttr(kKeptFloatAttr, StringAttr::get(ctx, why));
      anyUnformed = true;
      for (OpOperand *operand : op.getDpsInputOperands()) {
        auto fq = operand->get().getDefiningOp<FakeQuantOp>();
        if (!fq)
          continue;
        operand->set(fq.getInput());
        if (fq->use_empty())
          fq->erase();
      }
      if (index && uint64_t(index.getInt()) < rows.size()) {
        ReportRow &row = rows[index.getInt()];
        unformed[index.getInt()] = true;
        row.scheme = "float";
        row.quantBytes = row.floatBytes;
        row.sqnr = row.maxErr = std::nullopt;
        row.note = why;
      }
    });
    for (auto [i, row] : llvm::enumerate(rows))
      if (row.fakeQuant && !unformed[i])
        row.note = "quantized";
    if (anyUnformed) {
      // The scales of the dropped fake_quant ops.
      OpPassManager cleanup(ModuleOp::getOperationName());
      cleanup.addPass(createCanonicalizerPass());
      if (failed(runPipeline(cleanup, module)))
        return signalPassFailure();
    }
    if (!report.empty() && failed(writeReport(module, rows, report, reportFormat)))
      return signalPassFailure();
  }

  /// Why --quantx-form-quantized-matmul left `op` alone.
  static std::string explainUnformed(linalg::LinalgOp op) {
    FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
    if (succeeded(dims) && !dims->batch.empty())
      return "'" + op->getName().getStringRef().str() +
             "' multiplies a different weight in each batch (quantized matmuls are 2-D)";
    FailureOr<PlainMatmul> plain = matchPlainMatmul(op);
    if (failed(plain))
      return "'" + op->getName().getStringRef().str() +
             "' is not a 2-D matmul with a zero-filled accumulator";
    auto weightFq = plain->rhs->get().getDefiningOp<FakeQuantOp>();
    if (!getConstantFloatValues(weightFq.getInput()))
      return "the weight is not a compile-time constant";
    return "the scheme pair has no quantized matmul (activation scheme or weight layout)";
  }
};
} // namespace
