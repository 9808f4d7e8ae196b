//===- Utils.h - helpers shared by the quant-opt transforms ---*- C++ -*-===//
#ifndef QUANTOPT_TRANSFORMS_UTILS_H
#define QUANTOPT_TRANSFORMS_UTILS_H

#include "mlir/IR/Value.h"

#include <optional>
#include <vector>

namespace mlir::quantx {

/// The values of a constant float tensor (`dense` of any float type, or
/// `dense_resource` of f32), in row-major order; nullopt otherwise.
std::optional<std::vector<double>> getConstantFloatValues(Value v);

} // namespace mlir::quantx

#endif // QUANTOPT_TRANSFORMS_UTILS_H
