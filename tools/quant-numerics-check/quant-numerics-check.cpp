//===- quant-numerics-check.cpp - host vs IR numerics, exhaustively -------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Runs the quantx numerics of record two ways and compares them bit for
// bit: in C++ (HostNumerics.h, what compile-time quantization uses) and as
// IR (quantx.quantize / quantx.dequantize through the reference lowering,
// which builds QuantXNumerics.h, JIT-compiled for this CPU). Inputs: every
// FP8 code of both formats and every midpoint between neighbouring FP8
// values +-1 ulp; every NF4 code and decision boundary +-1 ulp; integer
// ties (k + 0.5) +-1 ulp over and beyond each storage range, with and
// without zero points, narrow ranges and scales other than 1; zeros,
// infinities, NaN and subnormals. Prints one line per case and a summary;
// exits 1 on any mismatch.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Support/Version.h"
#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"
#include "QuantOpt/Runner/JitRunner.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::quantx;

namespace {

llvm::cl::opt<unsigned> maxReported("max-reported",
                                    llvm::cl::desc("Mismatches printed per case"),
                                    llvm::cl::init(5));

uint32_t bitsOf(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

float floatOf(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

/// `v` and its two neighbouring floats.
void addWithNeighbours(std::vector<float> &values, float v) {
  values.push_back(v);
  values.push_back(std::nextafter(v, std::numeric_limits<float>::infinity()));
  values.push_back(std::nextafter(v, -std::numeric_limits<float>::infinity()));
}

/// Zeros, infinities, NaN, f32 subnormals and huge values.
void addSpecials(std::vector<float> &values) {
  float inf = std::numeric_limits<float>::infinity();
  for (float v : {0.0f, -0.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN(),
                  -std::numeric_limits<float>::quiet_NaN(),
                  std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::denorm_min(),
                  std::numeric_limits<float>::min(), 1e30f, -1e30f,
                  std::numeric_limits<float>::max(), -std::numeric_limits<float>::max()})
    values.push_back(v);
}

/// One scheme under test: its attribute, a zero point (integers only) and
/// the scale.
struct Case {
  std::string scheme; ///< the #quantx.scheme<...> body, e.g. "i8, narrow"
  int32_t zeroPoint = 0;
  float scale = 1.0f;
};

/// Element type names of the stored codes.
std::string storedType(SchemeAttr scheme) {
  switch (scheme.getStorage()) {
  case StorageKind::f8E4M3FN:
    return "f8E4M3FN";
  case StorageKind::f8E5M2:
    return "f8E5M2";
  default:
    return scheme.getStorageBits() == 4 ? "i4" : "i8";
  }
}

/// The module with @quantize(x: f32s, scale) -> i8 codes and
/// @dequantize(i8 codes, scale) -> f32s for `c`, `n` elements each.
std::string buildModule(const Case &c, SchemeAttr scheme, int64_t n, int64_t codes) {
  std::string st = storedType(scheme);
  bool fp8 = scheme.isFloat8();
  bool sub = scheme.getStorageBits() == 4;
  std::string zpDecl, zpUse;
  if (!fp8 && scheme.getStorage() != StorageKind::nf4) {
    zpDecl = llvm::formatv("  %z = arith.constant dense<{0}> : tensor<{1}>\n", c.zeroPoint, st);
    zpUse = llvm::formatv(" zero_point(%z : tensor<{0}>)", st);
  }
  // Codes travel as i8: 4-bit codes widened (sign- or zero-extended, the
  // low nibble is the code), FP8 codes bitcast.
  std::string widen = fp8   ? "arith.bitcast"
                      : sub ? (scheme.isUnsigned() || scheme.getStorage() == StorageKind::nf4
                                   ? "arith.extui"
                                   : "arith.extsi")
                            : "";
  std::string narrow = fp8 ? "arith.bitcast" : sub ? "arith.trunci" : "";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::formatv("func.func @quantize(%x: tensor<{0}xf32>, %s: tensor<f32>) -> tensor<{0}xi8> {{\n", n);
  os << zpDecl;
  os << llvm::formatv("  %q = quantx.quantize %x as #quantx.scheme<{0}> scale(%s : tensor<f32>){1} "
                      ": tensor<{2}xf32> -> tensor<{2}x{3}>\n",
                      c.scheme, zpUse, n, st);
  if (widen.empty())
    os << "  return %q : tensor<" << n << "xi8>\n}\n";
  else
    os << llvm::formatv("  %w = {0} %q : tensor<{1}x{2}> to tensor<{1}xi8>\n  return %w : tensor<{1}xi8>\n}\n",
                        widen, n, st);
  os << llvm::formatv("func.func @dequantize(%c: tensor<{0}xi8>, %s: tensor<f32>) -> tensor<{0}xf32> {{\n", codes);
  os << zpDecl;
  std::string in = "%c";
  if (!narrow.empty()) {
    os << llvm::formatv("  %n = {0} %c : tensor<{1}xi8> to tensor<{1}x{2}>\n", narrow, codes, st);
    in = "%n";
  }
  os << llvm::formatv("  %d = quantx.dequantize {0} as #quantx.scheme<{1}> scale(%s : tensor<f32>){2} "
                      ": tensor<{3}x{4}> -> tensor<{3}xf32>\n  return %d : tensor<{3}xf32>\n}\n",
                      in, c.scheme, zpUse, codes, st);
  return s;
}

/// The inputs of the quantize check for `scheme` at scale `scale`.
std::vector<float> quantizeInputs(SchemeAttr scheme, float scale) {
  std::vector<float> values;
  addSpecials(values);
  if (scheme.isFloat8()) {
    bool e5m2 = scheme.getStorage() == StorageKind::f8E5M2;
    // Every finite FP8 value and every midpoint of neighbours, +-1 ulp.
    std::vector<float> finite;
    for (unsigned code = 0; code < 128; ++code) {
      float v = hostFloat8ToF32(uint8_t(code), e5m2);
      if (std::isfinite(v))
        finite.push_back(v);
    }
    for (size_t i = 0; i < finite.size(); ++i) {
      for (float sign : {1.0f, -1.0f}) {
        addWithNeighbours(values, sign * finite[i] * scale);
        if (i + 1 < finite.size())
          addWithNeighbours(values, sign * (finite[i] + finite[i + 1]) * 0.5f * scale);
      }
    }
    // Beyond the largest finite value (saturation) and its half-ulp.
    float top = finite.back(), next = e5m2 ? 65536.0f : 512.0f;
    for (float sign : {1.0f, -1.0f}) {
      addWithNeighbours(values, sign * (top + next) * 0.5f * scale);
      addWithNeighbours(values, sign * next * scale);
    }
  } else if (scheme.getStorage() == StorageKind::nf4) {
    ArrayRef<float> cb = getNF4CodeBook();
    for (size_t j = 0; j < cb.size(); ++j) {
      addWithNeighbours(values, cb[j] * scale);
      if (j + 1 < cb.size())
        addWithNeighbours(values, (cb[j] + cb[j + 1]) * 0.5f * scale);
    }
    for (float v : {1.5f, -1.5f, 2.0f, -7.0f})
      values.push_back(v * scale);
  } else {
    // Ties and integers over and beyond the range (with any zero point).
    for (int k = -300; k <= 300; ++k) {
      addWithNeighbours(values, (float(k) + 0.5f) * scale);
      addWithNeighbours(values, float(k) * scale);
    }
  }
  return values;
}

/// Runs one case: host vs JIT for quantize (inputs above) and dequantize
/// (every code). Returns the number of mismatches; adds to `compared`.
llvm::Expected<int64_t> runCase(MLIRContext &context, const Case &c, int64_t &compared) {
  auto scheme = dyn_cast_or_null<SchemeAttr>(
      parseAttribute("#quantx.scheme<" + c.scheme + ">", &context));
  if (!scheme)
    return llvm::createStringError("cannot parse scheme '" + c.scheme + "'");
  std::vector<float> inputs = quantizeInputs(scheme, c.scale);
  int64_t numCodes = scheme.getStorageBits() == 4 ? 16 : 256;
  std::string text = buildModule(c, scheme, int64_t(inputs.size()), numCodes);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
  if (!module)
    return llvm::createStringError("cannot parse the generated module:\n" + text);
  JitOptions options;
  auto model = JitModel::compile(std::move(module), options);
  if (!model)
    return model.takeError();

  NpyArray x{NpyDType::F32, {int64_t(inputs.size())}, {}};
  x.data.resize(inputs.size() * 4);
  std::memcpy(x.data.data(), inputs.data(), x.data.size());
  NpyArray s{NpyDType::F32, {}, std::vector<uint8_t>(4)};
  std::memcpy(s.data.data(), &c.scale, 4);
  NpyArray codes{NpyDType::I8, {numCodes}, std::vector<uint8_t>(numCodes)};
  for (int64_t i = 0; i < numCodes; ++i)
    codes.data[i] = uint8_t(i);

  auto q = (*model)->call("quantize", {x, s});
  if (!q)
    return q.takeError();
  auto d = (*model)->call("dequantize", {codes, s});
  if (!d)
    return d.takeError();

  int64_t mismatches = 0;
  auto report = [&](const std::string &what) {
    if (++mismatches <= maxReported)
      llvm::outs() << "  mismatch: " << what << "\n";
  };
  uint8_t mask = scheme.getStorageBits() == 4 ? 0xF : 0xFF;
  for (size_t i = 0; i < inputs.size(); ++i) {
    uint8_t host = hostQuantize(scheme, inputs[i], c.scale, c.zeroPoint) & mask;
    uint8_t ir = (*q)[0].data[i] & mask;
    if (host != ir)
      report(llvm::formatv("quantize({0:e} = 0x{1:x-8}) host 0x{2:x-2} IR 0x{3:x-2}", inputs[i],
                           bitsOf(inputs[i]), host, ir));
  }
  for (int64_t i = 0; i < numCodes; ++i) {
    uint32_t host = bitsOf(hostDequantize(scheme, uint8_t(i), c.scale, c.zeroPoint));
    uint32_t ir;
    std::memcpy(&ir, (*d)[0].data.data() + 4 * i, 4);
    if (host != ir)
      report(llvm::formatv("dequantize(0x{0:x-2}) host {1:e} (0x{2:x-8}) IR {3:e} (0x{4:x-8})", i,
                           floatOf(host), host, floatOf(ir), ir));
  }
  compared += int64_t(inputs.size()) + numCodes;
  llvm::outs() << llvm::formatv("{0,-24} zero point {1,4} scale {2,-8}: {3} values, {4} mismatches\n",
                                c.scheme, c.zeroPoint, c.scale, inputs.size() + numCodes,
                                mismatches);
  return mismatches;
}

} // namespace

int main(int argc, char **argv) {
  mlir::quantx::addQuantOptVersionPrinter();
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(argc, argv, "quantx numerics: host vs IR, exhaustively\n");
  MLIRContext context;
  prepareJitContext(context);

  std::vector<Case> cases;
  for (float scale : {1.0f, 0.37f}) {
    for (const char *fp8 : {"f8E4M3FN", "f8E5M2"})
      cases.push_back({fp8, 0, scale});
    cases.push_back({"nf4", 0, scale});
    for (auto [scheme, zp] : std::initializer_list<std::pair<const char *, int32_t>>{
             {"i8", 0}, {"i8", -3}, {"i8, narrow", 5}, {"u8", 0}, {"u8", 128}, {"u8, narrow", 200},
             {"i4", 0}, {"i4", 2}, {"i4, narrow", -1}, {"u4", 0}, {"u4", 8}, {"u4, narrow", 15}})
      cases.push_back({scheme, zp, scale});
  }
  int64_t compared = 0, mismatches = 0;
  for (const Case &c : cases) {
    auto result = runCase(context, c, compared);
    if (!result) {
      llvm::errs() << "quant-numerics-check: error: " << llvm::toString(result.takeError()) << "\n";
      return 1;
    }
    mismatches += *result;
  }
  llvm::outs() << llvm::formatv("numerics: {0} cases, {1} values compared, {2} mismatches\n",
                                cases.size(), compared, mismatches);
  return mismatches ? 1 : 0;
}
