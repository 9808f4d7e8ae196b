//===- quant-calibrate.cpp - collect activation statistics ----------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Runs a model containing quantx.observe ops on calibration inputs (.npy)
// and writes, per observer, min, max, per-channel ranges and a histogram.
// Two passes over the data: ranges first, then histograms over the final
// range. Optionally prints the scales each calibration method chooses.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Support/Progress.h"
#include "QuantOpt/Support/Version.h"
#include "QuantOpt/Calibration/Statistics.h"
#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Runner/JitRunner.h"
#include "QuantOpt/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace mlir::quantx;
namespace cl = llvm::cl;

static cl::OptionCategory category("quant-calibrate options");
static cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string>
    entry("e", cl::desc("Function to run (default: the only public function)"),
          cl::value_desc("name"), cl::cat(category));
static cl::list<std::string>
    inputs("i", cl::desc("Calibration input .npy, one per argument, in order"),
           cl::value_desc("file.npy"), cl::cat(category));
static cl::opt<bool> quiet("q", cl::desc("No progress lines and no summary (errors and warnings only)"));
static cl::alias quietLong("quiet", cl::desc("Alias for -q"), cl::aliasopt(quiet));

static cl::opt<bool> ignoreNonFinite(
    "ignore-non-finite",
    cl::desc("Skip NaN and infinite activations (with a warning) instead of failing"),
    cl::init(false), cl::cat(category));
static cl::opt<int64_t> batch(
    "batch",
    cl::desc("Feed the inputs in slices of this many rows along dimension 0 "
             "(0: whole arrays in one call); an input already shaped as its "
             "argument is passed whole to every call"),
    cl::init(0), cl::cat(category));
static cl::opt<std::string> paramsPath(
    "params",
    cl::desc("Parameter file of the model's parameter globals: a .safetensors "
             "file or a sharded checkpoint's .index.json (default: the "
             "module's quantx.parameters attribute)"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::desc("Statistics file: JSON, or binary for a .safetensors name "
                                                      "(second moments as F64 tensors)"),
                                       cl::value_desc("stats.json"),
                                       cl::cat(category));
static cl::list<std::string> printScales(
    "print-scales",
    cl::desc("Print the clipping range and scale each method chooses "
             "(minmax, percentile, mse, entropy)"),
    cl::CommaSeparated, cl::cat(category));
static cl::opt<std::string> grid("grid",
                                 cl::desc("Grid for --print-scales: i8, u8, i4 or u4"),
                                 cl::init("i8"), cl::cat(category));
static cl::opt<bool> asymmetric("asymmetric",
                                cl::desc("Asymmetric ranges for --print-scales"),
                                cl::init(false), cl::cat(category));
static cl::opt<bool> secondMoments(
    "second-moments",
    cl::desc("Also record E[x x^T] over the channels of per-channel observers "
             "(the Hessian GPTQ needs; C x C numbers per observer)"),
    cl::init(false), cl::cat(category));
static cl::opt<double> percentile("percentile",
                                  cl::desc("Percentile for the percentile method"),
                                  cl::init(99.99), cl::cat(category));

namespace {
/// Receives the observer calls of the running model.
struct Calibrator {
  std::vector<ObserverStats> stats;
  bool histogramPass = false;
  bool collectSecondMoments = false;

  void observe(int64_t id, int64_t axis, int64_t rank, char *descriptor) {
    if (id < 0 || id >= int64_t(stats.size()))
      return;
    ObserverStats &s = stats[id];
    if (axis >= 0)
      s.axis = axis;
    // Strided memref descriptor: base, aligned, offset, sizes, strides.
    float *data;
    std::memcpy(&data, descriptor + sizeof(void *), sizeof(data));
    int64_t offset, sizes[16], strides[16];
    if (rank > 16)
      return;
    std::memcpy(&offset, descriptor + 2 * sizeof(void *), sizeof(int64_t));
    std::memcpy(sizes, descriptor + 2 * sizeof(void *) + 8, rank * 8);
    std::memcpy(strides, descriptor + 2 * sizeof(void *) + 8 + rank * 8, rank * 8);
    int64_t n = 1;
    for (int64_t d = 0; d < rank; ++d)
      n *= sizes[d];
    std::vector<int64_t> index(rank, 0);
    for (int64_t e = 0; e < n; ++e) {
      int64_t pos = offset;
      for (int64_t d = 0; d < rank; ++d)
        pos += index[d] * strides[d];
      double v = data[pos];
      if (histogramPass)
        s.addToHistogram(v);
      else
        s.addRange(v, axis >= 0 && axis < rank ? index[axis] : -1);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < sizes[d])
          break;
        index[d] = 0;
      }
    }
    if (!histogramPass && collectSecondMoments && axis >= 0 && axis < rank)
      addChannelVectors(s, data, offset, rank, sizes, strides, axis);
  }

  /// Every vector along `axis` (one per position of the other dimensions).
  void addChannelVectors(ObserverStats &s, const float *data, int64_t offset,
                         int64_t rank, const int64_t *sizes,
                         const int64_t *strides, int64_t axis) {
    int64_t channels = sizes[axis], outer = 1;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        outer *= sizes[d];
    std::vector<int64_t> index(rank, 0);
    std::vector<double> x(channels);
    for (int64_t r = 0; r < outer; ++r) {
      for (int64_t c = 0; c < channels; ++c) {
        index[axis] = c;
        int64_t pos = offset;
        for (int64_t d = 0; d < rank; ++d)
          pos += index[d] * strides[d];
        x[c] = data[pos];
      }
      s.addChannelVector(x);
      // Next position of the other dimensions.
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (d == axis)
          continue;
        if (++index[d] < sizes[d])
          break;
        index[d] = 0;
      }
    }
  }
};

Calibrator *activeCalibrator = nullptr;

struct UnrankedDescriptor {
  int64_t rank;
  char *descriptor;
};
} // namespace

/// Called by the instrumented model (see --quantx-instrument-observers).
extern "C" void quantxObserve(int64_t id, int64_t axis, UnrankedDescriptor *m) {
  if (activeCalibrator && m)
    activeCalibrator->observe(id, axis, m->rank, m->descriptor);
}

static int fail(const llvm::Twine &msg) {
  llvm::errs() << "quant-calibrate: error: " << msg << "\n";
  return 1;
}

/// Rows [begin, end) of dimension 0 of `a`.
static NpyArray sliceRows(const NpyArray &a, int64_t begin, int64_t end) {
  NpyArray s;
  s.dtype = a.dtype;
  s.shape = a.shape;
  s.shape[0] = end - begin;
  int64_t row = a.numElements() / std::max<int64_t>(a.shape[0], 1) *
                npyElementSize(a.dtype);
  s.data.assign(a.data.begin() + begin * row, a.data.begin() + end * row);
  return s;
}

/// With --batch, inputs are sliced along their leading dimension; an input
/// that already has exactly the shape its argument takes (a start position,
/// a zero KV cache) is passed whole to every call. Returns the rows to slice
/// and, per input, whether it is passed whole.
static llvm::Expected<std::pair<int64_t, std::vector<bool>>>
planBatches(llvm::ArrayRef<NpyArray> arrays, llvm::ArrayRef<RankedTensorType> argTypes) {
  int64_t rows = 1;
  std::vector<bool> whole(arrays.size(), batch <= 0);
  if (batch <= 0)
    return std::make_pair(rows, whole);
  bool anySliced = false;
  for (size_t i = 0; i < arrays.size(); ++i) {
    const NpyArray &a = arrays[i];
    whole[i] = i < argTypes.size() && argTypes[i].hasStaticShape() &&
               llvm::equal(argTypes[i].getShape(), a.shape);
    if (whole[i])
      continue;
    if (a.shape.empty())
      return llvm::createStringError(
          "--batch needs inputs with a leading dimension (input " + std::to_string(i + 1) +
          " is a scalar)");
    if (anySliced && a.shape[0] != rows)
      return llvm::createStringError(
          "--batch needs every sliced input to have the same leading dimension (input " +
          std::to_string(i + 1) + " has " + std::to_string(a.shape[0]) + ", the first " +
          std::to_string(rows) + ")");
    rows = a.shape[0];
    anySliced = true;
  }
  return std::make_pair(anySliced ? rows : int64_t(1), whole);
}

int main(int argc, char **argv) {
  mlir::quantx::addQuantOptVersionPrinter();
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv, "quant-calibrate: collect activation statistics of a model\n");

  if (batch < 0)
    return fail("--batch must be >= 0 (0: whole arrays), got " + std::to_string(batch));
  if (outputPath.empty() && printScales.empty())
    return fail("nothing to write: give -o stats.json (or --print-scales METHODS)");
  QuantGrid quantGrid;
  if (grid == "i8") quantGrid = {-128, 127, true};
  else if (grid == "u8") quantGrid = {0, 255, true};
  else if (grid == "i4") quantGrid = {-8, 7, true};
  else if (grid == "u4") quantGrid = {0, 15, true};
  else return fail("unknown --grid '" + grid + "' (i8, u8, i4 or u4)");
  quantGrid.symmetric = !asymmetric;
  std::vector<ScaleMethod> methods;
  for (const std::string &name : printScales) {
    std::optional<ScaleMethod> m = parseScaleMethod(name);
    if (!m)
      return fail("unknown method '" + name +
                  "' (minmax, percentile, mse or entropy)");
    methods.push_back(*m);
  }

  MLIRContext context;
  prepareJitContext(context);
  auto module = parseModelFile(context, modelPath);
  if (!module)
    return fail(llvm::toString(module.takeError()));
  PassManager pm(&context);
  pm.addPass(createQuantXInstrumentObservers());
  if (failed(pm.run(**module)))
    return fail("instrumenting the observers failed");
  Calibrator calibrator;
  if (auto names = (**module)->getAttrOfType<ArrayAttr>(kObserversAttr))
    for (Attribute name : names) {
      calibrator.stats.emplace_back();
      calibrator.stats.back().name = cast<StringAttr>(name).str();
    }
  // Names of ops whose input another op's observer records.
  ObserverAliases aliases;
  if (auto dict = (**module)->getAttrOfType<DictionaryAttr>(kObserverAliasesAttr))
    for (NamedAttribute a : dict)
      if (auto target = dyn_cast<StringAttr>(a.getValue()))
        aliases.push_back({a.getName().str(), target.str()});
  if (calibrator.stats.empty())
    return fail("the model has no quantx.observe ops to calibrate; insert "
                "them with --quantx-insert-fake-quant or by hand");

  auto read = readNpyFiles(inputs);
  if (!read)
    return fail(llvm::toString(read.takeError()));
  std::vector<NpyArray> arrays = std::move(*read);
  JitOptions options;
  options.parameterFile = paramsPath;
  options.symbols["_mlir_ciface_" + kObserveFunction.str()] =
      reinterpret_cast<void *>(&quantxObserve);
  auto model = JitModel::compile(std::move(*module), options);
  if (!model)
    return fail(llvm::toString(model.takeError()));
  auto resolved = (*model)->resolveFunction(entry);
  if (!resolved)
    return fail(llvm::toString(resolved.takeError()));
  std::string function = *resolved;

  auto plan = planBatches(arrays, (*model)->getSignature(function).first);
  if (!plan)
    return fail(llvm::toString(plan.takeError()));
  auto [rows, whole] = std::move(*plan);

  calibrator.collectSecondMoments = secondMoments;
  activeCalibrator = &calibrator;
  uint64_t samples = 0;
  // Two passes over the batches: ranges, then histograms within them.
  int64_t batchesPerPass = batch > 0 ? (rows + batch - 1) / batch : 1;
  Progress progress("quant-calibrate", "calibration batch", 2 * batchesPerPass, !quiet);
  int64_t step = 0;
  for (bool histogram : {false, true}) {
    calibrator.histogramPass = histogram;
    if (histogram)
      for (ObserverStats &s : calibrator.stats)
        s.startHistogram();
    samples = 0;
    for (int64_t begin = 0; begin < rows; begin += std::max<int64_t>(batch, 1)) {
      std::vector<NpyArray> args;
      if (batch > 0) {
        int64_t end = std::min<int64_t>(begin + batch, rows);
        for (size_t i = 0; i < arrays.size(); ++i)
          args.push_back(whole[i] ? arrays[i] : sliceRows(arrays[i], begin, end));
        samples += end - begin;
      } else {
        args = arrays;
        samples = 1;
      }
      if (auto r = (*model)->call(function, args); !r)
        return fail(llvm::toString(r.takeError()));
      progress.step(++step);
    }
  }
  activeCalibrator = nullptr;
  for (ObserverStats &s : calibrator.stats)
    s.finishSecondMoment();

  // Statistics without finite values cannot give a scale; NaN or infinite
  // activations usually mean broken inputs. Both stop here, naming the
  // observer, rather than in a later --quantx-ptq.
  for (const ObserverStats &s : calibrator.stats) {
    if (s.count == 0)
      return fail("observer '" + s.name + "' saw no finite values (empty, NaN or infinite "
                  "calibration data)");
    if (s.nonFinite && !ignoreNonFinite)
      return fail("observer '" + s.name + "' saw " + std::to_string(s.nonFinite) +
                  " NaN or infinite values (--ignore-non-finite skips them)");
    if (s.nonFinite)
      llvm::errs() << "quant-calibrate: warning: observer '" << s.name << "' saw "
                   << s.nonFinite << " NaN or infinite values; they are ignored\n";
  }

  if (StringRef(outputPath).ends_with(".safetensors")) {
    if (llvm::Error err = writeStatsFile(outputPath, calibrator.stats, samples, aliases))
      return fail(llvm::toString(std::move(err)));
  } else if (!outputPath.empty()) {
    std::string error;
    auto out = openOutputFile(outputPath, &error);
    if (!out)
      return fail(error);
    out->os() << llvm::formatv("{0:2}", toJSON(calibrator.stats, samples, true, aliases)) << "\n";
    out->keep();
  }
  for (const ObserverStats &s : calibrator.stats)
    for (ScaleMethod m : methods) {
      auto choice = chooseQuantParams(s, m, quantGrid, percentile);
      if (!choice)
        return fail(llvm::toString(choice.takeError()));
      llvm::outs() << s.name << " " << stringifyScaleMethod(m)
                   << llvm::format(": range [%.9g, %.9g] scale %.9g zero_point %lld\n",
                                   choice->lo, choice->hi, choice->scale,
                                   (long long)choice->zeroPoint);
    }
  llvm::outs().flush();
  if (!quiet)
    llvm::errs() << "quant-calibrate: " << calibrator.stats.size() << " observer(s), " << samples
                 << " sample(s)\n";
  return 0;
}
