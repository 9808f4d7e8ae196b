//===- ExportParameters.cpp - inline constants -> parameter file ----------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"

#include "QuantOpt/Params/ParameterGlobals.h"
#include "QuantOpt/Params/Safetensors.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXEXPORTPARAMETERS
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// A name for the constant: its resource key, or what its user calls it.
std::string nameFor(arith::ConstantOp cst, int64_t index) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(cst.getValue()))
    return resource.getRawHandle().getKey().str();
  for (OpOperand &use : cst->getUses()) {
    auto loc = dyn_cast<NameLoc>(use.getOwner()->getLoc());
    if (!loc)
      continue;
    if (use.getOperandNumber() == 1)
      return (loc.getName().strref() + ".weight").str();
    if (use.getOperandNumber() == 2)
      return (loc.getName().strref() + ".bias").str();
  }
  return "constant." + std::to_string(index);
}

struct ExportParametersPass
    : quantx::impl::QuantXExportParametersBase<ExportParametersPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (output.empty()) {
      mlir::emitError(module.getLoc()) << "give the parameter file to write: output=FILE.safetensors";
      return signalPassFailure();
    }
    for (auto global : module.getOps<ml_program::GlobalOp>())
      if (isParameterGlobal(global)) {
        global.emitError() << "the model already reads parameters from a file; exporting "
                              "its constants to another is not supported (one parameter "
                              "file per model)";
        return signalPassFailure();
      }
    SmallVector<arith::ConstantOp> constants;
    module.walk([&](arith::ConstantOp cst) {
      auto type = dyn_cast<RankedTensorType>(cst.getType());
      auto value = dyn_cast<ElementsAttr>(cst.getValue());
      if (type && value && type.hasStaticShape() && type.getNumElements() >= minimumElements &&
          toParamDType(type.getElementType()) && !getConstantBytes(value).empty())
        constants.push_back(cst);
    });
    if (constants.empty())
      return;
    auto writer = params::SafetensorsWriter::create(output);
    if (!writer) {
      mlir::emitError(module.getLoc()) << llvm::toString(writer.takeError());
      return signalPassFailure();
    }
    // One global per distinct constant value.
    DenseMap<Attribute, ml_program::GlobalOp> globals;
    llvm::StringSet<> keys;
    for (arith::ConstantOp cst : constants) {
      auto type = cast<RankedTensorType>(cst.getType());
      ml_program::GlobalOp &global = globals[cst.getValue()];
      if (!global) {
        std::string key = nameFor(cst, int64_t(globals.size()));
        for (int i = 1; keys.contains(key); ++i)
          key = nameFor(cst, 0) + "." + std::to_string(i);
        keys.insert(key);
        ArrayRef<char> bytes = getConstantBytes(cast<ElementsAttr>(cst.getValue()));
        if (llvm::Error err = (*writer)->add(
                key, *toParamDType(type.getElementType()), type.getShape(),
                ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()))) {
          cst.emitError() << llvm::toString(std::move(err));
          return signalPassFailure();
        }
        global = createParameterGlobal(module, key, type);
        ++numExported;
      }
      OpBuilder b(cst);
      auto load = ml_program::GlobalLoadConstOp::create(
          b, cst.getLoc(), type, FlatSymbolRefAttr::get(global.getSymNameAttr()));
      cst.replaceAllUsesWith(load.getResult());
      cst.erase();
    }
    (*writer)->setMetadata("format", "quantx");
    if (llvm::Error err = (*writer)->finish()) {
      mlir::emitError(module.getLoc()) << llvm::toString(std::move(err));
      return signalPassFailure();
    }
    module->setAttr(kParameterFileAttr, StringAttr::get(module.getContext(), output));
  }
};

} // namespace
