//===- QuantizeParameters.cpp - quantize weights in parameter files -------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Weight-only quantization of weights that live in a parameter file: each
// weight is read from the mapped file, quantized on the host with the same
// numerics as --quantx-insert-fake-quant + --quantx-form-quantized-matmul,
// streamed to the output file, and its pages are released, so memory is
// bounded by one weight matrix.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Transforms/Passes.h"

#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"
#include "QuantOpt/Params/ParameterGlobals.h"
#include "QuantOpt/Transforms/Recipe.h"
#include "QuantOpt/Transforms/Utils.h"
#include "GPTQSolver.h"
#include "LoRA.h"
#include "ChannelScaling.h"
#include "ParameterScaling.h"

#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Threading.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
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
        setNibble(MutableArrayRef<uint8_t>(h.codes).slice(n * h.codeCols, h.codeCols), k, c);
      else
        h.codes[n * K + k] = c;
    }
  });
}

/// Quantizes `w` (N x K, row-major) for `scheme` (per channel along axis 0
/// or groups along axis 1, symmetric). Block scales come from
/// computeBlockParams; with `doubleQuant` they become u8 codes over blocks
/// of up to 256 scales per row (scale max / 255, codes at least 1) and the
/// weight is quantized with the dequantized scales. `clip` (N x K/group,
/// optional) shrinks each block's range first. Fails on non-finite weights.
FailureOr<HostWeight> quantizeOnHost(MLIRContext *ctx, SchemeAttr scheme, double qmax,
                                     bool doubleQuant, ArrayRef<float> w, int64_t N,
                                     int64_t K, ArrayRef<float> clip = {}) {
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
      if (!clip.empty()) {
        lo *= clip[n * G + g];
        hi *= clip[n * G + g];
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
  /// Opens the input parameter file and creates the output.
  LogicalResult openFiles();
  /// Checks the algorithm's options; loads its statistics and LoRA adapter.
  LogicalResult loadAlgorithmInputs();
  /// Copies the parameters still read in their original form (or as AWQ
  /// and SmoothQuant rescaled them) to the output; drops unread ones.
  LogicalResult copyRemainingParameters();

  /// A matmul-like op whose weight is a parameter, with its recipe choice.
  struct Planned {
    linalg::LinalgOp op;
    std::string name;
    SchemeChoice choice;
    PlainMatmul plain;
    ml_program::GlobalOp weight;
  };
  /// The matmul-like ops with a parameter weight, with their choices.
  FailureOr<std::vector<Planned>> planSites(const Recipe &rules);
  /// Whether quantizeOp would quantize `p` (weight-only scheme, layout).
  bool canQuantize(const Planned &p) const;
  /// The weight of `global` (N x K, or K x N when `transposed`) as N x K
  /// f32, its pages released after reading.
  FailureOr<std::vector<float>> readWeight(ml_program::GlobalOp global, bool transposed,
                                           Operation *errorAt);
  /// AWQ: chooses the input-channel scales of the weights that read one
  /// normalization's output and the new gain of that normalization.
  LogicalResult planAWQ(ArrayRef<Planned> sites);
  /// Whether the group's scales can be folded into `source`: everything
  /// reading it is in the group and quantized here, and the group's weights
  /// are read nowhere else. Sets `why` when not.
  bool validateGroup(ml_program::GlobalOp source, ArrayRef<const Planned *> group,
                     const llvm::StringMap<SmallVector<const Planned *>> &byWeight,
                     const DenseMap<Operation *, const Planned *> &siteOf, std::string &why);
  LogicalResult scaleGroup(ml_program::GlobalOp source, ArrayRef<const Planned *> group,
                           const llvm::StringMap<SmallVector<const Planned *>> &byWeight,
                           const DenseMap<Operation *, const Planned *> &siteOf,
                           std::string &why);
  /// One weight of a scaling group, N x K in f32, with its stored format.
  struct GroupWeight {
    const Planned *p;
    std::vector<float> w;
    int64_t n;
    SchemeAttr scheme;
    double qmax;
  };
  /// The group's weights (first reader of each key), N x K in f32; empty
  /// with `why` set when one has NaN or infinite values.
  FailureOr<std::vector<GroupWeight>> readGroupWeights(ArrayRef<const Planned *> group,
                                                       int64_t K, std::string &why);
  /// Folds the group's scales `s`: divides them out of the source (a gain,
  /// or up_proj's rows), multiplies them into the weights' columns, and
  /// marks the matmuls for SmoothQuant.
  LogicalResult foldScales(ml_program::GlobalOp source, ArrayRef<const Planned *> group,
                           ArrayRef<GroupWeight> weights, std::vector<double> s,
                           StringRef summary);
  /// AWQ's grid search over alpha for the group's shared scales; fails
  /// when no alpha beats round-to-nearest.
  LogicalResult searchAWQScales(ArrayRef<double> moment, ArrayRef<GroupWeight> weights,
                                int64_t K, std::vector<double> &s, std::string &summary);
  /// Divides the gain parameter by `s` (into replacedParameters) and sets
  /// `s` to the scales that keep the model's function exact.
  LogicalResult divideGain(ml_program::GlobalOp gain, std::vector<double> &s);

  /// Quantizes the weight of `op` (a parameter) with `choice`; false (with
  /// a remark) when the op stays for the rest of the pipeline.
  LogicalResult quantizeOp(linalg::LinalgOp op, StringRef name,
                           const SchemeChoice &choice, bool &done);
  Value load(OpBuilder &b, Location loc, StringRef key, RankedTensorType type);

  /// One weight to quantize, as quantizeOp decided.
  struct WeightJob {
    ml_program::GlobalOp global;
    std::string key;
    SchemeAttr scheme;
    WeightOnlyFormat format;
    SchemeChoice choice;
    bool doubleQuant, activations, transposed;
    int64_t n, k;
    std::string how = ""; ///< the algorithm used, for the progress line
  };

  /// What was written for one quantized weight: enough to read it again.
  struct Written {
    std::string base;
    SchemeAttr scheme;
    int64_t n, codeCols, outerCols;
    SmallVector<int64_t> scaleShape;
    bool doubleQuant, zeros;
    SchemeAttr scaleScheme;
    bool tiled; ///< codes in the CPU kernels' tiled layout (tileWeightBytes)
  };
  /// Reads, transforms (AWQ/SmoothQuant scales, LoRA) and quantizes the
  /// weight (GPTQ, or round to nearest with AWQ's clipping); nullopt (with
  /// a remark) when it stays in float.
  FailureOr<std::optional<HostWeight>> quantizeWeight(linalg::LinalgOp op, StringRef name,
                                                      WeightJob &job);
  /// Writes the quantized tensors and their metadata to the output file.
  FailureOr<Written> writeWeight(linalg::LinalgOp op, const WeightJob &job,
                                 const HostWeight &h);
  /// Replaces `op` by a weight-only quantx.matmul reading `w`'s tensors.
  void emitMatmul(linalg::LinalgOp op, const PlainMatmul &plain, const Written &w);
  /// Rebuilds the linalg.matmul `op` on a quantx.dequantize of `w`'s codes
  /// and per-channel scales, for --quantx-form-quantized-matmul.
  void emitDequantizedWeight(linalg::LinalgOp op, const PlainMatmul &plain, const Written &w);

  ModuleOp module;
  std::shared_ptr<params::ParameterSet> input;
  std::shared_ptr<params::SafetensorsWriter> writer;
  /// Calibration statistics by observer (second moments for gptq and awq).
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
  /// AWQ: column scales of weights by key, new contents of gains by key.
  llvm::StringMap<std::vector<double>> columnScales, rowScales;
  /// AWQ: the second moment of each grouped weight's shared input.
  llvm::StringMap<const std::vector<double> *> groupMoments;
  llvm::StringMap<std::string> scaledThrough;
  llvm::StringMap<std::vector<uint8_t>> replacedParameters;
  /// LoRA adapter merged into the weights as they are read (lora=DIR).
  std::shared_ptr<LoRAAdapter> loraAdapter;
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
  auto codesType = RankedTensorType::get(
      {w.n, w.codeCols}, scheme.isSubByte() ? i8 : scheme.getStorageElementType());
  Value codes;
  if (w.tiled) {
    // Stored in tiles; the kernels read them as they are, the reference
    // lowering through the unpack.
    Type elt = codesType.getElementType();
    Value tiles = load(b, loc, w.base + ".qweight",
                       RankedTensorType::get({w.n / kWeightTileRows, w.codeCols / kWeightTileBytes,
                                              kWeightTileRows, kWeightTileBytes},
                                             elt));
    Value dest = tensor::EmptyOp::create(b, loc, codesType.getShape(), elt);
    codes = linalg::UnPackOp::create(b, loc, tiles, dest, ArrayRef<int64_t>{0, 1},
                                     ArrayRef<OpFoldResult>{b.getIndexAttr(kWeightTileRows),
                                                            b.getIndexAttr(kWeightTileBytes)});
  } else {
    codes = load(b, loc, w.base + ".qweight", codesType);
  }
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
                             SchemeAttr(), SchemeAttr(), TypeAttr());
  Operation *weightLoad = plain.rhs->get().getDefiningOp();
  op->getResult(0).replaceAllUsesWith(mm.getResult());
  op->erase();
  if (weightLoad->use_empty())
    weightLoad->erase();
}

void QuantizeParametersPass::emitDequantizedWeight(linalg::LinalgOp op,
                                                   const PlainMatmul &plain, const Written &w) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  // 4-bit codes (w4a8-dynamic) are stored packed and unpacked here; the
  // matmul formed later reads the packed bytes again (pack(unpack) folds).
  bool packed = w.scheme.isSubByte();
  Value codes = load(b, loc, w.base + ".qweight",
                     RankedTensorType::get({w.n, w.codeCols},
                                           packed ? b.getI8Type() : w.scheme.getStorageElementType()));
  int64_t k = packed ? 2 * w.codeCols : w.codeCols;
  if (packed)
    codes = UnpackOp::create(b, loc, RankedTensorType::get({w.n, k}, w.scheme.getStorageElementType()),
                             codes);
  Value scale = load(b, loc, w.base + ".scales", RankedTensorType::get(w.scaleShape, b.getF32Type()));
  Value weight = DequantizeOp::create(b, loc, RankedTensorType::get({w.n, k}, b.getF32Type()),
                                      codes, scale, Value(), w.scheme);
  auto mm = linalg::MatmulOp::create(b, loc, TypeRange{op->getResult(0).getType()},
                                     ValueRange{plain.lhs->get(), weight},
                                     ValueRange{plain.out->get()}, op->getAttrs());
  Operation *weightLoad = plain.rhs->get().getDefiningOp();
  op->getResult(0).replaceAllUsesWith(mm->getResult(0));
  op->erase();
  if (weightLoad->use_empty())
    weightLoad->erase();
}

FailureOr<std::optional<HostWeight>>
QuantizeParametersPass::quantizeWeight(linalg::LinalgOp op, StringRef name, WeightJob &job) {
  MLIRContext *ctx = &getContext();
  auto keep = [&](const Twine &why) -> FailureOr<std::optional<HostWeight>> {
    op->emitRemark() << "'" << name << "' not quantized from the parameter file: " << why;
    return std::optional<HostWeight>();
  };
  const std::string &key = job.key;
  SchemeAttr scheme = job.scheme;
  const WeightOnlyFormat *format = &job.format;
  const SchemeChoice &choice = job.choice;
  bool doubleQuant = job.doubleQuant, activations = job.activations;
  int64_t N = job.n, K = job.k;
  // GPTQ and AWQ's clipping need the second moment of the op's input.
  const std::vector<double> *moment = nullptr, *awqMoment = nullptr;
  if (algorithm == "awq" && !activations) {
    // The op's own statistics, else its group's (q/k/v share one observer).
    const ObserverStats *found = findInputStats(*moments, name);
    if (found && found->secondMoment.size() == size_t(K * K))
      awqMoment = &found->secondMoment;
    else if (auto it = groupMoments.find(key); it != groupMoments.end())
      awqMoment = it->second;
  }
  // GPTQ for the weight-only schemes and for w4a8-dynamic, whose int4
  // weights are w4a16's (the error it minimizes is the layer's on float
  // inputs; the int8 activations add their own).
  if (algorithm == "gptq" && (!activations || choice.scheme == QuantScheme::W4A8Dynamic)) {
    const ObserverStats *found = findInputStats(*moments, name);
    if (!found || found->secondMoment.size() != size_t(K * K))
      op->emitRemark() << "'" << name << "' quantized with RTN: no second moment of its "
                          "input in the statistics (quant-calibrate --second-moments)";
    else if (doubleQuant)
      op->emitRemark() << "'" << name << "' quantized with RTN: GPTQ does not combine "
                          "with double-quantized scales";
    else
      moment = &found->secondMoment;
  }
  FailureOr<std::vector<float>> read = readWeight(job.global, job.transposed, op);
  if (failed(read))
    return failure();
  std::vector<float> w = std::move(*read);
  auto colsIt = columnScales.find(key), rowsIt = rowScales.find(key);
  if (colsIt != columnScales.end() || rowsIt != rowScales.end())
    parallelFor(ctx, 0, N, [&](int64_t n) {
      double r = rowsIt != rowScales.end() ? rowsIt->second[n] : 1.0;
      for (int64_t k = 0; k < K; ++k)
        w[n * K + k] = float(double(w[n * K + k]) * r *
                             (colsIt != columnScales.end() ? colsIt->second[k] : 1.0));
    });
  if (llvm::any_of(w, [](float v) { return !std::isfinite(v); }))
    return keep("the weight has NaN or infinite values");
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
    job.how = " (GPTQ)";
    return std::optional<HostWeight>(std::move(g));
  }
  {
    // AWQ also shrinks each block's range where that lowers the error on
    // its input's second moment (of the input divided by the column scales
    // when the weight was scaled: E[(x/s)(x/s)^T]).
    std::vector<float> clip;
    if (awqMoment && colsIt != columnScales.end()) {
      const std::vector<double> &sc = colsIt->second;
      std::vector<double> scaled(K * K);
      for (int64_t i = 0; i < K; ++i)
        for (int64_t j = 0; j < K; ++j)
          scaled[i * K + j] = (*awqMoment)[i * K + j] / (sc[i] * sc[j]);
      clip = searchClipRatios(ctx, scheme, format->qmax, w, N, K, scaled);
    } else if (awqMoment) {
      clip = searchClipRatios(ctx, scheme, format->qmax, w, N, K, *awqMoment);
    }
    FailureOr<HostWeight> h = quantizeOnHost(ctx, scheme, format->qmax, doubleQuant, w, N, K, clip);
    if (failed(h))
      return keep("the weight has NaN or infinite values");
    bool scaled = colsIt != columnScales.end() || rowsIt != rowScales.end();
    StringRef method = algorithm == "smoothquant" ? "SmoothQuant" : "AWQ";
    if (scaled || awqMoment)
      job.how = (" (" + method + (scaled && awqMoment ? " scales and clipping)"
                                  : scaled             ? " scales)"
                                                       : " clipping)"))
                    .str();
    return std::optional<HostWeight>(std::move(*h));
  }
}

FailureOr<QuantizeParametersPass::Written>
QuantizeParametersPass::writeWeight(linalg::LinalgOp op, const WeightJob &job,
                                    const HostWeight &hw) {
  const HostWeight *h = &hw;
  const std::string &key = job.key;
  SchemeAttr scheme = job.scheme;
  const WeightOnlyFormat *format = &job.format;
  const SchemeChoice &choice = job.choice;
  bool doubleQuant = job.doubleQuant;
  int64_t N = job.n, K = job.k;
  auto colsIt = columnScales.find(key), rowsIt = rowScales.find(key);
  StringRef method = algorithm == "smoothquant" ? "SmoothQuant" : "AWQ";
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
  // Codes (4- or 8-bit) of weight-only matmuls for the CPU: the kernels'
  // tiled layout, so that they stream each tile of rows in order.
  bool tiled = tileWeights && target == "cpu" && !job.activations &&
               N % kWeightTileRows == 0 && h->codeCols % kWeightTileBytes == 0;
  if (tiled) {
    std::vector<char> tiles = tileWeightBytes(
        ArrayRef<char>(reinterpret_cast<const char *>(h->codes.data()), h->codes.size()), N,
        h->codeCols);
    if (failed(add(".qweight", codeType,
                   {N / kWeightTileRows, h->codeCols / kWeightTileBytes, kWeightTileRows,
                    kWeightTileBytes},
                   ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(tiles.data()),
                                     tiles.size()))))
      return failure();
  } else if (failed(add(".qweight", codeType, {N, h->codeCols}, h->codes))) {
    return failure();
  }
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
                          {"layout", tiled && packed
                                         ? "N/4 x K/32 x 4 x 16 bytes: tiles of 4 rows x 16 "
                                           "bytes (row 4t+r, bytes 16c..16c+15 at [t][c][r]), "
                                           "two codes per byte, low nibble first"
                                     : tiled  ? "N/4 x K/16 x 4 x 16: tiles of 4 rows x 16 codes "
                                                "(row 4t+r, codes 16c..16c+15 at [t][c][r])"
                                     : packed ? "N x K/2 bytes, two codes per byte, "
                                                "low nibble first"
                                              : "N x K"},
                          {"code_dtype", params::dtypeName(codeType)},
                          {"source", key},
                          {"scale", doubleQuant ? "u8 codes x f32 per block of " +
                                                      std::to_string(*h->scaleScheme.getGroupSize())
                                                : std::string("f32")}};
  if (format->grouped)
    meta["group_size"] = choice.groupSize;
  if (auto it = scaledThrough.find(key); it != scaledThrough.end() && colsIt != columnScales.end())
    meta["input_scaling"] = method.str() + ": input channels multiplied by per-channel "
                            "scales, divided out of '" + it->second + "'";
  if (auto it = scaledThrough.find(key); it != scaledThrough.end() && rowsIt != rowScales.end())
    meta["output_scaling"] = method.str() + ": output channels divided by per-channel "
                             "scales, multiplied into the input channels of " + it->second;
  std::string metaText;
  llvm::raw_string_ostream(metaText) << llvm::json::Value(std::move(meta));
  writer->setMetadata(base, metaText);

  return Written{base.str(), scheme,      N,     h->codeCols, h->outerCols, scaleShape,
                 doubleQuant, !h->zeroPoints.empty(), h->scaleScheme, tiled};
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
  bool doubleQuant = choice.scheme == QuantScheme::W4A16NF4DQ, activations;
  std::optional<WeightOnlyFormat> format = getWeightFormat(choice.scheme, activations);
  if (!format)
    return keep("scheme '" + stringifyQuantScheme(choice.scheme) + "' stores no weight");
  auto wType = cast<RankedTensorType>(global.getType());
  int64_t rows = wType.getDimSize(0), cols = wType.getDimSize(1);
  bool transposed = plain->transposed;
  // The matmul keeps reading a float weight (the dequantized codes), so it
  // is rebuilt for the new element type: a linalg.matmul in the Linear
  // layout.
  if (activations && (transposed || !isa<linalg::MatmulOp>(op)))
    return keep("weights of schemes that quantize activations are read from a parameter "
                "file for linalg.matmul with the weight in the Linear (N x K) layout");
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
  auto start = std::chrono::steady_clock::now();
  SchemeAttr scheme =
      format->grouped ? SchemeAttr::get(ctx, format->storage, 1, choice.groupSize, false)
                      : SchemeAttr::get(ctx, format->storage, 0, std::nullopt, false);
  // A weight several ops read (e.g. by the prefill and decode functions)
  // is quantized once per scheme.
  std::string signature = key + "|" + stringifyQuantScheme(choice.scheme).str() + "|" +
                          std::to_string(choice.groupSize);
  if (auto it = quantizedWeights.find(signature); it != quantizedWeights.end()) {
    if (activations)
      emitDequantizedWeight(op, *plain, it->second);
    else
      emitMatmul(op, *plain, it->second);
    done = true;
    return success();
  }
  WeightJob job{global, key, scheme, *format, choice, doubleQuant, activations, transposed, N, K};
  FailureOr<std::optional<HostWeight>> h = quantizeWeight(op, name, job);
  if (failed(h))
    return failure();
  if (!*h)
    return success(); // kept in float, with a remark
  FailureOr<Written> entry = writeWeight(op, job, **h);
  if (failed(entry))
    return failure();
  if (activations)
    emitDequantizedWeight(op, *plain, *entry);
  else
    emitMatmul(op, *plain, *entry);
  quantizedWeights[signature] = std::move(*entry);
  done = true;
  ++numQuantized;
  if (progress) {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    llvm::errs() << llvm::format("[%lld/%lld] ", (long long)index, (long long)total) << key
                 << " " << N << "x" << K << " -> " << stringifyQuantScheme(choice.scheme)
                 << job.how
                 << llvm::format(" %.2f s\n", s);
  }
  return success();
}

FailureOr<std::vector<float>>
QuantizeParametersPass::readWeight(ml_program::GlobalOp global, bool transposed,
                                   Operation *errorAt) {
  auto wType = cast<RankedTensorType>(global.getType());
  std::optional<DType> dtype = toParamDType(wType.getElementType());
  auto tensor = input->lookup(getParameterKey(global), *dtype, wType.getShape());
  if (!tensor) {
    errorAt->emitError() << llvm::toString(tensor.takeError());
    return failure();
  }
  int64_t rows = wType.getDimSize(0), cols = wType.getDimSize(1);
  int64_t K = transposed ? rows : cols;
  std::vector<float> w(rows * cols);
  const params::TensorView *t = *tensor;
  parallelFor(&getContext(), 0, rows, [&](int64_t i) {
    for (int64_t j = 0; j < cols; ++j) {
      float v = t->getAsFloat(i * cols + j);
      if (transposed)
        w[j * K + i] = v;
      else
        w[i * K + j] = v;
    }
  });
  input->release(*t);
  // A LoRA adapter's update scale B A is merged before anything else.
  if (loraAdapter) {
    std::string key = getParameterKey(global);
    if (const LoRAAdapter::Layer *layer = loraAdapter->find(key)) {
      int64_t N = int64_t(w.size()) / K;
      if (layer->n != N || layer->k != K) {
        errorAt->emitError() << loraAdapter->path << ": adapter of '" << key << "' is "
                             << layer->n << " x " << layer->k << ", the weight " << N << " x "
                             << K;
        return failure();
      }
      std::vector<float> delta = loraAdapter->delta(*layer);
      for (size_t i = 0; i < w.size(); ++i)
        w[i] += delta[i];
    }
  }
  return w;
}

bool QuantizeParametersPass::canQuantize(const Planned &p) const {
  bool activations;
  std::optional<WeightOnlyFormat> format = getWeightFormat(p.choice.scheme, activations);
  auto wType = cast<RankedTensorType>(ml_program::GlobalOp(p.weight).getType());
  int64_t K = wType.getDimSize(p.plain.transposed ? 0 : 1);
  if (activations && (p.plain.transposed || !isa<linalg::MatmulOp>(p.op)))
    return false;
  return format && (!format->grouped || K % p.choice.groupSize == 0) &&
         (format->storage == StorageKind::i8 || K % 2 == 0) &&
         isa<FloatType>(wType.getElementType()) && toParamDType(wType.getElementType());
}

LogicalResult QuantizeParametersPass::planAWQ(ArrayRef<Planned> sites) {
  // The ops reading each weight, and the ops whose input has each source
  // (a norm's gain, or the linear layer it is multiplied with).
  llvm::StringMap<SmallVector<const Planned *>> byWeight;
  DenseMap<Operation *, const Planned *> siteOf;
  llvm::MapVector<Operation *, SmallVector<const Planned *>> bySource;
  llvm::StringMap<std::string> whyNot;
  for (const Planned &p : sites) {
    std::string key = getParameterKey(p.weight);
    byWeight[key].push_back(&p);
    siteOf[p.op] = &p;
    if (std::optional<ScaleSource> source = matchScaleSource(p.plain.lhs->get(), 1))
      bySource[source->global].push_back(&p);
    else
      whyNot.try_emplace(key, "its input is neither a normalization with a gain parameter nor "
                              "a product with a linear layer's output (scales are folded into "
                              "RMSNorm/LayerNorm gains and into up_proj's rows; an attention "
                              "output is left alone)");
  }
  for (auto &[source, group] : bySource) {
    std::string why;
    if (failed(scaleGroup(cast<ml_program::GlobalOp>(source), group, byWeight, siteOf, why)))
      return failure();
    if (!why.empty())
      for (const Planned *p : group)
        whyNot[getParameterKey(p->weight)] = why; // more specific than the above
  }
  // One remark per weight left unscaled, at its first reader.
  for (const Planned &p : sites) {
    std::string key = getParameterKey(p.weight);
    auto it = whyNot.find(key);
    if (it == whyNot.end() || columnScales.count(key) || rowScales.count(key) ||
        byWeight[key].front() != &p)
      continue;
    p.op->emitRemark() << "'" << p.name << "' not scaled by "
                       << (algorithm == "awq" ? "AWQ" : "SmoothQuant") << ": " << it->second;
  }
  return success();
}

bool QuantizeParametersPass::validateGroup(
    ml_program::GlobalOp source, ArrayRef<const Planned *> group,
    const llvm::StringMap<SmallVector<const Planned *>> &byWeight,
    const DenseMap<Operation *, const Planned *> &siteOf, std::string &why) {
  std::string sourceKey = getParameterKey(source);
  bool isGain = cast<ShapedType>(source.getType()).getRank() == 1;
  // Scaling the source changes every op that reads its elementwise op: all
  // of them must be weights of this group, quantized here, and those
  // weights must not be read through another input.
  llvm::SmallPtrSet<Operation *, 16> members;
  for (const Planned *p : group)
    members.insert(p->op);
  auto feedsGroup = [&](Operation *elementwise) {
    std::optional<ScaleSource> s =
        elementwise->getNumResults() == 1 ? matchScaleSource(elementwise->getResult(0), 1)
                                          : std::nullopt;
    return s && s->global == source &&
           llvm::all_of(elementwise->getResult(0).getUsers(),
                        [&](Operation *user) { return members.contains(user); });
  };
  std::optional<SymbolTable::UseRange> uses = SymbolTable::getSymbolUses(source, module);
  for (const SymbolTable::SymbolUse &use : *uses) {
    for (Operation *reader : use.getUser()->getUsers()) {
      bool ok;
      if (isGain) {
        ok = feedsGroup(reader);
      } else {
        // The producing matmul: quantized here, feeding only the group.
        auto it = siteOf.find(reader);
        ok = it != siteOf.end() && canQuantize(*it->second) &&
             llvm::all_of(reader->getResult(0).getUsers(), feedsGroup);
      }
      if (!ok) {
        why = "'" + sourceKey + "', which its scales would be folded into, is also read by "
              "ops that are not weight-only matmuls quantized here";
        return false;
      }
    }
  }
  for (const Planned *p : group) {
    if (!canQuantize(*p)) {
      why = "'" + p->name + "', which reads the same input, is not quantized weight-only from "
            "the parameter file";
      return false;
    }
    for (const Planned *other : byWeight.lookup(getParameterKey(p->weight)))
      if (!members.contains(other->op)) {
        why = "'" + other->name + "' reads the same weight from another input";
        return false;
      }
  }
  return true;
}

FailureOr<std::vector<QuantizeParametersPass::GroupWeight>>
QuantizeParametersPass::readGroupWeights(ArrayRef<const Planned *> group, int64_t K,
                                         std::string &why) {
  MLIRContext *ctx = &getContext();
  // The weights (first reader of each).
  std::vector<GroupWeight> weights;
  llvm::StringSet<> seen;
  for (const Planned *p : group) {
    if (!seen.insert(getParameterKey(p->weight)).second)
      continue;
    FailureOr<std::vector<float>> w = readWeight(p->weight, p->plain.transposed, p->op);
    if (failed(w))
      return failure();
    if (llvm::any_of(*w, [](float v) { return !std::isfinite(v); })) {
      why = "the weight of '" + p->name + "' has NaN or infinite values";
      return std::vector<GroupWeight>();
    }
    bool activations;
    WeightOnlyFormat format = *getWeightFormat(p->choice.scheme, activations);
    SchemeAttr scheme =
        format.grouped ? SchemeAttr::get(ctx, format.storage, 1, p->choice.groupSize, false)
                       : SchemeAttr::get(ctx, format.storage, 0, std::nullopt, false);
    int64_t n = int64_t(w->size()) / K;
    weights.push_back({p, std::move(*w), n, scheme, format.qmax});
  }
  return weights;
}

LogicalResult QuantizeParametersPass::foldScales(ml_program::GlobalOp source,
                                                 ArrayRef<const Planned *> group,
                                                 ArrayRef<GroupWeight> weights,
                                                 std::vector<double> s, StringRef summary) {
  MLIRContext *ctx = &getContext();
  std::string sourceKey = getParameterKey(source);
  bool isGain = cast<ShapedType>(source.getType()).getRank() == 1;
  bool smooth = algorithm == "smoothquant";
  int64_t K = int64_t(s.size());
  if (isGain) {
    if (failed(divideGain(source, s)))
      return failure();
  } else {
    std::vector<double> &rows = rowScales[sourceKey];
    rows.resize(K);
    for (int64_t j = 0; j < K; ++j)
      rows[j] = 1.0 / s[j];
  }
  std::string names;
  for (const GroupWeight &m : weights) {
    std::string key = getParameterKey(m.p->weight);
    columnScales[key] = s;
    scaledThrough[key] = sourceKey;
    names += (names.empty() ? "" : ", ") + m.p->name;
  }
  if (!isGain)
    scaledThrough[sourceKey] = names;
  // Static activation scales come from the smoothed ranges (range / s).
  if (smooth) {
    SmallVector<float> factors(s.begin(), s.end());
    auto attr = DenseElementsAttr::get(
        RankedTensorType::get({K}, Float32Type::get(ctx)), ArrayRef<float>(factors));
    for (const Planned *p : group)
      p->op->setAttr(kSmoothAttr, attr);
  }
  if (progress)
    llvm::errs() << (smooth ? "SmoothQuant " : "AWQ ") << sourceKey
                 << (isGain ? "" : " (rows)") << summary << " (" << names << ")\n";
  return success();
}

LogicalResult QuantizeParametersPass::scaleGroup(
    ml_program::GlobalOp source, ArrayRef<const Planned *> group,
    const llvm::StringMap<SmallVector<const Planned *>> &byWeight,
    const DenseMap<Operation *, const Planned *> &siteOf, std::string &why) {
  if (!validateGroup(source, group, byWeight, siteOf, why))
    return success();
  // AWQ shapes weight-only weights; SmoothQuant moves activation range
  // into weights whose activations are quantized too.
  bool smooth = algorithm == "smoothquant";
  for (const Planned *p : group) {
    bool activations;
    getWeightFormat(p->choice.scheme, activations);
    if (activations != smooth) {
      why = smooth ? "SmoothQuant is for schemes that quantize activations (w8a8, fp8); '" +
                         p->name + "' is weight-only"
                   : "AWQ is for weight-only schemes; '" + p->name + "' quantizes activations";
      return success();
    }
  }
  // The statistics of the shared input (any reader's observer name): the
  // second moment for AWQ, per-channel ranges for SmoothQuant.
  auto firstType =
      cast<RankedTensorType>(ml_program::GlobalOp(group.front()->weight).getType());
  int64_t K = firstType.getDimSize(group.front()->plain.transposed ? 0 : 1);
  const ObserverStats *stats = nullptr;
  for (const Planned *p : group) {
    const ObserverStats *found = findInputStats(*moments, p->name);
    if (found && (smooth ? found->channelMax.size() == size_t(K)
                         : found->secondMoment.size() == size_t(K * K))) {
      stats = found;
      break;
    }
  }
  if (!stats) {
    why = smooth ? "no per-channel statistics of its input"
                 : "no second moment of its input in the statistics (quant-calibrate "
                   "--second-moments)";
    return success();
  }

  FailureOr<std::vector<GroupWeight>> read = readGroupWeights(group, K, why);
  if (failed(read))
    return failure();
  if (read->empty())
    return success(); // `why` says
  std::vector<GroupWeight> &weights = *read;
  std::vector<double> s;
  std::string summary;
  if (smooth) {
    // max |W[:, j]| over the group's weights.
    std::vector<double> wMax(K, 0.0);
    for (const GroupWeight &m : weights)
      for (int64_t n = 0; n < m.n; ++n)
        for (int64_t j = 0; j < K; ++j)
          wMax[j] = std::max(wMax[j], double(std::fabs(m.w[n * K + j])));
    s.resize(K);
    for (int64_t j = 0; j < K; ++j)
      s[j] = smoothQuantFactor(std::max(-stats->channelMin[j], stats->channelMax[j]), wMax[j],
                               alpha);
    summary = llvm::formatv(": alpha {0:f2}", double(alpha)).str();
  } else if (failed(searchAWQScales(stats->secondMoment, weights, K, s, summary))) {
    why = "no scaling beats round-to-nearest on the calibration data";
    return success();
  }

  if (!smooth)
    for (const GroupWeight &m : weights)
      groupMoments[getParameterKey(m.p->weight)] = &stats->secondMoment;
  return foldScales(source, group, weights, std::move(s), summary);
}

LogicalResult QuantizeParametersPass::searchAWQScales(ArrayRef<double> moment,
                                                      ArrayRef<GroupWeight> weights, int64_t K,
                                                      std::vector<double> &s,
                                                      std::string &summary) {
  MLIRContext *ctx = &getContext();
  std::vector<double> rms(K);
  for (int64_t j = 0; j < K; ++j)
    rms[j] = std::sqrt(std::max(moment[j * K + j], 0.0));
  auto errorOf = [&](ArrayRef<double> scales) {
    double total = 0;
    for (const GroupWeight &m : weights) {
      // Evaluate about 2^30 multiply-adds per weight: every row of small
      // weights, an even sample of the rows of large ones.
      int64_t step = std::max<int64_t>(1, (m.n * K * K) >> 30);
      total += scaledQuantizationError(ctx, m.scheme, m.qmax, m.w, m.n, K, scales, moment, step);
    }
    return total;
  };
  double bestAlpha = 0, rtnError = errorOf(std::vector<double>(K, 1.0)), bestError = rtnError;
  for (int64_t step = 1; step <= grid; ++step) {
    double a = double(step) / double(grid);
    double err = errorOf(awqScales(rms, a));
    if (err < bestError) {
      bestError = err;
      bestAlpha = a;
    }
  }
  if (bestAlpha == 0)
    return failure();
  s = awqScales(rms, bestAlpha);
  summary = llvm::formatv(": alpha {0:f2}, output error x{1:f3} of RTN", bestAlpha,
                          bestError / rtnError)
                .str();
  return success();
}

LogicalResult QuantizeParametersPass::divideGain(ml_program::GlobalOp gain,
                                                 std::vector<double> &s) {
  // The new gain g / s is stored in the gain's own type; the weights are
  // scaled by the old gain over the stored new one, so the product is
  // unchanged exactly. A zero gain keeps its channel unscaled.
  std::string key = getParameterKey(gain);
  auto type = cast<RankedTensorType>(gain.getType());
  auto fType = cast<FloatType>(type.getElementType());
  auto tensor = input->lookup(key, *toParamDType(fType), type.getShape());
  if (!tensor) {
    gain.emitError() << llvm::toString(tensor.takeError());
    return failure();
  }
  unsigned bytes = fType.getWidth() / 8;
  std::vector<uint8_t> stored(s.size() * bytes);
  for (size_t j = 0; j < s.size(); ++j) {
    double g = (*tensor)->getAsFloat(j);
    bool lost;
    APFloat v(g / s[j]);
    v.convert(fType.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    double kept = v.convertToDouble();
    if (g == 0 || kept == 0 || !std::isfinite(kept)) {
      v = APFloat(g);
      v.convert(fType.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      s[j] = 1.0;
    } else {
      s[j] = g / kept;
    }
    APInt bits = v.bitcastToAPInt();
    for (unsigned b = 0; b < bytes; ++b)
      stored[j * bytes + b] = uint8_t(bits.extractBitsAsZExtValue(8, 8 * b));
  }
  input->release(**tensor);
  replacedParameters[key] = std::move(stored);
  return success();
}

LogicalResult QuantizeParametersPass::openFiles() {
  std::string inputPath = params;
  if (inputPath.empty())
    if (auto attr = module->getAttrOfType<StringAttr>(kParameterFileAttr))
      inputPath = attr.str();
  if (inputPath.empty() || output.empty())
    return mlir::emitError(module.getLoc()) << "the model's weights are in a parameter file: give "
                                 "the input (params=FILE, or the module's "
                              << kParameterFileAttr << " attribute) and output=FILE";
  auto opened = params::ParameterSet::open(inputPath);
  if (!opened)
    return mlir::emitError(module.getLoc()) << llvm::toString(opened.takeError());
  input = std::move(*opened);
  auto created = params::SafetensorsWriter::create(output);
  if (!created)
    return mlir::emitError(module.getLoc()) << llvm::toString(created.takeError());
  writer = std::move(*created);
  return success();
}

LogicalResult QuantizeParametersPass::loadAlgorithmInputs() {
  if (algorithm != "rtn" && algorithm != "gptq" && algorithm != "awq" &&
      algorithm != "smoothquant")
    return mlir::emitError(module.getLoc()) << "unknown algorithm '" << algorithm
                              << "' for parameter weights; expected rtn, gptq, awq or "
                                 "smoothquant";
  if (algorithm == "awq" && grid < 1)
    return mlir::emitError(module.getLoc()) << "grid must be at least 1, got " << int64_t(grid);
  if (algorithm == "smoothquant" && !(alpha >= 0 && alpha <= 1))
    return mlir::emitError(module.getLoc()) << "alpha must be in [0, 1], got " << double(alpha);
  if (algorithm == "smoothquant" && stats.empty())
    return mlir::emitError(module.getLoc()) << "SmoothQuant needs calibration statistics: pass stats=FILE "
                                 "from quant-calibrate";
  if (algorithm != "rtn") {
    FailureOr<llvm::StringMap<ObserverStats>> loaded =
        algorithm == "smoothquant"
            ? loadStatsByName(module, stats)
            : loadSecondMomentStats(module, stats, algorithm == "gptq" ? "GPTQ" : "AWQ");
    if (failed(loaded))
      return failure();
    moments = std::make_shared<llvm::StringMap<ObserverStats>>(std::move(*loaded));
  }
  if (!lora.empty()) {
    auto adapter = LoRAAdapter::open(lora);
    if (!adapter)
      return mlir::emitError(module.getLoc()) << llvm::toString(adapter.takeError());
    loraAdapter = std::move(*adapter);
  }
  return success();
}

FailureOr<std::vector<QuantizeParametersPass::Planned>>
QuantizeParametersPass::planSites(const Recipe &rules) {
  std::vector<Planned> planned;
  for (const MatmulSite &site : collectMatmulSites(module)) {
    auto op = cast<linalg::LinalgOp>(site.op);
    if (op.getNumDpsInputs() < 2 || !getLoadedParameter(op.getDpsInputOperand(1)->get()))
      continue;
    OpSite opSite{site.op->getName().getStringRef(), site.function, site.name, site.index,
                  site.count};
    Planned p{op, site.name, rules.choose(opSite), {}, {}};
    if (FailureOr<PlainMatmul> plain = matchPlainMatmul(op); succeeded(plain)) {
      p.plain = *plain;
      p.weight = getLoadedParameter(plain->rhs->get());
    }
    planned.push_back(std::move(p));
  }
  if (loraAdapter)
    for (const std::string &name : loraAdapter->layerNames())
      if (llvm::none_of(planned, [&](const Planned &p) {
            return p.weight && getParameterKey(p.weight) == name + ".weight";
          }))
        return mlir::emitError(module.getLoc()) << loraAdapter->path << ": adapter layer '" << name
                                  << "' matches no matmul whose weight is the parameter '"
                                  << name << ".weight'";
  return planned;
}

LogicalResult QuantizeParametersPass::copyRemainingParameters() {
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
    if (loraAdapter && loraAdapter->find(key))
      return global.emitError() << "'" << key << "' has a LoRA adapter but is not quantized "
                                   "from the parameter file, so the adapter cannot be merged "
                                   "into it (apply it unmerged: --quantx-apply-lora, or "
                                   "--quantx-ptq lora-merge=false)";
    auto type = cast<RankedTensorType>(global.getType());
    std::optional<DType> dtype = toParamDType(type.getElementType());
    auto tensor = dtype ? input->lookup(key, *dtype, type.getShape()) : input->lookup(key);
    if (!tensor)
      return global.emitError() << llvm::toString(tensor.takeError());
    ArrayRef<uint8_t> bytes((*tensor)->data, (*tensor)->size);
    if (auto it = replacedParameters.find(key); it != replacedParameters.end())
      bytes = it->second; // a gain AWQ or SmoothQuant divided
    if (llvm::Error err = writer->add(key, (*tensor)->dtype, (*tensor)->shape, bytes))
      return global.emitError() << llvm::toString(std::move(err));
    input->release(**tensor);
    written[key] = global;
    ++numCopied;
  }
  return success();
}

void QuantizeParametersPass::runOnOperation() {
  module = getOperation();
  if (llvm::none_of(module.getOps<ml_program::GlobalOp>(),
                    [](ml_program::GlobalOp g) { return isParameterGlobal(g); }))
    return; // nothing here reads a parameter file
  if (failed(openFiles()) || failed(loadAlgorithmInputs()))
    return signalPassFailure();
  auto rules = Recipe::fromOptions(recipe, scheme, groupSize, skipFirst, skipLast);
  if (!rules) {
    mlir::emitError(module.getLoc()) << llvm::toString(rules.takeError());
    return signalPassFailure();
  }
  FailureOr<std::vector<Planned>> planned = planSites(*rules);
  if (failed(planned))
    return signalPassFailure();
  total = planned->size();
  if (algorithm == "awq" || algorithm == "smoothquant") {
    SmallVector<Planned> scalable;
    for (const Planned &p : *planned)
      if (p.weight)
        scalable.push_back(p);
    if (failed(planAWQ(scalable)))
      return signalPassFailure();
  }
  for (const Planned &p : *planned) {
    ++index;
    if (p.choice.scheme == QuantScheme::Float)
      continue;
    bool done = false;
    if (failed(quantizeOp(p.op, p.name, p.choice, done)))
      return signalPassFailure();
  }
  // The output is the model's parameter file from now on: parameters still
  // read in their original form are copied into it; unread ones go away.
  if (failed(copyRemainingParameters()))
    return signalPassFailure();
  writer->setMetadata("format", "quantx");
  if (llvm::Error err = writer->finish()) {
    mlir::emitError(module.getLoc()) << llvm::toString(std::move(err));
    return signalPassFailure();
  }
  module->setAttr(kParameterFileAttr, StringAttr::get(&getContext(), output));
}
} // namespace
