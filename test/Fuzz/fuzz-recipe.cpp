//===- fuzz-recipe.cpp - libFuzzer harness of the recipe reader -----------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Any text: Recipe::parseJSON returns a recipe or an error naming the rule.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Transforms/Recipe.h"

#include "llvm/Support/Error.h"

using namespace mlir::quantx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  auto recipe = Recipe::parseJSON(text, "fuzz");
  if (!recipe)
    llvm::consumeError(recipe.takeError());
  return 0;
}
