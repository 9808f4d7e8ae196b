//===- Passes.td - quant-opt conversion passes --------------*- tablegen -*-===//
#ifndef QUANTOPT_CONVERSION_PASSES
#define QUANTOPT_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def QuantXLowerToLinalg
    : Pass<"quantx-lower-to-linalg"> {
  let summary = "Lower quantx ops to linalg/arith/math on tensors with the "
                "numerics of record";
  let description = [{
    The reference lowering: every quantx op becomes `linalg.generic` ops on
    tensors whose bodies spell out the exact numerics documented on the
    ops (round half to even, saturation, FP8 encoding and decoding at the
    bit level, the NF4 code book, nibble packing low nibble first). It is
    the semantics every optimized lowering is tested against.

    `quantx.observe` is forwarded (calibration instruments observers before
    this pass runs). Group-wise scales become `floordiv` indexing maps, so no
    broadcast copies of scales are materialized. Static and dynamic shapes
    are both supported.

    Example:

    ```mlir
    %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>)
           : tensor<?xf32> -> tensor<?xi8>
    ```

    becomes a `linalg.generic` over `?` elements computing
    `fptosi(clamp(roundeven(x / s), -128, 127))`.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
  let statistics = [
    Statistic<"numOpsLowered", "ops-lowered", "Number of quantx ops lowered">
  ];
}

def QuantXFromQuant
    : Pass<"quantx-from-quant"> {
  let summary = "Convert upstream quant.qcast/quant.dcast to quantx ops";
  let description = [{
    Rewrites `quant.qcast` and `quant.dcast` on tensors of `!quant.uniform`
    (per tensor or per axis, integer storage) into `quantx.quantize` and
    `quantx.dequantize` with constant scale and zero-point operands, bridged
    to the surrounding `!quant.uniform` values by `quant.scast`, which
    canonicalization folds away between matching pairs. A cast whose type
    cannot be expressed (e.g. sub-channel types or a non-float expressed
    type) is left unchanged and a remark says why.

    ```mlir
    %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5:3>>
    // becomes
    %q0 = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>)
            zero_point(%z : tensor<i8>) : tensor<4xf32> -> tensor<4xi8>
    %q = quant.scast %q0 : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:3>>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::quantx::QuantXDialect"
  ];
  let statistics = [
    Statistic<"numConverted", "casts-converted", "Number of quant casts converted">,
    Statistic<"numSkipped", "casts-skipped", "Number of quant casts left unchanged">
  ];
}

def QuantXToQuant
    : Pass<"quantx-to-quant"> {
  let summary = "Convert quantx quantize/dequantize to upstream quant casts";
  let description = [{
    The inverse of `--quantx-from-quant`: a `quantx.quantize` or
    `quantx.dequantize` whose scheme is expressible as `!quant.uniform`
    (integer storage, per tensor or per axis, constant scales and zero
    points, f32/f16/bf16 expressed type) becomes `quant.qcast` /
    `quant.dcast` plus a `quant.scast` to or from the storage type. Group-wise,
    NF4 and FP8 schemes and run-time scales are left unchanged with a remark.
  }];
  let dependentDialects = [
    "::mlir::quant::QuantDialect",
    "::mlir::quantx::QuantXDialect"
  ];
  let statistics = [
    Statistic<"numConverted", "ops-converted", "Number of quantx ops converted">,
    Statistic<"numSkipped", "ops-skipped", "Number of quantx ops left unchanged">
  ];
}

def QuantXInstrumentObservers
    : Pass<"quantx-instrument-observers", "::mlir::ModuleOp"> {
  let summary = "Turn quantx.observe ops into calls that record statistics";
  let description = [{
    Replaces every `quantx.observe` with a call to the external function

    ```mlir
    func.func private @quantx_observe(i64, i64,
        tensor<*xf32> {bufferization.access = "read"})
        attributes {llvm.emit_c_interface}
    ```

    passing the observer's index, its channel axis (-1 for per tensor) and
    the observed values (extended to f32), and forwards the value. The
    observers' names, in index order, are stored in the module attribute
    `quantx.observers`. `quant-calibrate` runs this pass and provides the
    function; a model instrumented by hand can provide its own.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // QUANTOPT_CONVERSION_PASSES
