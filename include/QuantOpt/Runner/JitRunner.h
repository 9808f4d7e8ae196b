//===- JitRunner.h - compile and call a model on the CPU --------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Compiles a module with --quantx-cpu-pipeline, JITs it with MLIR's
// ExecutionEngine and calls its functions on NpyArray inputs. This is what
// quant-run and quant-calibrate execute models with.
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_RUNNER_JITRUNNER_H
#define QUANTOPT_RUNNER_JITRUNNER_H

#include "QuantOpt/Runner/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
namespace quantx::params {
class ParameterSet;
} // namespace quantx::params
class MLIRContext;

namespace quantx {

/// Result attribute marking signless 8-bit results that hold unsigned codes:
/// they are returned (and written to .npy) as uint8.
inline constexpr llvm::StringLiteral kUnsignedResultAttr = "quantx.unsigned";

struct JitOptions {
  /// LLVM optimization level for the JIT (0-3).
  unsigned optLevel = 2;
  /// Let LLVM's loop vectorizer call the C library's vector math functions
  /// (glibc's libmvec: exp, sin, cos, pow, log, ... on 4, 8 or 16 lanes,
  /// within 4 ulp) for the math of elementwise ops, where the library can
  /// be loaded; off: one scalar call per element.
  bool vectorMath = true;
  /// Record what LLVM's loop vectorizer did to the loops of each source op
  /// (getVectorizationRemarks). Compiles with line tables, so loops carry
  /// their op's location.
  bool vectorizationRemarks = false;
  /// Extra shared libraries to load (e.g. the MLIR runner utilities).
  std::vector<std::string> sharedLibs;
  /// If not empty, the JIT-compiled object file is written here (to read
  /// the generated machine code, e.g. with llvm-objdump -d).
  std::string objectDumpPath;
  /// Host functions made visible to the JIT, by symbol name.
  llvm::StringMap<void *> symbols;
  /// Options of --quantx-cpu-pipeline, as on the command line
  /// (e.g. "kernels=false").
  std::string pipelineOptions;
  /// The parameter file (safetensors or a sharded checkpoint's index.json)
  /// of a model whose weights are parameter globals; empty: the module's
  /// `quantx.parameters` attribute, if any.
  std::string parameterFile;
  /// Convert float arrays to the float type each argument has (f32, f16,
  /// bf16; rounding to nearest even). Without it, only float64 arrays for
  /// f32 arguments are converted (with a warning).
  bool convertInputs = false;
};

/// The command-line options of the JIT's code generation that every runner
/// tool shares (`--vector-math`, `--vectorization-remarks`), in the tool's
/// option category. A tool declares one at namespace scope, after its
/// category.
struct JitCodegenCommandLine {
  explicit JitCodegenCommandLine(llvm::cl::OptionCategory &category);
  /// Copies the parsed values into `options`.
  void apply(JitOptions &options) const;

  llvm::cl::opt<bool> vectorMath, vectorizationRemarks;
};

/// A model compiled for the host CPU.
class JitModel {
public:
  ~JitModel();

  /// Lowers `module` with the CPU pipeline and JIT-compiles it. Functions
  /// are called with their tensor signatures as they were before lowering.
  static llvm::Expected<std::unique_ptr<JitModel>>
  compile(OwningOpRef<ModuleOp> module, const JitOptions &options);

  /// Calls `function` with `inputs` (one array per tensor argument, dtype and
  /// shape checked against the signature) and returns its tensor results.
  /// The inputs are left as they were: an argument the model updates in
  /// place (`{bufferization.writable = true}`) gets a copy.
  llvm::Expected<std::vector<NpyArray>> call(llvm::StringRef function,
                                             llvm::ArrayRef<NpyArray> inputs);

  /// Like call, without copies: arguments marked
  /// `{bufferization.writable = true}` are updated in place in `inputs`, and
  /// a result that is such an argument (a KV cache passed in and out) is
  /// moved out of `inputs` into the results.
  llvm::Expected<std::vector<NpyArray>> callInPlace(llvm::StringRef function,
                                                    llvm::MutableArrayRef<NpyArray> inputs);

  /// `requested`, or, when it is empty, the module's only callable
  /// function (an error names the choice when there are several).
  llvm::Expected<std::string> resolveFunction(llvm::StringRef requested) const;

  /// With JitOptions::vectorizationRemarks: one line per source op whose
  /// ops became loops ("model.mlir:12:10: remark: 'linalg.generic'
  /// vectorized: ..." or "scalar loop: <LLVM's reasons>"), then a summary.
  llvm::ArrayRef<std::string> getVectorizationRemarks() const { return vectorizationRemarks; }

  /// The names of the module's public functions.
  llvm::ArrayRef<std::string> getFunctionNames() const { return functionNames; }

  /// The tensor types of `function`'s arguments (first) and results
  /// (second); both empty when there is no such callable function.
  std::pair<llvm::ArrayRef<RankedTensorType>, llvm::ArrayRef<RankedTensorType>>
  getSignature(llvm::StringRef function) const {
    auto it = signatures.find(function);
    if (it == signatures.end())
      return {};
    return {it->second.inputs, it->second.results};
  }

private:
  JitModel() = default;
  /// Fills `signatures` and `functionNames` from `module`'s public functions.
  void collectSignatures(ModuleOp module);
  /// Calls `function` on the arrays `inputs` point to; see callInPlace.
  llvm::Expected<std::vector<NpyArray>> invoke(llvm::StringRef function,
                                               llvm::ArrayRef<NpyArray *> inputs);
  struct Signature {
    std::vector<RankedTensorType> inputs, results;
    /// Per argument: the model may write into it.
    std::vector<bool> writable;
    /// Per result: the argument that holds it after the call, or -1
    /// (quantx.in_place_results of the lowered function).
    std::vector<int64_t> inPlace;
    /// Per result: 8-bit codes to write as uint8 (`quantx.unsigned`
    /// result attribute).
    std::vector<bool> unsignedResults;
  };
  /// The mapped parameter file the JIT code reads (outlives the engine).
  std::unique_ptr<params::ParameterSet> parameters;
  std::unique_ptr<ExecutionEngine> engine;
  bool convertInputs = false, warnedFloat64 = false;
  llvm::StringMap<Signature> signatures;
  std::vector<std::string> functionNames;
  std::vector<std::string> vectorizationRemarks;
};

/// Parses `path` into a module in `context` (which gets every dialect and
/// translation quant-opt knows), with errors as llvm::Error.
llvm::Expected<OwningOpRef<ModuleOp>> parseModelFile(MLIRContext &context,
                                                     llvm::StringRef path);

/// Opens the parameter file of `module`'s parameter globals (`file`, else
/// the module's `quantx.parameters` attribute) into `set` and adds each
/// global's lowered symbol, bound to the tensor's data, to `symbols`; checks
/// every tensor's dtype and shape against the IR. Nothing to do without
/// parameter globals.
llvm::Error bindParameters(ModuleOp module, llvm::StringRef file,
                           std::unique_ptr<params::ParameterSet> &set,
                           llvm::StringMap<void *> &symbols);

/// Prepares `context` for parsing, lowering and JIT-compiling models.
void prepareJitContext(MLIRContext &context);

/// Reads the .npy files at `paths`, in order.
llvm::Expected<std::vector<NpyArray>> readNpyFiles(llvm::ArrayRef<std::string> paths);

} // namespace quantx
} // namespace mlir

#endif // QUANTOPT_RUNNER_JITRUNNER_H
