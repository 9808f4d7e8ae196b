//===- QuantXDialect.td - quantx dialect definition --------*- tablegen -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#ifndef QUANTX_DIALECT
#define QUANTX_DIALECT

include "mlir/IR/OpBase.td"

def QuantX_Dialect : Dialect {
  let name = "quantx";
  let cppNamespace = "::mlir::quantx";
  let summary = "Quantization schemes, quantized storage and fused quantized matmuls";
  let description = [{
    The `quantx` dialect expresses every quantization scheme quant-opt
    handles on ordinary builtin tensors:

    * storage kinds `i8`, `u8`, `i4`, `u4`, `nf4`, `f8E4M3FN`, `f8E5M2`;
    * granularity per tensor, per channel (an `axis`) or group-wise (an
      `axis` and a `group` size);
    * symmetric (no zero point) or asymmetric (a zero-point operand),
      optionally narrow range;
    * scales in `f32`, `f16` or `bf16`, passed as tensor operands so they can
      be constants (static quantization), values computed at run time
      (dynamic quantization) or themselves the result of a
      `quantx.dequantize` (double quantization).

    The scheme lives in a `#quantx.scheme` attribute; scales and zero points
    are SSA operands whose shapes follow from the scheme. Quantized values
    are stored in signless builtin element types (`i8` for 8-bit integer
    kinds, `i4` for 4-bit integer kinds and NF4 code indices, the builtin
    `f8E4M3FN`/`f8E5M2` types for FP8). 4-bit tensors are packed two per
    byte, low nibble first, by `quantx.pack`; `quantx.matmul` consumes packed
    4-bit weights directly.

    The numerics of record are written in each op's description and in
    `docs/QuantXDesign.md`.
  }];
  let useDefaultAttributePrinterParser = 1;
  // Folded constants (e.g. packed weights) are arith.constant ops.
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

class QuantX_Op<string mnemonic, list<Trait> traits = []>
    : Op<QuantX_Dialect, mnemonic, traits>;

#endif // QUANTX_DIALECT
