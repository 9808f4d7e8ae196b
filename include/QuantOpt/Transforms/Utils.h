//===- Utils.h - helpers shared by the quant-opt transforms ---*- C++ -*-===//
#ifndef QUANTOPT_TRANSFORMS_UTILS_H
#define QUANTOPT_TRANSFORMS_UTILS_H

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/StringMap.h"

#include <string>

#include <optional>
#include <vector>

namespace mlir::quantx {

/// The values of a constant float tensor (`dense` of any float type, or
/// `dense_resource` of f32), in row-major order; nullopt otherwise.
std::optional<std::vector<double>> getConstantFloatValues(Value v);

/// Scale and zero point of one block of weights with range [lo, hi]
/// (widened to contain 0): symmetric kinds use max(|lo|, |hi|) / qmax,
/// unsigned (asymmetric) kinds (hi - lo) / (qmax - qmin) and
/// zero_point = qmin - round(lo / scale); scales are at least 2^-23.
struct BlockParams {
  float scale;
  int32_t zeroPoint;
};
BlockParams computeBlockParams(SchemeAttr scheme, double lo, double hi,
                               double qmax);

/// Like getConstantFloatValues, and also for a `quantx.dequantize` of
/// constants (double-quantized scales), evaluated with the host numerics.
std::optional<std::vector<double>> getConstantScaleValues(Value v);

/// The name recipes and reports use for a matmul-like op: the name in its
/// location (a NameLoc, possibly inside fused or call-site locations), else
/// `<function>.<op kind>.<n>` where n counts the unnamed and named ops seen
/// in that function so far (`counters` carries the counts across calls).
std::string nameMatmulLikeOp(Operation *op, llvm::StringMap<int64_t> &counters);

/// True for the ops the recipe passes treat as matmul-like: linalg
/// contractions on tensors with two inputs and one init.
bool isMatmulLike(Operation *op);

} // namespace mlir::quantx

#endif // QUANTOPT_TRANSFORMS_UTILS_H
