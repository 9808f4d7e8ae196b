//===- Statistics.cpp - calibration statistics and scale methods ----------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Calibration/Statistics.h"

#include "QuantOpt/Params/Safetensors.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include <cstring>

#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir::quantx;
using llvm::StringRef;

static llvm::Error statsError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

//===----------------------------------------------------------------------===//
// Collection
//===----------------------------------------------------------------------===//

double ObserverStats::absMax() const {
  return std::max(std::fabs(min), std::fabs(max));
}

void ObserverStats::addRange(double v, int64_t channel) {
  // Non-finite values carry no range information (and cannot be written to
  // JSON); they are counted apart.
  if (!std::isfinite(v)) {
    ++nonFinite;
    return;
  }
  if (count == 0) {
    min = max = v;
  } else {
    min = std::min(min, v);
    max = std::max(max, v);
  }
  ++count;
  if (channel < 0)
    return;
  if (channel >= int64_t(channelMin.size())) {
    channelMin.resize(channel + 1, std::numeric_limits<double>::infinity());
    channelMax.resize(channel + 1, -std::numeric_limits<double>::infinity());
  }
  channelMin[channel] = std::min(channelMin[channel], v);
  channelMax[channel] = std::max(channelMax[channel], v);
}

void ObserverStats::startHistogram() {
  histLimit = absMax();
  if (!(histLimit > 0) || !std::isfinite(histLimit))
    histLimit = histLimit > 0 ? std::numeric_limits<double>::max() / 4 : 1.0;
  histogram.assign(kBins, 0);
}

void ObserverStats::addChannelVector(llvm::ArrayRef<double> x) {
  size_t c = x.size();
  if (secondMoment.empty())
    secondMoment.assign(c * c, 0.0);
  if (secondMoment.size() != c * c)
    return;
  for (size_t i = 0; i < c; ++i) {
    if (!std::isfinite(x[i]) || x[i] == 0)
      continue;
    for (size_t j = 0; j < c; ++j)
      if (std::isfinite(x[j]))
        secondMoment[i * c + j] += x[i] * x[j];
  }
  ++secondMomentRows;
}

void ObserverStats::finishSecondMoment() {
  if (secondMomentRows)
    for (double &v : secondMoment)
      v /= double(secondMomentRows);
}

void ObserverStats::addToHistogram(double v) {
  if (!std::isfinite(v) || histogram.empty())
    return;
  double pos = (v + histLimit) / (2 * histLimit) * kBins;
  int64_t bin = std::clamp<int64_t>(int64_t(std::floor(pos)), 0, kBins - 1);
  ++histogram[bin];
}

//===----------------------------------------------------------------------===//
// Scale methods
//===----------------------------------------------------------------------===//

std::optional<ScaleMethod> mlir::quantx::parseScaleMethod(StringRef name) {
  if (name == "minmax") return ScaleMethod::MinMax;
  if (name == "percentile") return ScaleMethod::Percentile;
  if (name == "mse") return ScaleMethod::MSE;
  if (name == "entropy") return ScaleMethod::Entropy;
  return std::nullopt;
}

StringRef mlir::quantx::stringifyScaleMethod(ScaleMethod method) {
  switch (method) {
  case ScaleMethod::MinMax: return "minmax";
  case ScaleMethod::Percentile: return "percentile";
  case ScaleMethod::MSE: return "mse";
  case ScaleMethod::Entropy: return "entropy";
  }
  return "";
}

/// Largest positive code of a symmetric grid (127 for i8, 7 for i4).
static int64_t symmetricMax(const QuantGrid &grid) {
  return grid.qmin < 0 ? std::min(grid.qmax, -grid.qmin) : (grid.qmax - grid.qmin) / 2;
}

/// Smallest scale we produce: keeps scales positive for all-zero tensors.
static constexpr double kMinScale = 1.1920928955078125e-07;

QuantChoice mlir::quantx::paramsForRange(double lo, double hi,
                                         const QuantGrid &grid) {
  QuantChoice c;
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  if (grid.symmetric) {
    double a = std::max(-lo, hi);
    c.lo = -a;
    c.hi = a;
    c.scale = std::max(a / double(symmetricMax(grid)), kMinScale);
    // Unsigned storage with a symmetric range centres zero on the grid.
    c.zeroPoint = grid.qmin < 0 ? 0 : (grid.qmin + grid.qmax + 1) / 2;
    return c;
  }
  c.lo = lo;
  c.hi = hi;
  c.scale = std::max((hi - lo) / double(grid.qmax - grid.qmin), kMinScale);
  double zp = double(grid.qmin) - std::nearbyint(lo / c.scale);
  c.zeroPoint = int64_t(std::clamp(zp, double(grid.qmin), double(grid.qmax)));
  return c;
}

namespace {
/// A histogram of |x| (the symmetric histogram folded at 0) or the signed
/// histogram, with bin centres.
struct Histogram {
  std::vector<double> counts;
  double start = 0, width = 1;
  double center(size_t i) const { return start + (i + 0.5) * width; }
  double total() const {
    double t = 0;
    for (double c : counts)
      t += c;
    return t;
  }
};
} // namespace

static Histogram foldedAbs(const ObserverStats &s) {
  Histogram h;
  size_t half = s.histogram.size() / 2;
  h.counts.assign(half, 0);
  for (size_t i = 0; i < half; ++i)
    h.counts[i] = double(s.histogram[half + i]) + double(s.histogram[half - 1 - i]);
  h.start = 0;
  h.width = s.histLimit / double(half);
  return h;
}

static Histogram signedHist(const ObserverStats &s) {
  Histogram h;
  h.counts.assign(s.histogram.begin(), s.histogram.end());
  h.start = -s.histLimit;
  h.width = 2 * s.histLimit / double(s.histogram.size());
  return h;
}

/// The value below which `fraction` of the mass lies, interpolating inside
/// the bin that crosses it.
static double quantile(const Histogram &h, double fraction) {
  double target = fraction * h.total(), cum = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    if (cum + h.counts[i] >= target && h.counts[i] > 0) {
      double within = (target - cum) / h.counts[i];
      return h.start + (i + within) * h.width;
    }
    cum += h.counts[i];
  }
  return h.start + h.counts.size() * h.width;
}

/// Expected squared error of quantizing the histogram's mass with `c`.
static double quantError(const Histogram &h, const QuantChoice &c,
                         const QuantGrid &grid) {
  double err = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    if (h.counts[i] == 0)
      continue;
    double x = h.center(i);
    double q = std::clamp(std::nearbyint(x / c.scale) + c.zeroPoint,
                          double(grid.qmin), double(grid.qmax));
    double d = x - (q - c.zeroPoint) * c.scale;
    err += h.counts[i] * d * d;
  }
  return err;
}

/// MSE-optimal clipping: the fraction f of the observed range that
/// minimizes the histogram's quantization error (searched on 512 steps).
static QuantChoice chooseMSE(const ObserverStats &s, const QuantGrid &grid) {
  Histogram h = grid.symmetric ? foldedAbs(s) : signedHist(s);
  QuantChoice best = paramsForRange(s.min, s.max, grid);
  double bestErr = quantError(h, best, grid);
  constexpr int kSteps = 512;
  for (int k = 1; k < kSteps; ++k) {
    double f = double(k) / kSteps;
    QuantChoice c = paramsForRange(s.min * f, s.max * f, grid);
    double err = quantError(h, c, grid);
    if (err < bestErr) {
      bestErr = err;
      best = c;
    }
  }
  return best;
}

/// TensorRT's entropy calibration on the |x| histogram: the threshold whose
/// quantized distribution (with the clipped mass folded into the last bin)
/// is closest to the observed one in KL divergence.
static double entropyThreshold(const ObserverStats &s, const QuantGrid &grid) {
  Histogram h = foldedAbs(s);
  size_t bins = h.counts.size();
  size_t levels = size_t(symmetricMax(grid)) + 1;
  double bestKL = std::numeric_limits<double>::infinity();
  size_t bestI = bins;
  std::vector<double> p, q;
  for (size_t i = levels; i <= bins; ++i) {
    p.assign(h.counts.begin(), h.counts.begin() + i);
    double outliers = 0;
    for (size_t j = i; j < bins; ++j)
      outliers += h.counts[j];
    p[i - 1] += outliers;
    // Merge the i bins into `levels` groups and spread each group's mass
    // evenly over its non-empty bins.
    q.assign(i, 0);
    size_t per = i / levels;
    for (size_t g = 0; g < levels; ++g) {
      size_t begin = g * per, end = g + 1 == levels ? i : begin + per;
      double mass = 0;
      size_t nonzero = 0;
      for (size_t j = begin; j < end; ++j) {
        mass += h.counts[j];
        nonzero += h.counts[j] > 0;
      }
      for (size_t j = begin; j < end; ++j)
        if (h.counts[j] > 0)
          q[j] = mass / double(nonzero);
    }
    double pSum = 0, qSum = 0;
    for (size_t j = 0; j < i; ++j) {
      pSum += p[j];
      qSum += q[j];
    }
    if (pSum == 0 || qSum == 0)
      continue;
    double kl = 0;
    for (size_t j = 0; j < i; ++j) {
      if (p[j] == 0)
        continue;
      double pj = p[j] / pSum;
      // Bins that only received outlier mass have no quantized mass; a small
      // floor keeps the divergence finite, as TensorRT's smoothing does.
      double qj = std::max(q[j] / qSum, 1e-12);
      kl += pj * std::log(pj / qj);
    }
    if (kl < bestKL) {
      bestKL = kl;
      bestI = i;
    }
  }
  return (double(bestI) + 0.5) * h.width;
}

llvm::Expected<QuantChoice>
mlir::quantx::chooseQuantParams(const ObserverStats &s, ScaleMethod method,
                                const QuantGrid &grid, double percentile) {
  if (s.count == 0)
    return statsError("observer '" + s.name + "' saw no values");
  if (method != ScaleMethod::MinMax && s.histogram.empty())
    return statsError("observer '" + s.name + "' has no histogram; " +
                      stringifyScaleMethod(method) + " needs one");
  switch (method) {
  case ScaleMethod::MinMax:
    return paramsForRange(s.min, s.max, grid);
  case ScaleMethod::Percentile: {
    if (!(percentile > 0 && percentile <= 100))
      return statsError("percentile must be in (0, 100], got " +
                        llvm::Twine(std::to_string(percentile)));
    double f = percentile / 100;
    if (grid.symmetric) {
      double t = std::min(quantile(foldedAbs(s), f), s.absMax());
      return paramsForRange(-t, t, grid);
    }
    Histogram h = signedHist(s);
    double lo = std::max(quantile(h, 1 - f), s.min);
    double hi = std::min(quantile(h, f), s.max);
    return paramsForRange(lo, hi, grid);
  }
  case ScaleMethod::MSE:
    return chooseMSE(s, grid);
  case ScaleMethod::Entropy: {
    double t = std::min(entropyThreshold(s, grid), s.absMax());
    if (grid.symmetric)
      return paramsForRange(-t, t, grid);
    return paramsForRange(std::max(s.min, -t), std::min(s.max, t), grid);
  }
  }
  return statsError("unknown scale method");
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

llvm::json::Value mlir::quantx::toJSON(const std::vector<ObserverStats> &stats,
                                       uint64_t samples, bool secondMomentValues,
                                       const ObserverAliases &aliases) {
  llvm::json::Array observers;
  for (const ObserverStats &s : stats) {
    llvm::json::Object o{{"name", s.name},
                         {"count", int64_t(s.count)},
                         {"min", s.min},
                         {"max", s.max}};
    o["axis"] = s.axis ? llvm::json::Value(*s.axis) : llvm::json::Value(nullptr);
    if (s.axis) {
      o["channel_min"] = llvm::json::Array(s.channelMin);
      o["channel_max"] = llvm::json::Array(s.channelMax);
    }
    if (!s.secondMoment.empty()) {
      llvm::json::Object m{{"rows", int64_t(s.secondMomentRows)}};
      if (secondMomentValues)
        m["values"] = llvm::json::Array(s.secondMoment);
      else
        m["tensor"] = s.name + ".second_moment";
      o["second_moment"] = std::move(m);
    }
    if (!s.histogram.empty()) {
      llvm::json::Array counts;
      for (uint64_t c : s.histogram)
        counts.push_back(int64_t(c));
      o["histogram"] = llvm::json::Object{{"limit", s.histLimit},
                                          {"bins", int64_t(s.histogram.size())},
                                          {"counts", std::move(counts)}};
    }
    observers.push_back(std::move(o));
  }
  llvm::json::Object root{{"format", "quant-opt-calibration"},
                          {"version", 1},
                          {"samples", int64_t(samples)},
                          {"observers", std::move(observers)}};
  if (!aliases.empty()) {
    llvm::json::Object a;
    for (const auto &[alias, canonical] : aliases)
      a[alias] = canonical;
    root["aliases"] = std::move(a);
  }
  return root;
}

llvm::Error mlir::quantx::writeStatsFile(StringRef path,
                                         const std::vector<ObserverStats> &stats,
                                         uint64_t samples, const ObserverAliases &aliases) {
  if (!path.ends_with(".safetensors")) {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec)
      return statsError(path + ": " + ec.message());
    os << llvm::formatv("{0:2}", toJSON(stats, samples, true, aliases)) << "\n";
    return llvm::Error::success();
  }
  auto writer = params::SafetensorsWriter::create(path);
  if (!writer)
    return writer.takeError();
  for (const ObserverStats &s : stats) {
    if (s.secondMoment.empty())
      continue;
    int64_t c = int64_t(s.channelMax.size());
    llvm::ArrayRef<uint8_t> bytes(reinterpret_cast<const uint8_t *>(s.secondMoment.data()),
                                  s.secondMoment.size() * sizeof(double));
    if (llvm::Error err = (*writer)->add(s.name + ".second_moment", params::DType::F64,
                                         {c, c}, bytes))
      return err;
  }
  std::string text;
  llvm::raw_string_ostream(text) << toJSON(stats, samples, /*secondMomentValues=*/false,
                                          aliases);
  (*writer)->setMetadata("quant-opt-calibration", text);
  return (*writer)->finish();
}

llvm::Expected<std::vector<ObserverStats>>
mlir::quantx::readStatsFile(StringRef path) {
  // Binary statistics: the JSON in the metadata, second moments as tensors.
  std::unique_ptr<params::SafetensorsFile> binary;
  std::string text;
  if (path.ends_with(".safetensors")) {
    auto file = params::SafetensorsFile::open(path);
    if (!file)
      return file.takeError();
    binary = std::move(*file);
    auto it = binary->getMetadata().find("quant-opt-calibration");
    if (it == binary->getMetadata().end())
      return statsError(path + ": not a quant-opt calibration file (no "
                               "\"quant-opt-calibration\" metadata)");
    text = it->second;
  } else {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
    if (!buffer)
      return statsError(path + ": " + buffer.getError().message());
    text = (*buffer)->getBuffer().str();
  }
  auto json = llvm::json::parse(text);
  if (!json)
    return statsError(path + ": " + llvm::toString(json.takeError()));
  auto fail = [&](const llvm::Twine &msg) {
    return statsError(path + ": " + msg);
  };
  const llvm::json::Object *root = json->getAsObject();
  if (!root || root->getString("format") != StringRef("quant-opt-calibration"))
    return fail("not a quant-opt calibration file (expected \"format\": "
                "\"quant-opt-calibration\")");
  const llvm::json::Array *observers = root->getArray("observers");
  if (!observers)
    return fail("missing \"observers\" array");
  std::vector<ObserverStats> result;
  for (const llvm::json::Value &v : *observers) {
    const llvm::json::Object *o = v.getAsObject();
    ObserverStats s;
    if (!o || !o->getString("name") || !o->getNumber("min") ||
        !o->getNumber("max") || !o->getInteger("count"))
      return fail("each observer needs \"name\", \"count\", \"min\" and \"max\"");
    s.name = o->getString("name")->str();
    int64_t count = *o->getInteger("count");
    s.min = *o->getNumber("min");
    s.max = *o->getNumber("max");
    if (count < 0 || !std::isfinite(s.min) || !std::isfinite(s.max) ||
        (count > 0 && s.min > s.max))
      return fail("observer '" + s.name +
                  "': count must be >= 0 and min <= max, both finite");
    s.count = uint64_t(count);
    for (const ObserverStats &prev : result)
      if (prev.name == s.name)
        return fail("observer '" + s.name + "' appears twice");
    if (std::optional<int64_t> axis = o->getInteger("axis"))
      s.axis = *axis;
    for (auto [key, out] : {std::make_pair("channel_min", &s.channelMin),
                            std::make_pair("channel_max", &s.channelMax)})
      if (const llvm::json::Array *a = o->getArray(key))
        for (const llvm::json::Value &x : *a) {
          std::optional<double> d = x.getAsNumber();
          if (!d || !std::isfinite(*d))
            return fail("observer '" + s.name + "': " + key +
                        " must hold finite numbers");
          out->push_back(*d);
        }
    if (s.channelMin.size() != s.channelMax.size())
      return fail("observer '" + s.name +
                  "': channel_min and channel_max differ in length");
    if (const llvm::json::Object *m = o->getObject("second_moment")) {
      const llvm::json::Array *values = m->getArray("values");
      std::optional<StringRef> tensorName = m->getString("tensor");
      size_t c = s.channelMax.size();
      if (!m->getInteger("rows"))
        return fail("observer '" + s.name + "': second_moment needs \"rows\"");
      s.secondMomentRows = uint64_t(std::max<int64_t>(0, *m->getInteger("rows")));
      if (binary && tensorName) {
        const params::TensorView *t = binary->lookup(*tensorName);
        if (!t || t->dtype != params::DType::F64 || t->shape.size() != 2 ||
            uint64_t(t->shape[0]) != c || uint64_t(t->shape[1]) != c)
          return fail("observer '" + s.name + "': second_moment tensor '" + *tensorName +
                      "' is missing or not F64 [" + llvm::Twine(c) + ", " + llvm::Twine(c) +
                      "]");
        s.secondMoment.resize(c * c);
        std::memcpy(s.secondMoment.data(), t->data, t->size);
        for (double d : s.secondMoment)
          if (!std::isfinite(d))
            return fail("observer '" + s.name + "': second_moment must hold finite numbers");
      } else {
        if (c == 0)
          return fail("observer '" + s.name +
                      "': second_moment needs per-channel statistics (\"axis\": 1 with "
                      "\"channel_min\" and \"channel_max\")");
        if (!values || values->size() != c * c)
          return fail("observer '" + s.name + "': second_moment needs \"rows\" and " +
                      llvm::Twine(c * c) + " \"values\" (channels squared)");
        for (const llvm::json::Value &x : *values) {
          std::optional<double> d = x.getAsNumber();
          if (!d || !std::isfinite(*d))
            return fail("observer '" + s.name +
                        "': second_moment must hold finite numbers");
          s.secondMoment.push_back(*d);
        }
      }
    }
    if (const llvm::json::Object *h = o->getObject("histogram")) {
      const llvm::json::Array *counts = h->getArray("counts");
      if (!h->getNumber("limit") || !counts ||
          int64_t(counts->size()) != ObserverStats::kBins)
        return fail("observer '" + s.name + "': histogram needs \"limit\" and " +
                    llvm::Twine(ObserverStats::kBins) + " \"counts\"");
      s.histLimit = *h->getNumber("limit");
      if (!(s.histLimit > 0) || !std::isfinite(s.histLimit) ||
          s.histLimit < s.absMax())
        return fail("observer '" + s.name +
                    "': histogram limit must be positive, finite and at least "
                    "max(|min|, |max|)");
      for (const llvm::json::Value &c : *counts) {
        std::optional<int64_t> n = c.getAsInteger();
        if (!n || *n < 0)
          return fail("observer '" + s.name +
                      "': histogram counts must be non-negative integers");
        s.histogram.push_back(uint64_t(*n));
      }
    }
    result.push_back(std::move(s));
  }
  if (const llvm::json::Object *aliases = root->getObject("aliases"))
    for (const auto &kv : *aliases) {
      std::optional<StringRef> target = kv.second.getAsString();
      auto it = llvm::find_if(result, [&](const ObserverStats &s) {
        return target && s.name == *target;
      });
      if (it == result.end())
        return fail("alias '" + StringRef(kv.first) + "' names no observer");
      ObserverStats copy = *it;
      copy.name = kv.first.str();
      result.push_back(std::move(copy));
    }
  return result;
}
