//===- quant-run.cpp - run a function of a model on .npy inputs -----------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Compiles a model (float or quantized) with --quantx-cpu-pipeline, calls one
// of its functions on .npy inputs, writes the results as .npy files and
// reports the time per call.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Support/Version.h"
#include "QuantOpt/Runner/JitRunner.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>

using namespace mlir;
using namespace mlir::quantx;
namespace cl = llvm::cl;

static cl::OptionCategory category("quant-run options");
static cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string>
    entry("e", cl::desc("Function to call (default: the only public function)"),
          cl::value_desc("name"), cl::cat(category));
static cl::list<std::string> inputs("i", cl::desc("Input .npy, one per argument, in order"),
                                    cl::value_desc("file.npy"), cl::cat(category));
static cl::opt<std::string>
    outputDir("o", cl::desc("Write result N to DIR/<function>.N.npy"),
              cl::value_desc("dir"), cl::cat(category));
static cl::opt<unsigned> iterations("iterations", cl::desc("Timed calls (default 1)"),
                                    cl::init(1), cl::cat(category));
static cl::opt<unsigned> warmup("warmup",
                                cl::desc("Untimed calls before timing (default 1: the first "
                                         "call also generates the machine code)"),
                                cl::init(1), cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level of the JIT (0-3, default 2)"),
                                  cl::init(2), cl::cat(category));
static JitCodegenCommandLine codegenOptions(category);
static cl::opt<bool> printResults("print-results",
                                  cl::desc("Print the results' shapes and values"),
                                  cl::init(false), cl::cat(category));
static cl::opt<std::string> pipelineOptions(
    "pipeline-options",
    cl::desc("Options of --quantx-cpu-pipeline, e.g. \"kernels=false\" for the "
             "reference lowering"),
    cl::value_desc("options"), cl::cat(category));
static cl::opt<std::string> paramsPath(
    "params",
    cl::desc("Parameter file of the model's parameter globals: a .safetensors "
             "file or a sharded checkpoint's .index.json (default: the "
             "module's quantx.parameters attribute)"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<bool> convertInputs(
    "convert-inputs",
    cl::desc("Convert float arrays to each argument's float type (f32, f16, "
             "bf16; round to nearest even). bf16 arrays are 2-byte void "
             "('<V2', as ml_dtypes' bfloat16 saves); float64 arrays for f32 "
             "arguments are always converted, with a warning"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string> dumpObject(
    "dump-object",
    cl::desc("Write the JIT-compiled object file here (machine code of the "
             "model and its kernels, e.g. for llvm-objdump -d)"),
    cl::value_desc("file"), cl::init(""), cl::cat(category));
static cl::list<std::string> sharedLibs("shared-libs",
                                        cl::desc("Extra libraries for the JIT to load"),
                                        cl::CommaSeparated, cl::cat(category));

static int fail(const llvm::Twine &msg) {
  llvm::errs() << "quant-run: error: " << msg << "\n";
  return 1;
}

static void print(const NpyArray &a, unsigned index) {
  llvm::outs() << "result " << index << ": " << npyDescr(a.dtype) << " (";
  llvm::interleaveComma(a.shape, llvm::outs());
  llvm::outs() << ")\n[";
  for (int64_t i = 0; i < a.numElements(); ++i)
    llvm::outs() << (i ? ", " : "") << llvm::format("%g", a.getAsDouble(i));
  llvm::outs() << "]\n";
}

int main(int argc, char **argv) {
  mlir::quantx::addQuantOptVersionPrinter();
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "quant-run: call a function of a model on .npy inputs\n");

  if (optLevel > 3)
    return fail("-O must be 0 to 3, got " + std::to_string(optLevel));
  if (iterations < 1)
    return fail("--iterations must be >= 1");

  MLIRContext context;
  prepareJitContext(context);
  auto module = parseModelFile(context, modelPath);
  if (!module)
    return fail(llvm::toString(module.takeError()));

  auto read = readNpyFiles(inputs);
  if (!read)
    return fail(llvm::toString(read.takeError()));
  std::vector<NpyArray> args = std::move(*read);

  JitOptions options;
  options.optLevel = optLevel;
  codegenOptions.apply(options);
  options.pipelineOptions = pipelineOptions;
  options.parameterFile = paramsPath;
  options.convertInputs = convertInputs;
  options.sharedLibs.assign(sharedLibs.begin(), sharedLibs.end());
  options.objectDumpPath = dumpObject;
  auto model = JitModel::compile(std::move(*module), options);
  if (!model)
    return fail(llvm::toString(model.takeError()));
  for (const std::string &remark : (*model)->getVectorizationRemarks())
    llvm::errs() << remark << "\n";

  auto resolved = (*model)->resolveFunction(entry);
  if (!resolved)
    return fail(llvm::toString(resolved.takeError()));
  std::string function = *resolved;

  for (unsigned i = 0; i < warmup; ++i)
    if (auto r = (*model)->call(function, args); !r)
      return fail(llvm::toString(r.takeError()));
  std::vector<double> ms;
  std::vector<NpyArray> results;
  for (unsigned i = 0; i < iterations; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto r = (*model)->call(function, args);
    auto stop = std::chrono::steady_clock::now();
    if (!r)
      return fail(llvm::toString(r.takeError()));
    ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    results = std::move(*r);
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  double median = sorted.size() % 2
                      ? sorted[sorted.size() / 2]
                      : 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);
  llvm::errs() << llvm::format(
      "quant-run: @%s: %zu call(s), median %.3f ms, min %.3f ms (after %u warm-up call(s))\n",
      function.c_str(), ms.size(), median, sorted.front(), unsigned(warmup));

  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return fail(outputDir + ": " + ec.message());
    for (auto [i, r] : llvm::enumerate(results)) {
      llvm::SmallString<128> path(outputDir);
      llvm::sys::path::append(path, function + "." + std::to_string(i) + ".npy");
      if (llvm::Error err = writeNpy(path, r))
        return fail(llvm::toString(std::move(err)));
    }
  }
  if (printResults)
    for (auto [i, r] : llvm::enumerate(results))
      print(r, i);
  return 0;
}
