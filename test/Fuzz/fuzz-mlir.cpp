//===- fuzz-mlir.cpp - libFuzzer harness of parsing, verifying, lowering --===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Any text as an MLIR module with quantx and the upstream dialects: the
// parser and the verifiers accept it or report errors; an accepted module
// then goes through --quantx-lower-to-linalg, which lowers it or reports
// errors. Diagnostics are discarded; a crash is a finding.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry();
    quantx::registerQuantOptDialects(*r);
    return r;
  }();
  MLIRContext context(*registry, MLIRContext::Threading::DISABLED);
  context.allowUnregisteredDialects();
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) { return success(); });
  // The MLIR lexer reads up to a terminating NUL, as files loaded into a
  // MemoryBuffer have; a std::string provides one after the input.
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
  if (!module)
    return 0;
  PassManager pm(&context);
  pm.addPass(quantx::createQuantXLowerToLinalg());
  (void)pm.run(*module);
  return 0;
}
