//===- CAPI.cpp - parameter files from C ----------------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Params/CAPI.h"

#include "QuantOpt/Params/Safetensors.h"

#include <string>

using namespace mlir::quantx::params;

struct QuantxParams {
  std::unique_ptr<ParameterSet> set;
  std::string errors;
  bool hasError = false;
};

extern "C" QuantxParams *quantxParamsOpen(const char *path) {
  auto *p = new QuantxParams;
  auto set = ParameterSet::open(path ? path : "");
  if (!set) {
    p->errors = llvm::toString(set.takeError());
    p->hasError = true;
  } else {
    p->set = std::move(*set);
  }
  return p;
}

extern "C" const void *quantxParamsLookup(void *params, const char *key, int64_t bytes) {
  auto *p = static_cast<QuantxParams *>(params);
  auto fail = [&](const std::string &msg) -> const void * {
    if (p->hasError)
      p->errors += "\n";
    p->errors += msg;
    p->hasError = true;
    return nullptr;
  };
  if (!p->set)
    return fail("no parameter file is open");
  auto t = p->set->lookup(key);
  if (!t)
    return fail(llvm::toString(t.takeError()));
  if (int64_t((*t)->size) != bytes)
    return fail((*t)->file + ": tensor '" + key + "': " + std::to_string((*t)->size) +
                " bytes, but the program expects " + std::to_string(bytes));
  return p->set->getAlignedData(**t);
}

extern "C" const char *quantxParamsError(QuantxParams *params) {
  return params && params->hasError ? params->errors.c_str() : nullptr;
}

extern "C" void quantxParamsClose(QuantxParams *params) { delete params; }
