//===- quant-opt.cpp - the quant-opt driver -------------------------------===//
//
// An mlir-opt-style driver with the quantx dialect, the quant-opt passes and
// pipelines, and every upstream dialect and pass.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::quantx::registerQuantOptAllPasses();
  mlir::DialectRegistry registry;
  mlir::quantx::registerQuantOptDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "quant-opt: the quantization compiler driver\n", registry));
}
