//===- Recipe.h - which ops get which quantization scheme -----*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A recipe maps each matmul-like op to a scheme. Rules select ops by kind,
// by function, by name (location) and by position; the last rule that
// matches wins, so later rules refine earlier ones. Recipes come from pass
// options or from a JSON file:
//
//   {
//     "default": "w8a8",
//     "group_size": 128,
//     "rules": [
//       {"op": "linalg.batch_matmul", "scheme": "float"},
//       {"name": "attn\\.", "scheme": "w4a16", "group_size": 64},
//       {"position": "first", "scheme": "float"},
//       {"position": "last", "scheme": "float"}
//     ],
//     "method": "percentile"
//   }
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_TRANSFORMS_RECIPE_H
#define QUANTOPT_TRANSFORMS_RECIPE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::quantx {

/// The schemes a recipe can assign to an op.
enum class QuantScheme {
  Float,
  W8A8,
  W8A8Dynamic,
  W8A8DynamicRow,
  W8A8DynamicGroup,
  W4A8Dynamic,
  W8A16,
  W8A16Group,
  W4A16,
  W4A16Asym,
  W4A16NF4,
  W4A16NF4DQ,
  W8A16FP8,
  FP8
};

std::optional<QuantScheme> parseQuantScheme(llvm::StringRef name);
llvm::StringRef stringifyQuantScheme(QuantScheme scheme);
/// The scheme names, for messages: "float, w8a8, ...".
llvm::StringRef quantSchemeNames();

/// What a rule can see of an op.
struct OpSite {
  llvm::StringRef opName;   // e.g. "linalg.matmul"
  llvm::StringRef function; // enclosing function's symbol name
  llvm::StringRef name;     // op name from its location, or a generated one
  int64_t index = 0;        // position among the candidate ops of the module
  int64_t count = 0;        // number of candidate ops in the module
};

/// One rule: every present selector must match.
struct RecipeRule {
  std::optional<std::string> op, function, name, position;
  QuantScheme scheme = QuantScheme::Float;
  std::optional<int64_t> groupSize;
  /// Calibration method for static activation scales ("minmax",
  /// "percentile", "mse", "entropy"), if the rule sets one.
  std::optional<std::string> method;
  /// "rule N" or the option it came from, for diagnostics.
  std::string origin;

  bool matches(const OpSite &site) const;
};

/// The decision for one op.
struct SchemeChoice {
  QuantScheme scheme;
  int64_t groupSize;
  /// The calibration method, if the recipe chose one (else the pass's).
  std::optional<std::string> method;
  /// The rule (or "default") that decided, for diagnostics.
  std::string origin;
};

struct Recipe {
  QuantScheme defaultScheme = QuantScheme::W8A8;
  int64_t defaultGroupSize = 128;
  std::optional<std::string> defaultMethod;
  std::vector<RecipeRule> rules;

  SchemeChoice choose(const OpSite &site) const;

  /// Parses a JSON recipe; `name` prefixes error messages. Unknown keys,
  /// unknown schemes, bad regular expressions and non-positive group sizes
  /// are errors that name the rule.
  static llvm::Expected<Recipe> parseJSON(llvm::StringRef text,
                                          llvm::StringRef name);
  static llvm::Expected<Recipe> readFile(llvm::StringRef path);

  /// The recipe the passes' options describe: the JSON file `recipeFile`
  /// if given, else `scheme` with `groupSize`, plus float rules for the
  /// first/last op when `skipFirst`/`skipLast`.
  static llvm::Expected<Recipe> fromOptions(llvm::StringRef recipeFile,
                                            llvm::StringRef scheme,
                                            int64_t groupSize, bool skipFirst,
                                            bool skipLast);
};

} // namespace mlir::quantx

#endif // QUANTOPT_TRANSFORMS_RECIPE_H
