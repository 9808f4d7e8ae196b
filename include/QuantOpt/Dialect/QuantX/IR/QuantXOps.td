//===- QuantXOps.td - quantx operations --------------------*- tablegen -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#ifndef QUANTX_OPS
#define QUANTX_OPS

include "QuantOpt/Dialect/QuantX/IR/QuantXDialect.td"
include "QuantOpt/Dialect/QuantX/IR/QuantXAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

def QuantX_I4 : I<4>;
def QuantX_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def QuantX_StorageTensor
    : RankedTensorOf<[I8, QuantX_I4, F8E4M3FN, F8E5M2]>;
def QuantX_ScaleTensor : RankedTensorOf<[F32, F16, BF16]>;
def QuantX_ZeroPointTensor : RankedTensorOf<[I8, QuantX_I4]>;

class QuantX_SchemeOp<string mnemonic, list<Trait> traits = []>
    : QuantX_Op<mnemonic, !listconcat(traits, [Pure])> {
  let assemblyFormat = [{
    $input `as` qualified($scheme) `scale` `(` $scale `:` type($scale) `)`
    (`zero_point` `(` $zero_point^ `:` type($zero_point) `)`)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QuantX_QuantizeOp : QuantX_SchemeOp<"quantize"> {
  let summary = "Quantize a float tensor to stored codes";
  let description = [{
    Maps each element `x` of `input` to its stored code under `scheme`,
    using the scale (and zero point) of its tensor, channel or group.

    Integer kinds (the ONNX `QuantizeLinear` and PyTorch rule):
    `q = clamp(round_half_to_even(x / scale) + zero_point, qmin, qmax)`,
    computed in f32 (f16/bf16 operands are extended first; the division is
    a true f32 division). A NaN input gives `zero_point`; `+-inf` saturate.

    `f8E4M3FN` / `f8E5M2`: `x / scale` is converted with round half to even
    and saturation (ONNX `saturate=1`): finite values and infinities beyond
    the largest finite value (448, 57344) become that value with the sign
    kept, subnormals are produced exactly, NaN stays NaN (code 0x7F with
    the sign bit of the input).

    `nf4`: `x / scale` is mapped to the nearest of the 16 NF4 code-book
    values (bitsandbytes' normal-float table, exact zero at code 7). The
    intervals are split at the f32 midpoints `(c[i] + c[i+1]) * 0.5`
    (computed in f32, like bitsandbytes' thresholds); a value equal to a
    midpoint takes the lower code, and NaN takes code 7. Codes are stored as
    `i4` bit patterns `0..15`.

    Zero points (asymmetric integer schemes only) have the shape of `scale`
    and the storage element type; `u8`/`u4` codes and zero points are the
    unsigned reading of the `i8`/`i4` bits.

    Example:

    ```mlir
    %q = quantx.quantize %x as #quantx.scheme<u8, axis = 0>
           scale(%s : tensor<4xf32>) zero_point(%z : tensor<4xi8>)
           : tensor<4x16xf32> -> tensor<4x16xi8>
    ```
  }];
  let arguments = (ins QuantX_FloatTensor:$input, QuantX_ScaleTensor:$scale,
                   Optional<QuantX_ZeroPointTensor>:$zero_point,
                   QuantX_SchemeAttr:$scheme);
  let results = (outs QuantX_StorageTensor:$result);
}

def QuantX_DequantizeOp : QuantX_SchemeOp<"dequantize"> {
  let summary = "Turn stored codes back into float values";
  let description = [{
    Inverse mapping of `quantx.quantize` (ONNX `DequantizeLinear`):
    integer kinds give `(q - zero_point) * scale`, with the subtraction done
    exactly in i32 and the multiplication in f32; `nf4` gives
    `codebook[q] * scale`; FP8 kinds decode the code exactly to f32 (NaN
    and, for `f8E5M2`, infinities included) and multiply by `scale`. The
    product is rounded to the result element type.

    Example:

    ```mlir
    %w = quantx.dequantize %q as #quantx.scheme<i4, axis = 1, group = 32>
           scale(%s : tensor<64x2xf16>) : tensor<64x64xi4> -> tensor<64x64xf16>
    ```
  }];
  let arguments = (ins QuantX_StorageTensor:$input, QuantX_ScaleTensor:$scale,
                   Optional<QuantX_ZeroPointTensor>:$zero_point,
                   QuantX_SchemeAttr:$scheme);
  let results = (outs QuantX_FloatTensor:$result);
}

def QuantX_FakeQuantOp : QuantX_SchemeOp<"fake_quant"> {
  let summary = "Quantize and dequantize in one step (simulated quantization)";
  let description = [{
    `dequantize(quantize(x))` with the same scheme, scale and zero point,
    returning the input type. Used for quantization-aware training and to
    simulate a quantized model in float. The op deliberately has no folder
    and is never removed by canonicalization: it carries the quantization
    error on purpose. The numerics are exactly those of
    `quantx.quantize` followed by `quantx.dequantize` (and so match PyTorch
    `fake_quantize_per_tensor_affine`/`per_channel_affine` except that the
    division is a true division where PyTorch multiplies by `1/scale`).

    Example:

    ```mlir
    %y = quantx.fake_quant %x as #quantx.scheme<i8, narrow>
           scale(%s : tensor<f32>) : tensor<8x16xf32> -> tensor<8x16xf32>
    ```
  }];
  let arguments = (ins QuantX_FloatTensor:$input, QuantX_ScaleTensor:$scale,
                   Optional<QuantX_ZeroPointTensor>:$zero_point,
                   QuantX_SchemeAttr:$scheme);
  let results = (outs QuantX_FloatTensor:$result);
}

def QuantX_ObserveOp : QuantX_Op<"observe", [
    AllTypesMatch<["input", "result"]>, MemoryEffects<[MemWrite]>]> {
  let summary = "Record statistics of a tensor for calibration";
  let description = [{
    Returns `input` unchanged. Calibration instruments the model so that
    each observer records the statistics of the values flowing through it
    (min, max, histogram), per tensor or, with `axis`, per channel. The
    `name` identifies the observer in the statistics file. Observers have a
    write effect so they are neither removed nor merged; the CPU lowering of
    an uninstrumented model forwards the value.

    Example:

    ```mlir
    %y = quantx.observe "fc1.input" %x : tensor<?x64xf32>
    %z = quantx.observe "fc1.weight" %w axis 0 : tensor<32x64xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, QuantX_FloatTensor:$input,
                   OptionalAttr<I64Attr>:$axis);
  let results = (outs QuantX_FloatTensor:$result);
  let assemblyFormat = [{
    $name $input (`axis` $axis^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def QuantX_PackOp : QuantX_Op<"pack", [Pure]> {
  let summary = "Pack 4-bit codes two per byte, low nibble first";
  let description = [{
    Packs the innermost dimension of an `i4` tensor into bytes: byte `j`
    holds element `2j` in bits 0-3 and element `2j+1` in bits 4-7. The
    innermost dimension must be even and the result's innermost dimension
    is half of it.

    ```mlir
    %p = quantx.pack %q : tensor<64x128xi4> -> tensor<64x64xi8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[QuantX_I4]>:$input);
  let results = (outs RankedTensorOf<[I8]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QuantX_UnpackOp : QuantX_Op<"unpack", [Pure]> {
  let summary = "Unpack bytes into two 4-bit codes each, low nibble first";
  let description = [{
    Inverse of `quantx.pack`: element `2j` of the result is bits 0-3 of byte
    `j`, element `2j+1` bits 4-7.

    ```mlir
    %q = quantx.unpack %p : tensor<64x64xi8> -> tensor<64x128xi4>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I8]>:$input);
  let results = (outs RankedTensorOf<[QuantX_I4]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QuantX_MatmulOp : QuantX_Op<"matmul", [Pure, AttrSizedOperandSegments]> {
  let summary = "Fused quantized matrix multiplication";
  let description = [{
    Computes `result[m, n] = sum_k A[m, k] * W[n, k]` where the weight `W`
    (`rhs`, shaped `N x K` like a `Linear` layer) is quantized with
    `rhs_scheme`, and the activation `A` (`lhs`, `M x K`) is either float or
    quantized with `lhs_scheme`. 4-bit weights (`i4`, `u4`, `nf4`) are
    passed packed, `N x K/2` bytes, low nibble first.

    Three families, chosen by `lhs_scheme`:

    * **Weight-only (W8A16, W4A16, NF4, FP8 weights)** — no `lhs_scheme`,
      float `lhs`. Each weight is dequantized exactly as `quantx.dequantize`
      does (in f32), the products `f32(A) * W` are accumulated in f32 in
      increasing `k`, and the sum is rounded to the result type. Weight
      scales may be per tensor, per channel or group-wise along either
      dimension.
    * **Integer (W8A8, also W4A8)** — `lhs_scheme` is `i8`/`u8` (per tensor,
      or per row with `axis = 0`), `rhs_scheme` an integer kind (per tensor
      or per output channel with `axis = 0`). `acc = sum_k (A - za) * (W - zw)`
      is computed exactly in i32 (wrapping, like ONNX `MatMulInteger`), then
      `y = f32(acc) * (sa * sw)` (ONNX `QLinearMatMul`/`MatMulInteger`
      followed by a rescale).
    * **FP8** — both schemes FP8, per tensor or per row / per output
      channel; products of decoded values are exact and accumulated in f32,
      then multiplied by `sa * sw`.

    **Group-scaled integer matmuls (W4A8, W8A8 with per-group activation
    scales).** In an integer matmul the input and/or the weight may instead
    have scales per group of `G` consecutive values along K (`axis = 1,
    group = G`, scale shapes `M x K/G` and `N x K/G`); when both are
    grouped they share `G`, and the other operand may be per tensor or per
    row / output channel. Each group's sum
    `acc_g = sum_{k in g} (A - za) * (W - zw)` is exact in i32, and
    `y = sum_g f32(acc_g) * (sa_g * sw_g)` is accumulated in f32 in
    increasing `g` from zero (the scheme of llama.cpp's Q4_0 x Q8_0 dot
    products). Such a matmul needs both scales, a float result, no output
    scheme and no `i32` bias (a float bias is added after the sum). Fast
    kernels may add a group's partial sums after scaling them (exact while
    `|acc_g| < 2^24`, which holds for `G <= 256` with 8-bit codes) and
    reassociate the f32 sum over groups.

    Weight-only matmuls may instead reproduce a source that accumulates in
    a narrower type: with `accumulator_type = T` (`f16` or `bf16`; the input
    and result element types must be `T`), each weight is dequantized as
    above and rounded to `T`, each product `A[m, k] * W[n, k]` is rounded to
    `T` and added to a `T` accumulator in increasing `k`, starting from
    zero: exactly what a `linalg.matmul` on `T` operands with a zero-filled
    `T` accumulator computes on the dequantized weight. Without the
    attribute the sum is kept in f32 and rounded once, which is the more
    accurate result (and the one the fast kernels compute); with it the op
    runs through the reference lowering.

    Integer matmuls without scales (neither `scale` in `weight(...)` nor
    in `input(...)`) return the exact `i32` accumulator, like ONNX
    `MatMulInteger` and `linalg.quantized_matmul`.

    An optional `bias` (shape `N`) is added per output channel:

    * an `i32` bias (integer family only) is added to the accumulator
      before any scaling, `acc' = acc + bias` (wrapping), i.e. the bias is
      quantized with scale `sa * sw` and zero point 0 (the ONNX
      `QLinearConv` and TFLite convention);
    * a float bias (any family with a float result) is added in f32 after
      the rescale, before rounding to the result type: exactly a matmul
      followed by a bias `addf` when the result is f32.

    With an `out_scheme` (per tensor) the epilogue requantizes instead of
    rescaling: `q = quantize(acc * ((sa * sw) / so))` with the output zero
    point, using the rounding and saturation rules of `quantx.quantize`
    (the QLinearMatMul form of the epilogue). The result then has the
    output storage type; a bias must then be `i32`.

    Example (W4A16, int4 groups of 32 along K):

    ```mlir
    %y = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32>
           scale %ws) : (tensor<1x64xf16>, tensor<8x32xi8>, tensor<8x2xf16>)
           -> tensor<1x8xf16>
    ```

    Example (W8A8 with a requantize epilogue):

    ```mlir
    %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws)
           input(#quantx.scheme<u8> scale %as zero_point %az)
           output(#quantx.scheme<u8> scale %os zero_point %oz)
           : (tensor<4x16xi8>, tensor<8x16xi8>, tensor<8xf32>, tensor<f32>,
              tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<4x8xi8>
    ```

    Example (the raw accumulator of `linalg.quantized_matmul`):

    ```mlir
    %acc = quantx.matmul %a, %w weight(#quantx.scheme<i8> zero_point %wz)
             input(#quantx.scheme<i8> zero_point %az)
             : (tensor<4x16xi8>, tensor<8x16xi8>, tensor<i8>, tensor<i8>)
             -> tensor<4x8xi32>
    ```
  }];
  let arguments = (ins
    AnyRankedTensor:$lhs,
    QuantX_StorageTensor:$rhs,
    Optional<QuantX_ScaleTensor>:$rhs_scale,
    Optional<QuantX_ZeroPointTensor>:$rhs_zero_point,
    Optional<QuantX_ScaleTensor>:$lhs_scale,
    Optional<QuantX_ZeroPointTensor>:$lhs_zero_point,
    Optional<QuantX_ScaleTensor>:$out_scale,
    Optional<QuantX_ZeroPointTensor>:$out_zero_point,
    Optional<AnyRankedTensor>:$bias,
    QuantX_SchemeAttr:$rhs_scheme,
    OptionalAttr<QuantX_SchemeAttr>:$lhs_scheme,
    OptionalAttr<QuantX_SchemeAttr>:$out_scheme,
    OptionalAttr<TypeAttr>:$accumulator_type
  );
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs
    `weight` `(` qualified($rhs_scheme) (`scale` $rhs_scale^)?
      (`zero_point` $rhs_zero_point^)? `)`
    (`input` `(` qualified($lhs_scheme)^ (`scale` $lhs_scale^)?
      (`zero_point` $lhs_zero_point^)? `)`)?
    (`bias` `(` $bias^ `)`)?
    (`output` `(` qualified($out_scheme)^ `scale` $out_scale
      (`zero_point` $out_zero_point^)? `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Which of the three matmul families this op belongs to.
    enum class Kind { WeightOnly, Integer, Float8 };
    Kind getKind();

    /// Whether this is an integer matmul returning the raw i32 accumulator.
    bool isRawAccumulator() {
      return getKind() == Kind::Integer && !getRhsScale();
    }

    /// The group size G of a group-scaled integer matmul (input or weight
    /// scales per group of G values along K), or std::nullopt.
    std::optional<int64_t> getScaleGroupSize();

  private:
    ::llvm::LogicalResult verifyBias(int64_t n);
  public:
  }];
}

#endif // QUANTX_OPS
