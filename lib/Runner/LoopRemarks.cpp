//===- LoopRemarks.cpp - what LLVM's loop vectorizer did to each op -------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "LoopRemarks.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/BasicBlock.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::quantx;

namespace {
/// Records the loop vectorizer's verdicts. For a loop it leaves scalar, the
/// vectorizer first reports why (analysis remarks, at the loop or at the
/// offending instruction) and then that it did not vectorize (a missed
/// remark at the loop); a vectorized loop gets one passed remark.
class LoopVectorizerRemarkHandler : public llvm::DiagnosticHandler {
public:
  explicit LoopVectorizerRemarkHandler(std::vector<LoopVerdict> &verdicts)
      : verdicts(verdicts) {}

  bool isAnalysisRemarkEnabled(llvm::StringRef pass) const override {
    return pass == kLoopPass;
  }
  bool isMissedOptRemarkEnabled(llvm::StringRef pass) const override {
    return pass == kLoopPass;
  }
  bool isPassedOptRemarkEnabled(llvm::StringRef pass) const override {
    return pass == kLoopPass || pass == kSLPPass;
  }
  bool isAnyRemarkEnabled() const override { return true; }

  bool handleDiagnostics(const llvm::DiagnosticInfo &info) override {
    auto *remark = llvm::dyn_cast<llvm::DiagnosticInfoIROptimization>(&info);
    if (!remark)
      return false;
    llvm::StringRef pass = remark->getPassName();
    bool analysis = info.getKind() == llvm::DK_OptimizationRemarkAnalysis ||
                    info.getKind() == llvm::DK_OptimizationRemarkAnalysisFPCommute ||
                    info.getKind() == llvm::DK_OptimizationRemarkAnalysisAliasing;
    std::string message = remark->getMsg();
    if (pass == kSLPPass && info.getKind() == llvm::DK_OptimizationRemark) {
      LoopVerdict verdict = locate(*remark);
      verdict.vectorized = verdict.slp = true;
      verdict.message = std::move(message);
      verdicts.push_back(std::move(verdict));
      return true;
    }
    // The vectorizer reports some analyses as "always print" (no pass name).
    if (pass != kLoopPass && !(analysis && pass.empty()))
      return true;
    if (analysis) {
      if (!llvm::is_contained(reasons, message))
        reasons.push_back(message);
      return true;
    }
    bool passed = info.getKind() == llvm::DK_OptimizationRemark;
    // Interleaving without vectorizing copies the scalar loop body.
    if (passed && !llvm::StringRef(message).starts_with("vectorized loop")) {
      reasons.push_back(message);
      passed = false;
    }
    LoopVerdict verdict = locate(*remark);
    verdict.vectorized = passed;
    verdict.message = passed || reasons.empty() ? message : llvm::join(reasons, "; ");
    // A loop around a memset or memcpy that replaced the inner loop: the
    // library's vector code does the work.
    if (!passed)
      if (std::string call = memoryIntrinsicIn(remark->getCodeRegion()); !call.empty()) {
        verdict.vectorized = true;
        verdict.message = "inner loop replaced by a call to " + call;
      }
    verdicts.push_back(std::move(verdict));
    reasons.clear();
    return true;
  }

private:
  /// A verdict at `remark`'s location, for the function its code came from.
  static LoopVerdict locate(const llvm::DiagnosticInfoIROptimization &remark) {
    LoopVerdict verdict;
    llvm::DiagnosticLocation loc = remark.getLocation();
    if (loc.isValid()) {
      verdict.file = llvm::sys::path::filename(loc.getRelativePath()).str();
      verdict.line = loc.getLine();
      verdict.column = loc.getColumn();
    }
    verdict.function = sourceFunction(remark.getCodeRegion());
    return verdict;
  }

  /// The name of a memset/memcpy/memmove intrinsic called in `block`, or "".
  static std::string memoryIntrinsicIn(const llvm::BasicBlock *block) {
    if (block)
      for (const llvm::Instruction &inst : *block)
        if (auto *call = llvm::dyn_cast<llvm::MemIntrinsic>(&inst))
          return call->getCalledFunction()->getName().str();
    return "";
  }

  /// The function whose code `block` (a loop header) holds, as its debug
  /// locations say: after inlining, a kernel's loops still name the kernel.
  static std::string sourceFunction(const llvm::BasicBlock *block) {
    if (!block)
      return "";
    for (const llvm::Instruction &inst : *block)
      if (const llvm::DebugLoc &loc = inst.getDebugLoc())
        if (llvm::DISubprogram *subprogram = loc->getScope()->getSubprogram())
          return subprogram->getName().str();
    return "";
  }

  static constexpr llvm::StringLiteral kLoopPass = "loop-vectorize";
  static constexpr llvm::StringLiteral kSLPPass = "slp-vectorizer";
  std::vector<LoopVerdict> &verdicts;
  std::vector<std::string> reasons;
};
} // namespace

std::unique_ptr<llvm::DiagnosticHandler>
mlir::quantx::makeLoopVectorizerRemarkHandler(std::vector<LoopVerdict> &verdicts) {
  return std::make_unique<LoopVectorizerRemarkHandler>(verdicts);
}

/// The name of an op located by a name only (no file location), else "".
static llvm::StringRef nameOnly(Location loc) {
  if (loc->findInstanceOf<FileLineColLoc>())
    return "";
  auto name = loc->findInstanceOf<NameLoc>();
  return name ? name.getName().getValue() : "";
}

LogicalResult mlir::quantx::addLineTables(ModuleOp module) {
  MLIRContext *context = module.getContext();
  // Plain file locations only: call-site locations (inlined code) would
  // need a file location on their callee too, which the subprogram pass
  // relies on.
  module.walk([&](LLVM::LLVMFuncOp func) {
    Location fallback = FileLineColLoc::get(context, "<generated>", 0, 0);
    if (auto file = func.getLoc()->findInstanceOf<FileLineColLoc>())
      fallback = file;
    func->setLoc(fallback);
    func.walk([&](Operation *op) {
      Location loc = op->getLoc();
      if (auto file = loc->findInstanceOf<FileLineColLoc>()) {
        op->setLoc(file);
        return;
      }
      llvm::StringRef name = nameOnly(loc);
      op->setLoc(name.empty() ? fallback
                              : Location(FileLineColLoc::get(context, name, 0, 0)));
    });
  });
  PassManager pm(context);
  pm.addPass(LLVM::createDIScopeForLLVMFuncOpPass());
  return pm.run(module);
}

SourceOps::SourceOps(ModuleOp module) {
  module.walk([&](Operation *op) {
    if (isa<ModuleOp, func::FuncOp>(op))
      return;
    std::string location;
    std::tuple<std::string, unsigned, unsigned> key;
    if (auto loc = op->getLoc()->findInstanceOf<FileLineColLoc>()) {
      llvm::StringRef file = loc.getFilename().getValue();
      llvm::raw_string_ostream(location) << file << ":" << loc.getLine() << ":" << loc.getColumn();
      key = {llvm::sys::path::filename(file).str(), loc.getLine(), loc.getColumn()};
    } else if (llvm::StringRef name = nameOnly(op->getLoc()); !name.empty()) {
      location = name.str();
      key = {name.str(), 0, 0};
    } else {
      return;
    }
    ops.try_emplace(std::move(key), Op{op->getName().getStringRef().str(), std::move(location)});
  });
}

const SourceOps::Op *SourceOps::lookup(llvm::StringRef file, unsigned line,
                                       unsigned column) const {
  auto it = ops.find({file.str(), line, column});
  return it == ops.end() ? nullptr : &it->second;
}

/// The hand-written kernel functions' names start with this; their loops
/// are vector code already (the vectorizer leaves those alone) or
/// remainders after it.
static constexpr llvm::StringLiteral kKernelPrefix = "__quantx_kernel_";

std::vector<std::string> mlir::quantx::describeLoopVerdicts(llvm::ArrayRef<LoopVerdict> verdicts,
                                                            const SourceOps &sourceOps) {
  // Per source op (by position) or per function for loops without one.
  struct Loops {
    unsigned vectorized = 0, scalar = 0, slp = 0;
    std::vector<std::string> messages, slpMessages;
  };
  std::map<std::tuple<std::string, unsigned, unsigned>, Loops> byOp;
  std::map<std::string, Loops> unplaced;
  unsigned kernelLoops = 0;
  for (const LoopVerdict &verdict : verdicts) {
    if (llvm::StringRef(verdict.function).starts_with(kKernelPrefix)) {
      kernelLoops += !verdict.slp;
      continue;
    }
    Loops &loops = sourceOps.lookup(verdict.file, verdict.line, verdict.column)
                       ? byOp[{verdict.file, verdict.line, verdict.column}]
                       : unplaced[verdict.function.empty() ? "?" : verdict.function];
    if (verdict.slp) {
      ++loops.slp;
      if (!llvm::is_contained(loops.slpMessages, verdict.message))
        loops.slpMessages.push_back(verdict.message);
      continue;
    }
    ++(verdict.vectorized ? loops.vectorized : loops.scalar);
    if (!llvm::is_contained(loops.messages, verdict.message))
      loops.messages.push_back(verdict.message);
  }

  std::vector<std::string> lines;
  auto verdictText = [](const Loops &loops) {
    std::string text;
    llvm::raw_string_ostream os(text);
    std::string why = llvm::join(loops.messages, "; ");
    std::string slp = llvm::join(loops.slpMessages, "; ");
    if (!loops.scalar && !loops.vectorized)
      os << "vectorized by the SLP vectorizer: " << slp;
    else if (!loops.scalar)
      os << "vectorized: " << why;
    else if (loops.slp)
      os << "scalar loop with vector code from the SLP vectorizer (its inner loop unrolled): "
         << slp << " (loop vectorizer: " << why << ")";
    else if (!loops.vectorized)
      os << "scalar: " << why;
    else
      os << "partly scalar (" << loops.scalar << " of " << loops.scalar + loops.vectorized
         << " inner loops): " << why;
    return text;
  };
  unsigned vectorizedOps = 0, slpOps = 0, scalarOps = 0;
  for (const auto &[position, loops] : byOp) {
    const auto *op = sourceOps.lookup(std::get<0>(position), std::get<1>(position),
                                      std::get<2>(position));
    ++(loops.scalar && !loops.slp ? scalarOps : vectorizedOps);
    slpOps += loops.slp && !loops.vectorized;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << op->location << ": remark: '" << op->name << "' " << verdictText(loops);
    lines.push_back(std::move(text));
  }
  unsigned unplacedScalar = 0;
  for (const auto &[function, loops] : unplaced) {
    unplacedScalar += loops.scalar;
    lines.push_back("remark: loops of function '" + function +
                    "' without a source op: " + verdictText(loops));
  }
  std::string summary;
  llvm::raw_string_ostream os(summary);
  os << "remark: loop vectorizer: " << vectorizedOps << " of " << vectorizedOps + scalarOps
     << " source ops with loops vectorized";
  if (slpOps)
    os << " (" << slpOps << " by the SLP vectorizer)";
  os << ", " << scalarOps << " with scalar loops";
  if (unplacedScalar)
    os << ", " << unplacedScalar << " scalar loops without a source op";
  if (kernelLoops)
    os << "; " << kernelLoops << " loops in kernel functions (hand-written vector code) not counted";
  lines.push_back(std::move(summary));
  return lines;
}
