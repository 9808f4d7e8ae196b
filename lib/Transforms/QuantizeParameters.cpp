//===- QuantizeParameters.cpp - quantize weights in parameter files -------===//
//
// Weight-only quantization of weights that live in a parameter file: each
// weight is read from the mapped file, quantized on the host with the same
// numerics as --quantx-insert-fake-quant + --quantx-form-quantized-matmul,
// streamed to the output file, and its pages are released, so memory is
// bounded by one weight matrix.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Transforms/Passes.h"

#include "QuantOpt/Dialect/QuantX/Utils/HostNumerics.h"
#include "QuantOpt/Params/ParameterGlobals.h"
#include "QuantOpt/Transforms/Recipe.h"
#include "QuantOpt/Transforms/Utils.h"
#include "GPTQSolver.h"

#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Threading.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXQUANTIZEPARAMETERS
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;
using params::DType;

namespace {
constexpr double kMinScale = 1.1920928955078125e-07;

/// A weight quantized on the host, in the N x K layout of quantx.matmul.
struct HostWeight {
  std::vector<uint8_t> codes; ///< N x K codes, or N x K/2 bytes (low nibble first)
  int64_t codeCols;
  std::vector<float> scales;  ///< N (per channel) or N x K/group
  std::vector<uint8_t> zeroPoints; ///< like scales; unsigned schemes only
  int64_t scaleCols;          ///< 0 for per channel
  // Double quantization of the scales: u8 codes and f32 block scales.
  std::vector<uint8_t> scaleCodes;
  std::vector<float> outerScales;
  int64_t outerCols = 0;
  SchemeAttr scaleScheme;
};

/// Fills `h.codes` with the codes of `w` (N x K, row-major) for `scheme`
/// and the scales already in `h.scales` (packing 4-bit codes).
template <typename T>
void encodeWithScales(MLIRContext *ctx, SchemeAttr scheme, ArrayRef<T> w, int64_t N,
                      int64_t K, HostWeight &h) {
  int64_t group = scheme.isGrouped() ? *scheme.getGroupSize() : K, G = K / group;
  bool packed = scheme.isSubByte();
  h.codeCols = packed ? K / 2 : K;
  h.codes.assign(N * h.codeCols, 0);
  parallelFor(ctx, 0, N, [&](int64_t n) {
    for (int64_t k = 0; k < K; ++k) {
      int64_t slot = n * G + k / group;
      int32_t zp = h.zeroPoints.empty() ? 0 : h.zeroPoints[slot];
      uint8_t c = hostQuantize(scheme, float(w[n * K + k]), h.scales[slot], zp);
      if (packed)
        h.codes[n * h.codeCols + k / 2] |= uint8_t((c & 0xF) << (4 * (k % 2)));
      else
        h.codes[n * K + k] = c;
    }
  });
}

/// Quantizes `w` (N x K, row-major) for `scheme` (per channel along axis 0
/// or groups along axis 1, symmetric). Block scales come from
/// computeBlockParams; with `doubleQuant` they become u8 codes over blocks
/// of up to 256 scales per row (scale max / 255, codes at least 1) and the
/// weight is quantized with the dequantized scales. Fails on non-finite
/// weights.
FailureOr<HostWeight> quantizeOnHost(MLIRContext *ctx, SchemeAttr scheme, double qmax,
                                     bool doubleQuant, ArrayRef<float> w, int64_t N,
                                     int64_t K) {
  HostWeight h;
  int64_t group = scheme.isGrouped() ? *scheme.getGroupSize() : K;
  int64_t G = K / group;
  h.scaleCols = scheme.isGrouped() ? G : 0;
  h.scales.resize(N * G);
  if (scheme.isUnsigned())
    h.zeroPoints.resize(N * G);
  std::atomic<bool> nonFinite(false);
  parallelFor(ctx, 0, N, [&](int64_t n) {
    for (int64_t g = 0; g < G; ++g) {
      double lo = 0.0, hi = 0.0;
      for (int64_t k = g * group; k < (g + 1) * group; ++k) {
        double v = w[n * K + k];
        if (!std::isfinite(v))
          nonFinite = true;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      BlockParams p = computeBlockParams(scheme, lo, hi, qmax);
      h.scales[n * G + g] = p.scale;
      if (scheme.isUnsigned())
        h.zeroPoints[n * G + g] = uint8_t(p.zeroPoint);
    }
  });
  if (nonFinite)
    return failure();
  if (doubleQuant) {
    int64_t block = 1;
    for (int64_t d = 1; d <= std::min<int64_t>(G, 256); ++d)
      if (G % d == 0)
        block = d;
    h.scaleScheme = SchemeAttr::get(ctx, StorageKind::u8, 1, block, false);
    h.outerCols = G / block;
    h.outerScales.resize(N * h.outerCols);
    h.scaleCodes.resize(N * G);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t b = 0; b < h.outerCols; ++b) {
        double m = 0.0;
        for (int64_t g = b * block; g < (b + 1) * block; ++g)
          m = std::max(m, double(h.scales[n * G + g]));
        float outer = float(std::max(m / 255.0, kMinScale));
        h.outerScales[n * h.outerCols + b] = outer;
        for (int64_t g = b * block; g < (b + 1) * block; ++g) {
          uint8_t c = std::max<uint8_t>(
              1, hostQuantize(h.scaleScheme, h.scales[n * G + g], outer, 0));
          h.scaleCodes[n * G + g] = c;
          // What is stored is what is used.
          h.scales[n * G + g] = float(hostDequantize(h.scaleScheme, c, outer, 0));
        }
      }
  }
  encodeWithScales(ctx, scheme, w, N, K, h);
  return h;
}

ArrayRef<uint8_t> bytesOf(ArrayRef<float> v) {
  return ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(v.data()), v.size() * 4);
}

struct QuantizeParametersPass
    : quantx::impl::QuantXQuantizeParametersBase<QuantizeParametersPass> {
  using Base::Base;

  void runOnOperation() override;

  /// Quantizes the weight of `op` (a parameter) with `choice`; false (with
  /// a remark) when the op stays for the rest of the pipeline.
  LogicalResult quantizeOp(linalg::LinalgOp op, StringRef name,
                           const SchemeChoice &choice, bool &done);
  Value load(OpBuilder &b, Location loc, StringRef key, RankedTensorType type);

  /// What was written for one quantized weight: enough to read it again.
  struct Written {
    std::string base;
    SchemeAttr scheme;
    int64_t n, codeCols, outerCols;
    SmallVector<int64_t> scaleShape;
    bool doubleQuant, zeros;
    SchemeAttr scaleScheme;
  };
  /// Replaces `op` by a weight-only quantx.matmul reading `w`'s tensors.
  void emitMatmul(linalg::LinalgOp op, const PlainMatmul &plain, const Written &w);

  ModuleOp module;
  std::shared_ptr<params::ParameterSet> input;
  std::shared_ptr<params::SafetensorsWriter> writer;
  /// Second moments by observer (algorithm=gptq).
  std::shared_ptr<llvm::StringMap<ObserverStats>> moments;
  /// The last GPTQ inverse factor and the second moment it came from.
  const std::vector<double> *cachedMoment = nullptr;
  std::vector<double> cachedFactor;
  /// Keys written to the output, with their globals.
  llvm::StringMap<ml_program::GlobalOp> written;
  /// Quantized weights by key, scheme and group size; base names in use.
  llvm::StringMap<Written> quantizedWeights;
  llvm::StringSet<> usedBases;
  int64_t index = 0, total = 0;
};

Value QuantizeParametersPass::load(OpBuilder &b, Location loc, StringRef key,
                                   RankedTensorType type) {
  ml_program::GlobalOp &global = written[key];
  if (!global)
    global = createParameterGlobal(module, key, type);
  return ml_program::GlobalLoadConstOp::create(
      b, loc, type, FlatSymbolRefAttr::get(global.getSymNameAttr()));
}

void QuantizeParametersPass::emitMatmul(linalg::LinalgOp op, const PlainMatmul &plain,
                                        const Written &w) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  Type i8 = b.getI8Type();
  SchemeAttr scheme = w.scheme;
  Value codes = load(b, loc, w.base + ".qweight",
                     RankedTensorType::get({w.n, w.codeCols}, scheme.isSubByte()
                                                                  ? i8
                                                                  : scheme.getStorageElementType()));
  auto scaleType = RankedTensorType::get(w.scaleShape, b.getF32Type());
  Value scale;
  if (w.doubleQuant) {
    Value scaleCodes = load(b, loc, w.base + ".scales.codes", scaleType.clone(i8));
    Value outer = load(b, loc, w.base + ".scales.scale",
                       RankedTensorType::get({w.n, w.outerCols}, b.getF32Type()));
    scale = DequantizeOp::create(b, loc, scaleType, scaleCodes, outer, Value(), w.scaleScheme);
  } else {
    scale = load(b, loc, w.base + ".scales", scaleType);
  }
  // Zero points are stored one per byte; the scheme's type (i4 for u4) is
  // recovered in the IR.
  Value zeroPoint;
  if (w.zeros) {
    Value bytes = load(b, loc, w.base + ".zeros", scaleType.clone(i8));
    zeroPoint =
        arith::TruncIOp::create(b, loc, scaleType.clone(scheme.getStorageElementType()), bytes);
  }
  auto mm = MatmulOp::create(b, loc, op->getResult(0).getType(), plain.lhs->get(), codes, scale,
                             zeroPoint, Value(), Value(), Value(), Value(), Value(), scheme,
                             SchemeAttr(), SchemeAttr());
  Operation *weightLoad = plain.rhs->get().getDefiningOp();
  op->getResult(0).replaceAllUsesWith(mm.getResult());
  op->erase();
  if (weightLoad->use_empty())
    weightLoad->erase();
}

LogicalResult QuantizeParametersPass::quantizeOp(linalg::LinalgOp op, StringRef name,
                                                 const SchemeChoice &choice, bool &done) {
  MLIRContext *ctx = &getContext();
  auto keep = [&](const Twine &why) {
    op->emitRemark() << "'" << name << "' not quantized from the parameter file: " << why;
    return success();
  };
  FailureOr<PlainMatmul> plain = matchPlainMatmul(op);
  if (failed(plain))
    return keep("not a plain 2-D matmul with a zero-filled accumulator");
  ml_program::GlobalOp global = getLoadedParameter(plain->rhs->get());
  if (!global)
    return success(); // not a parameter weight: not this pass's business
  bool doubleQuant = choice.scheme == QuantScheme::W4A16NF4DQ;
  std::optional<WeightOnlyFormat> format =
      getWeightOnlyFormat(doubleQuant ? QuantScheme::W4A16NF4 : choice.scheme);
  if (!format)
    return keep("scheme '" + stringifyQuantScheme(choice.scheme) +
                "' is not a weight-only scheme (w8a16, w8a16-group, w4a16, w4a16-asym, "
                "w4a16-nf4, w4a16-nf4-dq, w8a16-fp8)");
  auto wType = cast<RankedTensorType>(global.getType());
  int64_t rows = wType.getDimSize(0), cols = wType.getDimSize(1);
  bool transposed = plain->transposed;
  int64_t N = transposed ? cols : rows, K = transposed ? rows : cols;
  if (format->grouped && K % choice.groupSize != 0)
    return op->emitError() << "'" << name << "': group size " << choice.groupSize
                           << " (from " << choice.origin
                           << ") does not divide the reduction dimension of size " << K;
  if (format->storage != StorageKind::i8 && K % 2 != 0)
    return keep("4-bit codes need an even reduction dimension");
  std::string key = getParameterKey(global);
  std::optional<DType> dtype = toParamDType(wType.getElementType());
  if (!dtype || !isa<FloatType>(wType.getElementType()))
    return keep("the weight is not a float tensor");
  auto tensor = input->lookup(key, *dtype, wType.getShape());
  if (!tensor) {
    op->emitError() << llvm::toString(tensor.takeError());
    return failure();
  }
  auto start = std::chrono::steady_clock::now();
  SchemeAttr scheme =
      format->grouped ? SchemeAttr::get(ctx, format->storage, 1, choice.groupSize, false)
                      : SchemeAttr::get(ctx, format->storage, 0, std::nullopt, false);
  // A weight several ops read (e.g. by the prefill and decode functions)
  // is quantized once per scheme.
  std::string signature = key + "|" + stringifyQuantScheme(choice.scheme).str() + "|" +
                          std::to_string(choice.groupSize);
  if (auto it = quantizedWeights.find(signature); it != quantizedWeights.end()) {
    emitMatmul(op, *plain, it->second);
    done = true;
    return success();
  }
  // GPTQ needs the second moment of the op's input.
  const std::vector<double> *moment = nullptr;
  if (algorithm == "gptq") {
    auto it = moments->find((name + ".input").str());
    if (it == moments->end() || it->second.secondMoment.size() != size_t(K * K))
      op->emitRemark() << "'" << name << "' quantized with RTN: no second moment of its "
                          "input in the statistics (quant-calibrate --second-moments)";
    else if (doubleQuant)
      op->emitRemark() << "'" << name << "' quantized with RTN: GPTQ does not combine "
                          "with double-quantized scales";
    else
      moment = &it->second.secondMoment;
  }
  // The weight in f32, N x K.
  std::vector<float> w(N * K);
  const params::TensorView *t = *tensor;
  parallelFor(ctx, 0, rows, [&](int64_t i) {
    for (int64_t j = 0; j < cols; ++j) {
      float v = t->getAsFloat(i * cols + j);
      if (transposed)
        w[j * K + i] = v;
      else
        w[i * K + j] = v;
    }
  });
  input->release(*t);
  if (llvm::any_of(w, [](float v) { return !std::isfinite(v); }))
    return keep("the weight has NaN or infinite values");
  FailureOr<HostWeight> h = failure();
  if (moment) {
    // GPTQ: the inverse factor of the input's Hessian (shared by the ops
    // reading the same input, e.g. q/k/v), then column-by-column
    // quantization with error feedback; the codes are those of the grid
    // values it leaves, with its scales.
    std::vector<double> wd(w.begin(), w.end());
    w = {};
    if (!cachedMoment || *cachedMoment != *moment) {
      FailureOr<std::vector<double>> u =
          gptqInverseFactor(ctx, *moment, K, damp, wd.data(), N);
      if (failed(u))
        return op->emitError() << "'" << name
                               << "': the second moment of its input is not positive "
                                  "definite (GPTQ); raise damp=";
      cachedMoment = moment;
      cachedFactor = std::move(*u);
    } else {
      for (int64_t k = 0; k < K; ++k)
        if ((*moment)[k * K + k] == 0)
          for (int64_t n = 0; n < N; ++n)
            wd[n * K + k] = 0;
    }
    HostWeight g;
    std::vector<int32_t> zeroPoints;
    gptqQuantize(ctx, scheme, format->qmax, format->grouped ? choice.groupSize : K, wd.data(),
                 N, K, cachedFactor, g.scales, zeroPoints);
    if (scheme.isUnsigned())
      g.zeroPoints.assign(zeroPoints.begin(), zeroPoints.end());
    g.scaleCols = format->grouped ? K / choice.groupSize : 0;
    encodeWithScales(ctx, scheme, ArrayRef<double>(wd), N, K, g);
    h = std::move(g);
  } else {
    h = quantizeOnHost(ctx, scheme, format->qmax, doubleQuant, w, N, K);
    if (failed(h))
      return keep("the weight has NaN or infinite values");
    w = {};
  }

  // Names of the new tensors: the key without ".weight", made unique if
  // the same weight is also quantized with another scheme.
  std::string baseName = StringRef(key).ends_with(".weight") ? key.substr(0, key.size() - 7) : key;
  if (usedBases.contains(baseName))
    baseName += "." + stringifyQuantScheme(choice.scheme).str() + "-g" +
                std::to_string(format->grouped ? choice.groupSize : K);
  usedBases.insert(baseName);
  StringRef base = baseName;
  auto add = [&](StringRef suffix, DType d, ArrayRef<int64_t> shape,
                 ArrayRef<uint8_t> bytes) -> LogicalResult {
    if (llvm::Error err = writer->add((base + suffix).str(), d, shape, bytes)) {
      op->emitError() << llvm::toString(std::move(err));
      return failure();
    }
    return success();
  };
  bool packed = scheme.isSubByte();
  DType codeType = format->storage == StorageKind::i8         ? DType::I8
                    : format->storage == StorageKind::f8E4M3FN ? DType::F8_E4M3
                                                               : DType::U8;
  SmallVector<int64_t> scaleShape{N};
  if (h->scaleCols)
    scaleShape.push_back(h->scaleCols);
  if (failed(add(".qweight", codeType, {N, h->codeCols}, h->codes)))
    return failure();
  if (doubleQuant) {
    if (failed(add(".scales.codes", DType::U8, scaleShape, h->scaleCodes)) ||
        failed(add(".scales.scale", DType::F32, {N, h->outerCols}, bytesOf(h->outerScales))))
      return failure();
  } else if (failed(add(".scales", DType::F32, scaleShape, bytesOf(h->scales)))) {
    return failure();
  }
  if (!h->zeroPoints.empty() && failed(add(".zeros", DType::U8, scaleShape, h->zeroPoints)))
    return failure();

  // Metadata another reader can interpret the tensors with.
  llvm::json::Object meta{{"scheme", stringifyQuantScheme(choice.scheme)},
                          {"storage", stringifyStorageKind(format->storage)},
                          {"layout", packed ? "N x K/2 bytes, two codes per byte, "
                                              "low nibble first"
                                            : "N x K"},
                          {"code_dtype", params::dtypeName(codeType)},
                          {"source", key},
                          {"scale", doubleQuant ? "u8 codes x f32 per block of " +
                                                      std::to_string(*h->scaleScheme.getGroupSize())
                                                : std::string("f32")}};
  if (format->grouped)
    meta["group_size"] = choice.groupSize;
  std::string metaText;
  llvm::raw_string_ostream(metaText) << llvm::json::Value(std::move(meta));
  writer->setMetadata(base, metaText);

  Written entry{base.str(), scheme, N, h->codeCols, h->outerCols, scaleShape, doubleQuant,
                !h->zeroPoints.empty(), h->scaleScheme};
  emitMatmul(op, *plain, entry);
  quantizedWeights[signature] = std::move(entry);
  done = true;
  ++numQuantized;
  if (progress) {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    llvm::errs() << llvm::format("[%lld/%lld] ", (long long)index, (long long)total) << key
                 << " " << N << "x" << K << " -> " << stringifyQuantScheme(choice.scheme)
                 << (moment ? " (GPTQ)" : "")
                 << llvm::format(" %.2f s\n", s);
  }
  return success();
}

void QuantizeParametersPass::runOnOperation() {
  module = getOperation();
  std::string inputPath = params;
  if (inputPath.empty())
    if (auto attr = module->getAttrOfType<StringAttr>(kParameterFileAttr))
      inputPath = attr.str();
  bool anyParameter = false;
  for (auto global : module.getOps<ml_program::GlobalOp>())
    anyParameter |= isParameterGlobal(global);
  if (!anyParameter)
    return; // nothing here reads a parameter file
  if (inputPath.empty() || output.empty()) {
    module.emitError() << "the model's weights are in a parameter file: give "
                          "the input (params=FILE, or the module's "
                       << kParameterFileAttr << " attribute) and output=FILE";
    return signalPassFailure();
  }
  auto opened = params::ParameterSet::open(inputPath);
  if (!opened) {
    module.emitError() << llvm::toString(opened.takeError());
    return signalPassFailure();
  }
  input = std::move(*opened);
  auto created = params::SafetensorsWriter::create(output);
  if (!created) {
    module.emitError() << llvm::toString(created.takeError());
    return signalPassFailure();
  }
  writer = std::move(*created);

  if (algorithm != "rtn" && algorithm != "gptq") {
    module.emitError() << "unknown algorithm '" << algorithm
                       << "' for parameter weights; expected rtn or gptq";
    return signalPassFailure();
  }
  if (algorithm == "gptq") {
    FailureOr<llvm::StringMap<ObserverStats>> loaded =
        loadSecondMomentStats(module, stats, "GPTQ");
    if (failed(loaded))
      return signalPassFailure();
    moments = std::make_shared<llvm::StringMap<ObserverStats>>(std::move(*loaded));
  }
  auto recipeRules = Recipe::fromOptions(recipe, scheme, groupSize, skipFirst, skipLast);
  if (!recipeRules) {
    module.emitError() << llvm::toString(recipeRules.takeError());
    return signalPassFailure();
  }
  std::vector<MatmulSite> sites = collectMatmulSites(module);
  total = 0;
  for (const MatmulSite &site : sites)
    total += getLoadedParameter(
                 cast<linalg::LinalgOp>(site.op).getDpsInputOperand(1)->get()) != nullptr;
  for (const MatmulSite &site : sites) {
    auto op = cast<linalg::LinalgOp>(site.op);
    if (op.getNumDpsInputs() < 2 || !getLoadedParameter(op.getDpsInputOperand(1)->get()))
      continue;
    ++index;
    OpSite opSite{site.op->getName().getStringRef(), site.function, site.name, site.index,
                  site.count};
    SchemeChoice choice = recipeRules->choose(opSite);
    if (choice.scheme == QuantScheme::Float)
      continue;
    bool done = false;
    if (failed(quantizeOp(op, site.name, choice, done)))
      return signalPassFailure();
  }

  // The output is the model's parameter file from now on: parameters still
  // read in their original form are copied into it; unread ones go away.
  SymbolTable table(module);
  for (auto global : llvm::make_early_inc_range(module.getOps<ml_program::GlobalOp>())) {
    if (!isParameterGlobal(global))
      continue;
    std::string key = getParameterKey(global);
    if (written.count(key))
      continue;
    if (SymbolTable::symbolKnownUseEmpty(global, module)) {
      global.erase();
      continue;
    }
    auto type = cast<RankedTensorType>(global.getType());
    std::optional<DType> dtype = toParamDType(type.getElementType());
    auto tensor = dtype ? input->lookup(key, *dtype, type.getShape())
                        : input->lookup(key);
    if (!tensor) {
      global.emitError() << llvm::toString(tensor.takeError());
      return signalPassFailure();
    }
    if (llvm::Error err = writer->add(key, (*tensor)->dtype, (*tensor)->shape,
                                      ArrayRef<uint8_t>((*tensor)->data, (*tensor)->size))) {
      global.emitError() << llvm::toString(std::move(err));
      return signalPassFailure();
    }
    input->release(**tensor);
    written[key] = global;
    ++numCopied;
  }
  writer->setMetadata("format", "quantx");
  if (llvm::Error err = writer->finish()) {
    module.emitError() << llvm::toString(std::move(err));
    return signalPassFailure();
  }
  module->setAttr(kParameterFileAttr, StringAttr::get(&getContext(), output));
}
} // namespace
