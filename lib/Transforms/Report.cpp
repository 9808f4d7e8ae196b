//===- Report.cpp - scheme, size and error of each matmul-like op ---------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Report.h"

#include "QuantOpt/Transforms/Passes.h"

#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"
#include "QuantOpt/Transforms/Utils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cmath>

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXREPORT
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

using Row = ReportRow;

std::string schemeLabel(SchemeAttr s) {
  std::string label;
  llvm::raw_string_ostream os(label);
  os << stringifyStorageKind(s.getStorage());
  if (s.isPerChannel())
    os << "/channel";
  if (s.isGrouped())
    os << "/g" << *s.getGroupSize();
  return label;
}

std::string shapeLabel(ShapedType t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(
      t.getShape(), os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << '?';
        else
          os << d;
      },
      "x");
  return s;
}

int64_t numElements(Type t) {
  auto shaped = dyn_cast<ShapedType>(t);
  return shaped && shaped.hasStaticShape() ? shaped.getNumElements() : 0;
}

int64_t bytesOf(Value v) {
  if (!v)
    return 0;
  auto t = cast<ShapedType>(v.getType());
  return (numElements(t) * t.getElementTypeBitWidth() + 7) / 8;
}

/// Stored size of a scale or zero point: double-quantized scales count
/// their 8-bit codes and their own scales.
int64_t paramBytes(Value v) {
  if (auto dq = v ? v.getDefiningOp<DequantizeOp>() : DequantizeOp())
    return bytesOf(dq.getInput()) + bytesOf(dq.getScale()) +
           bytesOf(dq.getZeroPoint());
  return bytesOf(v);
}

/// Flat index of the parameter of element `idx` (row-major multi-index).
int64_t paramSlot(SchemeAttr s, ArrayRef<int64_t> shape, ArrayRef<int64_t> idx) {
  if (s.isPerTensor())
    return 0;
  int64_t axis = *s.getAxis();
  if (s.isPerChannel())
    return idx[axis];
  int64_t slot = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t extent = int64_t(d) == axis ? shape[d] / *s.getGroupSize() : shape[d];
    int64_t i = int64_t(d) == axis ? idx[d] / *s.getGroupSize() : idx[d];
    slot = slot * extent + i;
  }
  return slot;
}

/// Fills size and error columns for a fake-quantized constant weight.
void measureFakeQuant(FakeQuantOp fq, Row &row) {
  SchemeAttr s = fq.getScheme();
  row.scheme = schemeLabel(s);
  auto type = cast<RankedTensorType>(fq.getInput().getType());
  row.shape = shapeLabel(type);
  int64_t n = numElements(type);
  row.floatBytes = n * ((type.getElementTypeBitWidth() + 7) / 8);
  row.quantBytes = (n * s.getStorageBits() + 7) / 8 + paramBytes(fq.getScale()) +
                   paramBytes(fq.getZeroPoint());
  std::optional<std::vector<double>> w = getConstantFloatValues(fq.getInput());
  std::optional<std::vector<double>> scales = getConstantScaleValues(fq.getScale());
  DenseIntElementsAttr zps;
  if (fq.getZeroPoint() && !matchPattern(fq.getZeroPoint(), m_Constant(&zps)))
    return;
  if (!w || !scales || !type.hasStaticShape()) {
    row.note = "run-time scales";
    return;
  }
  std::vector<int32_t> zp;
  if (zps)
    for (APInt z : zps.getValues<APInt>())
      zp.push_back(s.isUnsigned() ? int32_t(z.getZExtValue()) : int32_t(z.getSExtValue()));
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> idx(shape.size(), 0);
  double signal = 0, noise = 0, maxErr = 0;
  for (double x : *w) {
    int64_t p = paramSlot(s, shape, idx);
    float scale = float((*scales)[p]);
    int32_t z = zp.empty() ? 0 : zp[p];
    float back = hostDequantize(s, hostQuantize(s, float(x), scale, z), scale, z);
    double err = x - double(back);
    signal += x * x;
    noise += err * err;
    maxErr = std::max(maxErr, std::fabs(err));
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  row.sqnr = noise > 0 ? 10 * std::log10(signal / noise)
                       : std::numeric_limits<double>::infinity();
  row.maxErr = maxErr;
}

} // namespace

std::vector<ReportRow> mlir::quantx::collectReportRows(ModuleOp module) {
  llvm::StringMap<int64_t> counters;
  std::vector<Row> rows;
  module.walk([&](Operation *op) {
    if (auto mm = dyn_cast<MatmulOp>(op)) {
      Row row;
      row.operation = op;
      row.name = nameMatmulLikeOp(op, counters);
      row.op = "quantx.matmul";
      row.scheme = schemeLabel(mm.getRhsScheme());
      if (SchemeAttr a = mm.getLhsSchemeAttr())
        row.scheme += " x " + schemeLabel(a);
      RankedTensorType rhs = mm.getRhs().getType();
      row.shape = shapeLabel(rhs);
      int64_t logical = numElements(rhs) * (mm.getRhsScheme().isSubByte() ? 2 : 1);
      row.floatBytes = logical * 4;
      row.quantBytes = bytesOf(mm.getRhs()) + paramBytes(mm.getRhsScale()) +
                       paramBytes(mm.getRhsZeroPoint());
      row.note = "quantized (float weights no longer present)";
      rows.push_back(row);
      return;
    }
    if (!isMatmulLike(op))
      return;
    auto linalgOp = cast<linalg::LinalgOp>(op);
    Row row;
    row.operation = op;
    row.name = nameMatmulLikeOp(op, counters);
    row.op = op->getName().getStringRef().str();
    Value weight = linalgOp.getDpsInputOperand(1)->get();
    if (auto fq = weight.getDefiningOp<FakeQuantOp>()) {
      row.fakeQuant = true;
      measureFakeQuant(fq, row);
      if (auto act = linalgOp.getDpsInputOperand(0)->get().getDefiningOp<FakeQuantOp>())
        row.scheme += " x " + schemeLabel(act.getScheme());
      if (row.note.empty())
        row.note = "fake-quant: sizes once formed into quantx.matmul";
    } else if (auto dq = weight.getDefiningOp<DequantizeOp>()) {
      // Codes the model came with (imported or raised frontend
      // quantization): sized as they are stored.
      SchemeAttr scheme = dq.getScheme();
      auto type = cast<RankedTensorType>(dq.getInput().getType());
      int64_t n = numElements(type);
      row.scheme = schemeLabel(scheme);
      row.shape = shapeLabel(type);
      row.floatBytes = n * ((dq.getResult().getType().getElementTypeBitWidth() + 7) / 8);
      row.quantBytes = (n * scheme.getStorageBits() + 7) / 8 + paramBytes(dq.getScale()) +
                       paramBytes(dq.getZeroPoint());
      row.note = "quantized weight of the input model (codes kept)";
    } else {
      row.scheme = "float";
      // A product of two activations (attention) has no weight to size.
      Operation *def = weight.getDefiningOp();
      bool isWeight = def && (def->hasTrait<OpTrait::ConstantLike>() ||
                              isa<ml_program::GlobalLoadConstOp, DequantizeOp>(def));
      auto type = cast<ShapedType>(weight.getType());
      row.shape = isWeight ? shapeLabel(type) : "-";
      row.floatBytes = row.quantBytes =
          isWeight ? (numElements(type) * type.getElementTypeBitWidth() + 7) / 8 : 0;
      if (auto why = op->getAttrOfType<StringAttr>(kKeptFloatAttr))
        row.note = why.str();
      else
        row.note = "no quantization scheme applied";
    }
    rows.push_back(row);
  });
  return rows;
}

LogicalResult mlir::quantx::writeReport(ModuleOp module, ArrayRef<ReportRow> rows,
                                        StringRef output, StringRef format) {
  if (format != "text" && format != "json")
    return mlir::emitError(module.getLoc())
           << "unknown report format '" << format << "'; expected text or json";
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file;
  llvm::raw_ostream *os = &llvm::errs();
  if (output != "-") {
    file = openOutputFile(output, &error);
    if (!file)
      return mlir::emitError(module.getLoc()) << error;
    os = &file->os();
  }
  int64_t totalFloat = 0, totalQuant = 0;
  for (const Row &r : rows) {
    totalFloat += r.floatBytes;
    totalQuant += r.quantBytes;
  }
  double ratio = totalQuant ? double(totalFloat) / double(totalQuant) : 0;
  if (format == "json") {
    llvm::json::Array ops;
    for (const Row &r : rows) {
      llvm::json::Object o{{"name", r.name},       {"op", r.op},
                           {"scheme", r.scheme},   {"weight_shape", r.shape},
                           {"float_bytes", r.floatBytes},
                           {"quantized_bytes", r.quantBytes}};
      // JSON has no infinity: an exact quantization (no error) is null
      // with "exact": true.
      bool finite = r.sqnr && std::isfinite(*r.sqnr);
      o["sqnr_db"] = finite ? llvm::json::Value(*r.sqnr) : llvm::json::Value(nullptr);
      if (r.sqnr && !finite)
        o["exact"] = true;
      o["max_abs_error"] = r.maxErr ? llvm::json::Value(*r.maxErr) : llvm::json::Value(nullptr);
      if (!r.note.empty())
        o["note"] = r.note;
      ops.push_back(std::move(o));
    }
    *os << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                      {"ops", std::move(ops)},
                                      {"total_float_bytes", totalFloat},
                                      {"total_quantized_bytes", totalQuant},
                                      {"compression", ratio}}))
        << "\n";
  } else {
    *os << llvm::format("%-24s %-28s %-12s %12s %12s %7s %8s %10s  %s\n", "op",
                        "scheme", "weight", "float bytes", "quant bytes",
                        "ratio", "SQNR dB", "max |err|", "note");
    for (const Row &r : rows) {
      std::string sqnr = r.sqnr ? llvm::formatv("{0:f2}", *r.sqnr).str() : "-";
      std::string err = r.maxErr ? llvm::formatv("{0}", llvm::format("%.3g", *r.maxErr)).str() : "-";
      *os << llvm::format("%-24s %-28s %-12s %12lld %12lld %6.2fx %8s %10s  %s\n",
                          r.name.c_str(), r.scheme.c_str(), r.shape.c_str(),
                          (long long)r.floatBytes, (long long)r.quantBytes,
                          r.quantBytes ? double(r.floatBytes) / r.quantBytes : 0.0,
                          sqnr.c_str(), err.c_str(), r.note.c_str());
    }
    *os << llvm::format("%-24s %-28s %-12s %12lld %12lld %6.2fx\n", "total", "",
                        "", (long long)totalFloat, (long long)totalQuant, ratio);
  }
  if (file)
    file->keep();
  return success();
}

namespace {

struct ReportPass : quantx::impl::QuantXReportBase<ReportPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(writeReport(module, collectReportRows(module), output, format)))
      return signalPassFailure();
  }
};

} // namespace
