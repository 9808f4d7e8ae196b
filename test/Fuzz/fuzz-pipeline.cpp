//===- fuzz-pipeline.cpp - structure-aware harness of PTQ + CPU pipeline --===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The fuzz bytes choose a valid model and the options to compile it with,
// instead of being parsed as text: one to three Linear layers (matmul with a
// constant or argument weight, in K x N or N x K layout, optional bias and
// ReLU) over f32, f16 or bf16, with static or dynamic batch; weights with
// edge values (zeros, ties, huge, tiny); a scheme, group size, algorithm and
// activation-range method for --quantx-ptq, calibration statistics written
// for its observers (ranges, per-channel ranges, second moments); and the
// --quantx-cpu-pipeline's kernel options. The model goes through
//
//   quantx-ptq{...}, quantx-cpu-pipeline{...}
//
// with the verifier off between passes. Errors are fine (bad option values
// are drawn on purpose); a crash, a sanitizer report, or a pipeline that
// succeeds with IR that does not verify is a finding. With
// QUANT_OPT_FUZZ_PRINT=1 in the environment the harness prints the model,
// statistics and pipeline of each input to stderr (to reproduce a finding
// with quant-opt).
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "QuantOpt/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace mlir;

namespace {

/// Reads choices from fuzz bytes; once they run out every choice is the
/// first alternative (so short inputs are small, valid models).
class Choices {
public:
  Choices(const uint8_t *data, size_t size) : data(data), size(size) {}

  unsigned byte() { return pos < size ? data[pos++] : 0; }
  bool flag() { return byte() & 1; }
  template <typename T, size_t N> const T &pick(const T (&alternatives)[N]) {
    return alternatives[byte() % N];
  }

private:
  const uint8_t *data;
  size_t size, pos = 0;
};

struct Layer {
  int64_t k, n;
  bool kn;          // weight stored K x N (else N x K)
  bool argument;    // weight is a function argument (else a constant)
  bool bias, relu;
};

/// A weight or bias value: mostly small multiples of 1/8 (exact in every
/// float type, with ties of the int8/int4 grids), sometimes edge values.
std::string value(Choices &c) {
  unsigned b = c.byte();
  switch (b % 16) {
  case 0:
    return "0.0";
  case 1:
    return "-0.0";
  case 2:
    return "6.0e+04"; // near the f16 maximum
  case 3:
    return "1.0e-30"; // below the f16 / FP8 ranges
  case 4:
    return "-3.0e+38";
  default:
    return llvm::formatv("{0:f3}", (static_cast<int>(b) - 128) / 8.0).str();
  }
}

/// A dense constant of `type` (`rows` x `cols`, or `cols` if rows is 0): a
/// splat or values.
std::string dense(Choices &c, llvm::StringRef type, int64_t rows, int64_t cols) {
  std::string s = "arith.constant dense<";
  if (c.byte() % 4 == 0) {
    s += value(c);
  } else {
    auto row = [&] {
      std::string r = "[";
      for (int64_t i = 0; i < cols; ++i)
        r += (i ? ", " : "") + value(c);
      return r + "]";
    };
    if (rows == 0) {
      s += row();
    } else {
      s += "[";
      for (int64_t i = 0; i < rows; ++i)
        s += (i ? ", " : "") + row();
      s += "]";
    }
  }
  return s + "> : " + type.str();
}

struct Model {
  std::string text, stats, pipeline;
};

/// The first `kHeaderBytes` bytes choose the options and the structure, the
/// rest the values (weights, biases, statistics), so mutating a value does
/// not reshape the model.
constexpr size_t kHeaderBytes = 32;

Model generate(Choices &c, Choices &v) {
  static const char *floatTypes[] = {"f32", "bf16", "f16"};
  static const int64_t sizes[] = {4, 8, 1, 2, 3, 16, 32, 33, 64, 128, 130, 5};
  static const char *batches[] = {"4", "1", "?", "2", "17"};
  static const char *schemes[] = {
      "w8a16",      "w4a16",        "w8a8-dynamic", "w8a8",         "w4a16-asym",
      "w4a16-nf4",  "w4a16-nf4-dq", "w8a16-group",  "w8a8-dynamic-row",
      "w8a16-fp8",  "fp8",          "float",        "banana"};
  static const int64_t groups[] = {128, 4, 8, 32, 2, 1, 3, 64, 0, -1};
  static const char *algorithms[] = {"rtn", "gptq", "awq", "smoothquant"};
  static const char *methods[] = {"minmax", "percentile", "mse", "entropy"};
  static const int64_t rows[] = {0, 1, 2, 4, 8, 3, -1};
  static const int64_t widths[] = {0, 8, 16, 4, 12};
  static const char *features[] = {"none", "avx2", "avx512f", "avx512f,avx512bw",
                                   "avx2,avxvnni", "avx512f,avx512vnni,avx512bf16"};

  Model model;
  // Drawn one by one: the order of function arguments' evaluation is
  // unspecified, and a byte must mean the same choice in every build.
  const char *scheme = c.pick(schemes);
  int64_t group = c.pick(groups);
  const char *algorithm = c.pick(algorithms), *method = c.pick(methods);
  bool skipFirst = c.byte() % 8 == 7, skipLast = c.byte() % 8 == 7;
  bool kernels = c.byte() % 8 != 7;
  int64_t kernelRows = c.pick(rows), kernelMRows = c.pick(rows), width = c.pick(widths);
  const char *cpuFeatures = c.pick(features);
  model.pipeline = llvm::formatv(
      "quantx-ptq{{scheme={0} group-size={1} algorithm={2} method={3} "
      "skip-first={4} skip-last={5} stats=STATS}, quantx-cpu-pipeline{{kernels={6} "
      "kernel-rows={7} kernel-m-rows={8} vector-width={9} cpu-features={10}}",
      scheme, group, algorithm, method, skipFirst, skipLast, kernels, kernelRows, kernelMRows,
      width, cpuFeatures);
  std::string ft = c.pick(floatTypes);
  std::string m = c.pick(batches);
  int numLayers = 1 + c.byte() % 3;
  llvm::SmallVector<Layer> layers;
  int64_t k = c.pick(sizes);
  for (int i = 0; i < numLayers; ++i) {
    Layer l{k, c.pick(sizes), c.flag(), c.byte() % 8 == 7, c.flag(), c.flag()};
    layers.push_back(l);
    k = l.n;
  }
  auto tensor = [&](llvm::StringRef rows, int64_t cols) {
    return llvm::formatv("tensor<{0}x{1}x{2}>", rows, cols, ft).str();
  };

  // The function: arguments are the input, then the argument weights.
  llvm::raw_string_ostream os(model.text);
  os << "func.func @main(%x: " << tensor(m, layers[0].k);
  for (auto [i, l] : llvm::enumerate(layers))
    if (l.argument)
      os << ", %w" << i << "_arg: "
         << (l.kn ? tensor(std::to_string(l.k), l.n) : tensor(std::to_string(l.n), l.k));
  os << ") -> " << tensor(m, layers.back().n) << " {\n";
  os << "  %zero = arith.constant 0.0 : " << ft << "\n";
  if (m == "?")
    os << "  %c0 = arith.constant 0 : index\n  %m = tensor.dim %x, %c0 : "
       << tensor(m, layers[0].k) << "\n";
  std::string dyn = m == "?" ? "(%m)" : "()";
  std::string act = "%x";
  for (auto [i, l] : llvm::enumerate(layers)) {
    std::string wType = l.kn ? tensor(std::to_string(l.k), l.n) : tensor(std::to_string(l.n), l.k);
    std::string w = llvm::formatv("%w{0}", i);
    if (l.argument)
      w += "_arg";
    else
      os << "  " << w << " = " << dense(v, wType, l.kn ? l.k : l.n, l.kn ? l.n : l.k) << "\n";
    std::string out = tensor(m, l.n);
    os << llvm::formatv("  %e{0} = tensor.empty{1} : {2}\n", i, dyn, out);
    os << llvm::formatv("  %f{0} = linalg.fill ins(%zero : {1}) outs(%e{0} : {2}) -> {2}\n", i,
                        ft, out);
    os << llvm::formatv("  %y{0} = linalg.matmul", i);
    if (!l.kn)
      os << " indexing_maps = [affine_map<(m, n, k) -> (m, k)>, "
            "affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]";
    os << llvm::formatv(" ins({0}, {1} : {2}, {3}) outs(%f{4} : {5}) -> {5}\n", act, w,
                        tensor(m, l.k), wType, i, out);
    act = llvm::formatv("%y{0}", i);
    if (l.bias) {
      os << llvm::formatv("  %b{0} = {1}\n", i,
                          dense(v, llvm::formatv("tensor<{0}x{1}>", l.n, ft).str(), 0, l.n));
      os << llvm::formatv(
          "  %ba{0} = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, "
          "affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = "
          "[\"parallel\", \"parallel\"]} ins({1}, %b{0} : {2}, tensor<{3}x{4}>) outs(%e{0} : "
          "{2}) {{\n  ^bb0(%a: {4}, %b: {4}, %o: {4}):\n    %s = arith.addf %a, %b : {4}\n"
          "    linalg.yield %s : {4}\n  } -> {2}\n",
          i, act, out, l.n, ft);
      act = llvm::formatv("%ba{0}", i);
    }
    if (l.relu) {
      os << llvm::formatv(
          "  %r{0} = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, "
          "affine_map<(i, j) -> (i, j)>], iterator_types = [\"parallel\", \"parallel\"]} "
          "ins({1} : {2}) outs(%e{0} : {2}) {{\n  ^bb0(%a: {3}, %o: {3}):\n"
          "    %s = arith.maximumf %a, %zero : {3}\n    linalg.yield %s : {3}\n  } -> {2}\n",
          i, act, out, ft);
      act = llvm::formatv("%r{0}", i);
    }
  }
  os << "  return " << act << " : " << tensor(m, layers.back().n) << "\n}\n";

  // Statistics for each matmul's input observer (main.matmul.<i>.input).
  llvm::raw_string_ostream st(model.stats);
  st << "{\"format\": \"quant-opt-calibration\", \"version\": 1, \"samples\": "
     << 1 + v.byte() % 4 << ", \"observers\": [";
  bool first = true;
  for (auto [i, l] : llvm::enumerate(layers)) {
    if (v.byte() % 8 == 7)
      continue; // a missing observer
    double lo = -static_cast<double>(v.byte()) / 16, hi = static_cast<double>(v.byte()) / 16;
    if (v.byte() % 8 == 7)
      std::swap(lo, hi);
    st << (first ? "" : ", ") << "{\"name\": \"main.matmul." << i << ".input\", \"count\": 64, "
       << "\"min\": " << lo << ", \"max\": " << hi;
    bool perChannel = v.flag();
    if (perChannel) {
      st << ", \"axis\": 1, \"channel_min\": [";
      for (int64_t j = 0; j < l.k; ++j)
        st << (j ? ", " : "") << lo * (1 + j % 3) / 3;
      st << "], \"channel_max\": [";
      for (int64_t j = 0; j < l.k; ++j)
        st << (j ? ", " : "") << hi * (1 + j % 5) / 5;
      st << "]";
    } else {
      st << ", \"axis\": null";
    }
    // Second moments need per-channel ranges (without: an error, rarely).
    if (perChannel ? v.flag() : v.byte() % 16 == 15) {
      // A symmetric positive semi-definite matrix: diagonal d + rank one.
      unsigned d = v.byte();
      st << ", \"second_moment\": {\"rows\": " << l.k << ", \"values\": [";
      for (int64_t r = 0; r < l.k; ++r)
        for (int64_t s = 0; s < l.k; ++s)
          st << (r || s ? ", " : "") << (r == s ? d / 16.0 : 0.0) + 0.25 * ((r % 3) - 1) * ((s % 3) - 1);
      st << "]}";
    }
    st << "}";
    first = false;
  }
  st << "]}\n";

  return model;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry();
    quantx::registerQuantOptDialects(*r);
    quantx::registerQuantOptAllPasses();
    return r;
  }();
  static bool print = std::getenv("QUANT_OPT_FUZZ_PRINT") != nullptr;

  size_t header = std::min(size, kHeaderBytes);
  Choices choices(data, header), values(data + header, size - header);
  Model model = generate(choices, values);
  std::string statsPath = quantopt::fuzz::writeScratch(
      reinterpret_cast<const uint8_t *>(model.stats.data()), model.stats.size(), ".json");
  std::string pipeline = model.pipeline;
  pipeline.replace(pipeline.find("STATS"), 5, statsPath);
  if (print)
    llvm::errs() << "// stats: " << model.stats << "// quant-opt --pass-pipeline='builtin.module("
                 << pipeline << ")'\n"
                 << model.text;

  MLIRContext context(*registry, MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler diagnostics(&context, [&](Diagnostic &d) {
    if (print)
      llvm::errs() << "// diagnostic: " << d.str() << "\n";
    return success();
  });
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(model.text, &context);
  if (!module || failed(verify(*module))) {
    // The generator writes valid models only.
    llvm::errs() << "fuzz-pipeline: the generated model does not verify:\n" << model.text;
    std::abort();
  }
  PassManager pm(&context);
  pm.enableVerifier(false);
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsePassPipeline(pipeline, pm, errorStream))) {
    if (print)
      llvm::errs() << "// pipeline error: " << errors << "\n";
    return 0; // an option value rejected
  }
  bool ok = succeeded(pm.run(*module));
  if (print)
    llvm::errs() << "// pipeline " << (ok ? "succeeded" : "failed") << "\n";
  if (ok && failed(verify(*module))) {
    llvm::errs() << "fuzz-pipeline: " << pipeline << " succeeded with invalid IR:\n"
                 << model.text;
    std::abort();
  }
  return 0;
}
