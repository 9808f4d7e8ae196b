//===- LoRA.h - LoRA adapters in the PEFT layout ---------------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// An adapter directory as PEFT saves it: adapter_config.json (r,
// lora_alpha, use_rslora, target_modules) and adapter_model.safetensors
// with, per adapted Linear layer `<base>`, `base_model.model.<base>.lora_A
// .weight` (r x K) and `...lora_B.weight` (N x r). The layer's output
// becomes x W^T + scale (x A^T) B^T with scale = lora_alpha / r
// (lora_alpha / sqrt(r) with use_rslora).
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_LIB_TRANSFORMS_LORA_H
#define QUANTOPT_LIB_TRANSFORMS_LORA_H

#include "QuantOpt/Params/Safetensors.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlir::quantx {

class LoRAAdapter {
public:
  /// Opens and checks the adapter in directory `dir`.
  static llvm::Expected<std::unique_ptr<LoRAAdapter>> open(llvm::StringRef dir);

  struct Layer {
    const params::TensorView *a, *b; // r x K, N x r
    int64_t n, k;
  };
  /// The adapter of the Linear layer whose weight is the parameter `key`
  /// (`<base>.weight`, or `<base>.qweight` once quantized), if any.
  const Layer *find(llvm::StringRef key) const;
  /// Base names of all adapted layers.
  std::vector<std::string> layerNames() const;

  /// scale A, r x K (row-major, f32).
  std::vector<float> scaledA(const Layer &layer) const;
  /// B, N x r.
  std::vector<float> matrixB(const Layer &layer) const;
  /// The merged update scale B A, N x K, accumulated in double and rounded.
  std::vector<float> delta(const Layer &layer) const;

  int64_t rank = 0;
  double scale = 1.0;
  std::string path;

private:
  std::unique_ptr<params::SafetensorsFile> file;
  std::map<std::string, Layer> layers;
};

} // namespace mlir::quantx

#endif // QUANTOPT_LIB_TRANSFORMS_LORA_H
