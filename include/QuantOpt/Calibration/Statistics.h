//===- Statistics.h - calibration statistics and scale methods -*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What calibration records for each observer (min, max, per-channel ranges,
// a histogram) and the methods that turn those statistics into a clipping
// range and a scale: min-max, percentile, MSE-optimal clipping and entropy
// (KL divergence, as TensorRT's calibrator).
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_CALIBRATION_STATISTICS_H
#define QUANTOPT_CALIBRATION_STATISTICS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::quantx {

/// Statistics of the values one observer saw.
struct ObserverStats {
  /// Bins of the histogram, which spans [-limit, limit] symmetrically so that
  /// it folds exactly into a histogram of |x|.
  static constexpr int64_t kBins = 4096;

  std::string name;
  /// Channel axis for per-channel statistics, if any.
  std::optional<int64_t> axis;
  uint64_t count = 0;
  /// NaN and infinite values seen (not part of the statistics).
  uint64_t nonFinite = 0;
  double min = 0, max = 0;
  std::vector<double> channelMin, channelMax;
  /// Histogram over [-histLimit, histLimit]; empty until the second pass.
  double histLimit = 0;
  std::vector<uint64_t> histogram;
  /// Optional (quant-calibrate --second-moments), per-channel observers
  /// only: the mean outer product E[x x^T] of the channel vectors x (one per
  /// position of the other dimensions), row-major C x C, and how many
  /// vectors it averages. GPTQ's Hessian is 2 * rows * this.
  std::vector<double> secondMoment;
  uint64_t secondMomentRows = 0;

  double absMax() const;
  /// Adds one value to the range statistics (first pass).
  void addRange(double v, int64_t channel);
  /// Adds one value to the histogram (second pass).
  void addToHistogram(double v);
  /// Sets up the histogram from the range seen in the first pass.
  void startHistogram();
  /// Adds one channel vector to the second moment (summed; call
  /// finishSecondMoment once at the end to average).
  void addChannelVector(llvm::ArrayRef<double> x);
  void finishSecondMoment();
};

/// How a clipping range is chosen from statistics.
enum class ScaleMethod { MinMax, Percentile, MSE, Entropy };

std::optional<ScaleMethod> parseScaleMethod(llvm::StringRef name);
llvm::StringRef stringifyScaleMethod(ScaleMethod method);

/// An integer quantization grid: codes [qmin, qmax], symmetric or not.
struct QuantGrid {
  int64_t qmin = -128, qmax = 127;
  bool symmetric = true;
};

/// Quantization parameters chosen for one tensor.
struct QuantChoice {
  /// The clipping range [lo, hi] (lo = -hi when symmetric).
  double lo = 0, hi = 0;
  double scale = 1;
  int64_t zeroPoint = 0;
};

/// Chooses the clipping range with `method` (`percentile` in (0, 100] for
/// ScaleMethod::Percentile) and derives scale and zero point for `grid`.
/// Percentile, MSE and entropy need the histogram; all methods need count > 0.
llvm::Expected<QuantChoice> chooseQuantParams(const ObserverStats &stats,
                                              ScaleMethod method,
                                              const QuantGrid &grid,
                                              double percentile = 99.99);

/// Scale and zero point for a given clipping range (the range is widened
/// to contain 0, as every framework does, so that 0 is exact).
QuantChoice paramsForRange(double lo, double hi, const QuantGrid &grid);

/// JSON (de)serialization of a statistics file. Without
/// `secondMomentValues`, second moments name a tensor instead of listing
/// their values (the binary format).
/// `aliases` maps observer names that share another observer's statistics
/// to that observer's name (written as "aliases").
using ObserverAliases = std::vector<std::pair<std::string, std::string>>;
llvm::json::Value toJSON(const std::vector<ObserverStats> &stats,
                         uint64_t samples, bool secondMomentValues = true,
                         const ObserverAliases &aliases = {});
/// Writes `stats` to `path`: JSON, or for a `.safetensors` path the same
/// JSON as the file's "quant-opt-calibration" metadata with every second
/// moment as an F64 [C, C] tensor `<observer>.second_moment` (what
/// C x C matrices of LLM-sized layers need).
llvm::Error writeStatsFile(llvm::StringRef path, const std::vector<ObserverStats> &stats,
                           uint64_t samples, const ObserverAliases &aliases = {});
/// Reads either format. Aliased observers come back as copies of the
/// observer they alias, under their own names.
llvm::Expected<std::vector<ObserverStats>> readStatsFile(llvm::StringRef path);

} // namespace mlir::quantx

#endif // QUANTOPT_CALIBRATION_STATISTICS_H
