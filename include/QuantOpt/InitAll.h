//===- InitAll.h - register everything quant-opt provides -----*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
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
