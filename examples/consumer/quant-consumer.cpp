//===- quant-consumer.cpp - a compiler that embeds quant-opt --------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-consumer MODEL.mlir [SCHEME [GROUP-SIZE]]
//
// Parses a float linalg model, quantizes its weights with --quantx-ptq
// (built through the pass's typed options, as a compiler embedding
// quant-opt would), lowers the quantx ops to linalg with the reference
// lowering and prints the result.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/InitAll.h"
#include "QuantOpt/Support/Version.h"
#include "QuantOpt/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

int main(int argc, char **argv) {
  if (argc < 2 || argc > 4) {
    llvm::errs() << "usage: quant-consumer MODEL.mlir [SCHEME [GROUP-SIZE]]\n";
    return 2;
  }
  DialectRegistry registry;
  quantx::registerQuantOptDialects(registry);
  MLIRContext context(registry);

  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(argv[1], &context);
  if (!module)
    return 1;

  PassManager pm(&context);
  quantx::QuantXPTQOptions ptq;
  ptq.scheme = argc >= 3 ? argv[2] : "w8a16";
  if (argc == 4 && llvm::StringRef(argv[3]).getAsInteger(10, ptq.groupSize)) {
    llvm::errs() << "quant-consumer: bad group size '" << argv[3] << "'\n";
    return 2;
  }
  pm.addPass(quantx::createQuantXPTQ(ptq));
  pm.addPass(quantx::createQuantXLowerToLinalg());
  if (failed(pm.run(*module)))
    return 1;

  module->print(llvm::outs());
  llvm::outs() << "\n// quant-consumer: quant-opt " << quantx::getQuantOptVersion() << ", scheme "
               << ptq.scheme << "\n";
  return 0;
}
