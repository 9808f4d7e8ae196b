//===- InitAll.h - register everything quant-opt provides -----*- C++ -*-===//
#ifndef QUANTOPT_INITALL_H
#define QUANTOPT_INITALL_H

namespace mlir {
class DialectRegistry;
namespace quantx {

/// Adds the quantx dialect and every upstream dialect and interface the
/// quant-opt passes and pipelines produce or consume. Shared by quant-opt
/// and by any compiler that links the passes as a library.
void registerQuantOptDialects(DialectRegistry &registry);

/// Registers all quant-opt passes and pipelines with the global registry.
void registerQuantOptAllPasses();

} // namespace quantx
} // namespace mlir

#endif // QUANTOPT_INITALL_H
