//===- Recipe.cpp - which ops get which quantization scheme ---------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Recipe.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Regex.h"

using namespace mlir::quantx;
using llvm::StringRef;

static const std::pair<StringRef, QuantScheme> kSchemes[] = {
    {"float", QuantScheme::Float},
    {"w8a8", QuantScheme::W8A8},
    {"w8a8-dynamic", QuantScheme::W8A8Dynamic},
    {"w8a8-dynamic-row", QuantScheme::W8A8DynamicRow},
    {"w8a8-dynamic-group", QuantScheme::W8A8DynamicGroup},
    {"w4a8-dynamic", QuantScheme::W4A8Dynamic},
    {"w8a16", QuantScheme::W8A16},
    {"w8a16-group", QuantScheme::W8A16Group},
    {"w4a16", QuantScheme::W4A16},
    {"w4a16-asym", QuantScheme::W4A16Asym},
    {"w4a16-nf4", QuantScheme::W4A16NF4},
    {"w4a16-nf4-dq", QuantScheme::W4A16NF4DQ},
    {"w8a16-fp8", QuantScheme::W8A16FP8},
    {"fp8", QuantScheme::FP8}};

std::optional<QuantScheme> mlir::quantx::parseQuantScheme(StringRef name) {
  for (auto [n, s] : kSchemes)
    if (n == name)
      return s;
  return std::nullopt;
}

StringRef mlir::quantx::stringifyQuantScheme(QuantScheme scheme) {
  for (auto [n, s] : kSchemes)
    if (s == scheme)
      return n;
  return "";
}

StringRef mlir::quantx::quantSchemeNames() {
  return "float, w8a8, w8a8-dynamic, w8a8-dynamic-row, w8a8-dynamic-group, w4a8-dynamic, w8a16, "
         "w8a16-group, "
         "w4a16, w4a16-asym, w4a16-nf4, w4a16-nf4-dq, w8a16-fp8, fp8";
}

/// Full-match of `pattern` (an extended regular expression) against `text`.
static bool fullMatch(StringRef pattern, StringRef text) {
  llvm::Regex re(("^(" + pattern + ")$").str());
  return re.match(text);
}

bool RecipeRule::matches(const OpSite &site) const {
  if (op && *op != site.opName)
    return false;
  if (function && !fullMatch(*function, site.function))
    return false;
  if (name && !llvm::Regex(*name).match(site.name))
    return false;
  if (position) {
    if (*position == "first")
      return site.index == 0;
    if (*position == "last")
      return site.index == site.count - 1;
    int64_t want;
    if (StringRef(*position).getAsInteger(10, want))
      return false;
    return want >= 0 ? site.index == want : site.index == site.count + want;
  }
  return true;
}

SchemeChoice Recipe::choose(const OpSite &site) const {
  SchemeChoice choice{defaultScheme, defaultGroupSize, defaultMethod,
                      "the default scheme"};
  for (const RecipeRule &rule : rules)
    if (rule.matches(site))
      choice = {rule.scheme, rule.groupSize.value_or(defaultGroupSize),
                rule.method ? rule.method : defaultMethod, rule.origin};
  return choice;
}

static llvm::Error recipeError(StringRef name, const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 name + ": " + msg);
}

llvm::Expected<Recipe> Recipe::parseJSON(StringRef text, StringRef name) {
  auto json = llvm::json::parse(text);
  if (!json)
    return recipeError(name, llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return recipeError(name, "a recipe is a JSON object");
  Recipe recipe;
  for (const auto &kv : *root) {
    StringRef key = kv.first;
    if (key != "default" && key != "group_size" && key != "rules" &&
        key != "method")
      return recipeError(name, "unknown key '" + key +
                                   "' (expected default, group_size, method, "
                                   "rules)");
  }
  auto parseScheme = [&](const llvm::json::Value *v, const llvm::Twine &where)
      -> llvm::Expected<QuantScheme> {
    std::optional<StringRef> s = v ? v->getAsString() : std::nullopt;
    std::optional<QuantScheme> scheme = s ? parseQuantScheme(*s) : std::nullopt;
    if (!scheme)
      return recipeError(name, where + ": scheme must be one of " +
                                   quantSchemeNames());
    return *scheme;
  };
  auto parseGroup = [&](const llvm::json::Value *v, const llvm::Twine &where)
      -> llvm::Expected<std::optional<int64_t>> {
    if (!v)
      return std::nullopt;
    std::optional<int64_t> g = v->getAsInteger();
    if (!g || *g <= 0)
      return recipeError(name, where + ": group_size must be a positive integer");
    return g;
  };
  auto parseMethod = [&](const llvm::json::Value *v, const llvm::Twine &where)
      -> llvm::Expected<std::optional<std::string>> {
    if (!v)
      return std::nullopt;
    std::optional<StringRef> m = v->getAsString();
    if (!m || (*m != "minmax" && *m != "percentile" && *m != "mse" &&
               *m != "entropy"))
      return recipeError(name, where + ": method must be one of minmax, "
                                       "percentile, mse, entropy");
    return std::optional<std::string>(m->str());
  };
  auto method = parseMethod(root->get("method"), "'method'");
  if (!method)
    return method.takeError();
  recipe.defaultMethod = *method;
  if (const llvm::json::Value *d = root->get("default")) {
    auto s = parseScheme(d, "'default'");
    if (!s)
      return s.takeError();
    recipe.defaultScheme = *s;
  }
  auto g = parseGroup(root->get("group_size"), "'group_size'");
  if (!g)
    return g.takeError();
  if (*g)
    recipe.defaultGroupSize = **g;

  const llvm::json::Value *rulesValue = root->get("rules");
  if (!rulesValue)
    return recipe;
  const llvm::json::Array *rules = rulesValue->getAsArray();
  if (!rules)
    return recipeError(name, "'rules' must be an array");
  for (auto [i, value] : llvm::enumerate(*rules)) {
    std::string where = "rule " + std::to_string(i);
    const llvm::json::Object *o = value.getAsObject();
    if (!o)
      return recipeError(name, where + " must be an object");
    RecipeRule rule;
    rule.origin = where;
    for (const auto &kv : *o) {
      StringRef key = kv.first;
      if (key == "scheme" || key == "group_size" || key == "method")
        continue;
      std::optional<std::string> *slot = key == "op"         ? &rule.op
                                         : key == "function" ? &rule.function
                                         : key == "name"     ? &rule.name
                                         : key == "position" ? &rule.position
                                                             : nullptr;
      if (!slot)
        return recipeError(name, where + ": unknown key '" + key +
                                     "' (expected op, function, name, "
                                     "position, scheme, group_size, method)");
      if (key == "position" && kv.second.getAsInteger()) {
        *slot = std::to_string(*kv.second.getAsInteger());
        continue;
      }
      std::optional<StringRef> s = kv.second.getAsString();
      if (!s && key == "position")
        return recipeError(name, where + ": position must be \"first\", "
                                         "\"last\" or an integer");
      if (!s)
        return recipeError(name, where + ": '" + key + "' must be a string");
      if (key == "position" && *s != "first" && *s != "last")
        return recipeError(name, where + ": position must be \"first\", "
                                         "\"last\" or an integer");
      std::string err;
      if ((key == "function" || key == "name") && !llvm::Regex(*s).isValid(err))
        return recipeError(name, where + ": bad regular expression '" + *s +
                                     "': " + err);
      *slot = s->str();
    }
    auto scheme = parseScheme(o->get("scheme"), where);
    if (!scheme)
      return scheme.takeError();
    rule.scheme = *scheme;
    auto group = parseGroup(o->get("group_size"), where);
    if (!group)
      return group.takeError();
    rule.groupSize = *group;
    auto ruleMethod = parseMethod(o->get("method"), where);
    if (!ruleMethod)
      return ruleMethod.takeError();
    rule.method = *ruleMethod;
    recipe.rules.push_back(std::move(rule));
  }
  return recipe;
}

llvm::Expected<Recipe> Recipe::readFile(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return recipeError(path, buffer.getError().message());
  return parseJSON((*buffer)->getBuffer(), path);
}

llvm::Expected<Recipe> Recipe::fromOptions(StringRef recipeFile,
                                           StringRef scheme, int64_t groupSize,
                                           bool skipFirst, bool skipLast) {
  if (!recipeFile.empty())
    return readFile(recipeFile);
  std::optional<QuantScheme> s = parseQuantScheme(scheme);
  if (!s)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "unknown scheme '" + scheme +
                                       "'; expected one of " + quantSchemeNames());
  if (groupSize <= 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "group-size must be positive, got " +
                                       std::to_string(groupSize));
  Recipe recipe;
  recipe.defaultScheme = *s;
  recipe.defaultGroupSize = groupSize;
  if (skipFirst)
    recipe.rules.push_back({std::nullopt, std::nullopt, std::nullopt, "first",
                            QuantScheme::Float, std::nullopt, std::nullopt,
                            "skip-first"});
  if (skipLast)
    recipe.rules.push_back({std::nullopt, std::nullopt, std::nullopt, "last",
                            QuantScheme::Float, std::nullopt, std::nullopt,
                            "skip-last"});
  return recipe;
}
