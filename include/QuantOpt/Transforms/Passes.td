//===- Passes.td - quant-opt transformation passes ----------*- tablegen -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#ifndef QUANTOPT_TRANSFORMS_PASSES
#define QUANTOPT_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

// Options that choose schemes (shared by the passes that take a recipe).
defvar RecipeOptions = [
    Option<"scheme", "scheme", "std::string", "\"w8a8\"",
           "Scheme for every matmul-like op: float, w8a8, w8a8-dynamic, "
           "w8a8-dynamic-row, w8a8-dynamic-group, w4a8-dynamic, w8a16, w8a16-group, "
           "w4a16, w4a16-asym, w4a16-nf4, w4a16-nf4-dq, w8a16-fp8 (FP8 E4M3 weights, "
           "float activations), fp8">,
    Option<"groupSize", "group-size", "int64_t", "128",
           "Group size along the reduction dimension for w8a16-group, w4a16, "
           "w4a16-asym, w4a16-nf4 and w4a8-dynamic (weights and activations), and "
           "of the activation scales of w8a8-dynamic-group">,
    Option<"skipFirst", "skip-first", "bool", "false",
           "Keep the first matmul-like op of the module in float">,
    Option<"skipLast", "skip-last", "bool", "false",
           "Keep the last matmul-like op of the module in float">,
    Option<"recipe", "recipe", "std::string", "\"\"",
           "JSON recipe file (overrides scheme, group-size, skip-first and "
           "skip-last)">,
    Option<"stats", "stats", "std::string", "\"\"",
           "Calibration statistics (JSON from quant-calibrate) for static "
           "activation scales">,
    Option<"method", "method", "std::string", "\"minmax\"",
           "How activation ranges are chosen from statistics: minmax, "
           "percentile, mse, entropy">,
    Option<"percentile", "percentile", "double", "99.99",
           "Percentile for method=percentile">,
    Option<"target", "target", "std::string", "\"cpu\"",
           "Where the model will run: cpu, or an NVIDIA chip sm_XY; schemes "
           "the target cannot run (FP8 below sm_89) are errors">
];

def QuantXInsertFakeQuant
    : Pass<"quantx-insert-fake-quant", "::mlir::ModuleOp"> {
  let summary = "Choose a scheme per matmul-like op and insert fake-quant "
                "and observers";
  let description = [{
    Visits every matmul-like op of the module (`linalg.matmul` in any
    transposition, `linalg.batch_matmul`, and any `linalg.generic` that is a
    contraction), in order, and asks the recipe for its scheme. For a
    quantized scheme it inserts `quantx.fake_quant` on the weight (operand 1)
    and, for W8A8 and FP8, on the activation (operand 0). The model still runs
    in float and simulates the quantized one (QAT and PTQ simulation).

    Weights: constant weights get scales computed here (absmax per output
    channel for 8-bit and FP8, absmax per group of `group-size` along the
    reduction dimension for int4 and NF4); weights that are function
    arguments get per-channel scales computed at run time. Activations: with
    `stats` the scale comes from calibration statistics with `method`;
    without, a `quantx.observe` named `<op name>.input` is inserted instead,
    ready for `quant-calibrate`. `w8a8-dynamic` computes the activation scale
    at run time (absmax per tensor), `w8a8-dynamic-row` per row (per
    token) of a 2-D activation, `w4a8-dynamic` and `w8a8-dynamic-group` per
    row and group of `group-size` along the reduction dimension (with
    `w4a8-dynamic` the weight's int4 groups are the same), which makes the
    matmul a group-scaled integer one.

    Op names come from the op's location (`loc("layers.0.q_proj")`) and
    default to `<function>.<op kind>.<index>`. The recipe is the `scheme`,
    `group-size`, `skip-first` and `skip-last` options, or a JSON file
    (`recipe=FILE`, see docs/Recipes.md). Ops a scheme cannot apply to are
    left in float with a remark.

    Example:

    ```sh
    quant-opt model.mlir --quantx-insert-fake-quant="scheme=w8a8 skip-last=true"
    quant-calibrate model.fq.mlir -i calib.npy -o stats.json
    quant-opt model.mlir --quantx-insert-fake-quant="scheme=w8a8 stats=stats.json method=percentile"
    ```
  }];
  let options = !listconcat(RecipeOptions, [
    Option<"observeInputs", "observe-inputs", "bool", "false",
           "Also observe the inputs of ops with weight-only schemes, for "
           "calibrations that need them (GPTQ's second moments)">
  ]);
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::quantx::QuantXDialect"
  ];
  let statistics = [
    Statistic<"numQuantized", "ops-quantized", "Matmul-like ops given a quantized scheme">,
    Statistic<"numFloat", "ops-float", "Matmul-like ops left in float">
  ];
}

def QuantXFormQuantizedMatmul
    : Pass<"quantx-form-quantized-matmul"> {
  let summary = "Turn fake-quantized matmuls into quantx.matmul with "
                "weights quantized at compile time";
  let description = [{
    Rewrites a 2-D matmul-like op (`linalg.matmul` in either weight layout,
    or a `linalg.generic` contraction) whose accumulator is zero-filled and
    whose weight is `quantx.fake_quant` of a constant into `quantx.matmul`:

    * the weight is quantized here, with exactly the numerics of the
      reference lowering, transposed to `N x K` if needed and packed two per
      byte for 4-bit kinds; no float copy of it remains;
    * a fake-quantized activation (per tensor or per row, integer or FP8)
      becomes a `quantx.quantize` feeding an integer or FP8 matmul, a float
      activation a weight-only matmul.

    Weight-only results are bit-identical to the fake-quantized model's;
    integer and FP8 results differ only by the f32 rounding of the
    rescale (the integer sum itself is exact).

    `linalg.quantized_matmul` (i8 x i8 -> i32) becomes the raw-accumulator
    `quantx.matmul`, its `K x N` weight transposed to `N x K` (at compile
    time when constant). Constant zero points in the i8 range go into the
    matmul; run-time zero points, or constants outside i8, are applied
    exactly around it (`- zb rowsum(a) - za colsum(b) + K za zb`, an
    identity of wrapping i32 arithmetic); an accumulator that is not
    zero-filled is added to the result. A following
    `generic { f32(acc) * s }` with `s` a constant scalar, a rank-0 tensor
    or one value per column becomes that matmul's scale (zero-filled
    accumulator, zero points in the matmul).
    `linalg.quantized_batch_matmul` becomes an `scf.for` over the batch of
    `linalg.quantized_matmul` on slices, each then raised as above.

    Then work after each matmul moves into its epilogue
    (`populateFoldQuantizedMatmulEpiloguePatterns`):

    * **bias**: a following `linalg.generic` computing `x + b[n]` (and
      optionally `max(., 0)`) becomes the matmul's f32 `bias`; the ReLU
      stays as its own generic. Exact.
    * **scales**: constant per-tensor input (and output) scales fold into
      the weight scales, `sw' = f32(f32(sa * sw) / so)` with `sa' = so' = 1`:
      the epilogue multiplies by one per-channel factor; bit-identical.
    * **requantize** (`fold-requantize`, on by default): an integer matmul
      whose f32 result (after an optional ReLU) is quantized per tensor
      for the next layer requantizes directly,
      `q = quantize((acc + bq) * ((sa * sw) / so))`, with the f32 bias
      quantized to `bq = round_half_even(b / (sa * sw))` in i32 and the
      ReLU applied as `max(q, zo)` (exact: quantization is monotonic and
      maps 0 to `zo`). Layers then exchange 8-bit tensors. This is the
      ONNX QLinearMatMul / TFLite arithmetic: compared with the simulated
      (fake-quant) model, the single multiplier and the bias rounding can
      move a value by one code where it lies within about half an
      accumulator unit of a rounding boundary. Turn it off to keep the
      f32 round trip.

    **Accumulation.** A weight-only matmul formed from a contraction that
    accumulates in f16 or bf16 (`linalg.matmul` on f16 operands with an f16
    accumulator, as torch-mlir and IREE emit for half-precision models)
    sums in f32 and rounds once by default (`accumulation=f32`): the more
    accurate result, run by the fast kernels, which can differ from the
    source's in the last bits. `accumulation=source` instead sets the
    matmul's `accumulator_type` to the contraction's element type, so each
    product and partial sum is rounded as the source rounds them: the
    result equals the unfused IR's bit for bit, through the reference
    lowering (slower).

    Example: `quant-opt --quantx-form-quantized-matmul=fold-requantize=false`.
  }];
  let options = [
    Option<"foldRequantize", "fold-requantize", "bool", "true",
           "Turn quantize(matmul [+ bias] [+ ReLU]) into the matmul's "
           "requantize epilogue">,
    Option<"accumulation", "accumulation", "::mlir::quantx::Accumulation",
           "::mlir::quantx::Accumulation::F32",
           "How a weight-only matmul formed from a frontend's f16/bf16 "
           "contraction sums",
           [{::llvm::cl::values(
             clEnumValN(::mlir::quantx::Accumulation::F32, "f32",
                        "in f32, rounded once (more accurate; fast kernels)"),
             clEnumValN(::mlir::quantx::Accumulation::Source, "source",
                        "in the contraction's f16/bf16 accumulator, as the "
                        "source computes it (accumulator_type)"))}]>
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::quantx::QuantXDialect"
  ];
  let statistics = [
    Statistic<"numFormed", "matmuls-formed", "quantx.matmul ops formed">,
    Statistic<"numBiasFused", "biases-fused", "bias additions moved into a matmul">,
    Statistic<"numRequantizeFolded", "requantize-folded",
              "quantize ops folded into a requantize epilogue">
  ];
}

def QuantXQDQToFakeQuant : Pass<"quantx-qdq-to-fake-quant"> {
  let summary = "Turn quantize/dequantize pairs into fake_quant (QAT import)";
  let description = [{
    A `quantx.dequantize` of a `quantx.quantize` with the same scheme, the
    same scale and the same zero point (the same values, or equal
    constants), returning the quantize's input type, is exactly
    `quantx.fake_quant`; this pass rewrites it so. Together with
    `--quantx-from-quant` it imports the Q/DQ pairs that QAT frontends and
    TOSA emit, keeping their learned parameters; `--quantx-ptq` and
    `--quantx-insert-fake-quant` then leave those operands as they are.

    ```sh
    quant-opt qat.mlir --quantx-from-quant --canonicalize --quantx-qdq-to-fake-quant
    ```
  }];
  let dependentDialects = ["::mlir::quantx::QuantXDialect"];
}

def QuantXReport : Pass<"quantx-report", "::mlir::ModuleOp"> {
  let summary = "Report each matmul-like op's scheme, weight size and "
                "weight quantization error";
  let description = [{
    Lists every matmul-like op of the module (in the order the recipe passes
    visit them) with its scheme, its weight's size in its float type and quantized
    (codes plus scales and zero points), the weight's signal-to-quantization-
    noise ratio `10 log10(sum w^2 / sum (w - dequant(quant(w)))^2)` and the
    largest absolute weight error, then the totals. Ops in float say why
    (the recipe rule, or the reason the scheme could not apply).

    Sizes come from the IR: a `quantx.matmul` counts its stored codes,
    scales and zero points; a float weight counts its float bytes. On a
    fake-quantized model (after `--quantx-insert-fake-quant`, where the float
    weights are still there to compare with) a fake-quantized weight counts
    the codes it becomes once formed, with the note `fake-quant`. On a
    quantized model (after `--quantx-ptq`) only sizes are known.
    `--quantx-ptq` takes a `report=FILE` option that measures the errors on
    the fake-quantized weights and settles the sizes after forming: an op
    whose quantized matmul could not be formed is reported as `float`, with
    the reason.

    ```
    $ quant-opt examples/mlp/mlp.mlir --quantx-insert-fake-quant="scheme=w4a16 group-size=32" --quantx-report -o /dev/null
    op                       scheme                       weight        float bytes  quant bytes   ratio  SQNR dB  max |err|  note
    fc1                      i4/g32                       32x64                8192         1280   6.40x    20.10     0.0941  fake-quant: sizes once formed into quantx.matmul
    fc2                      i4/g32                       10x32                1280          200   6.40x    18.92      0.123  fake-quant: sizes once formed into quantx.matmul
    total                                                                      9472         1480   6.40x
    ```
  }];
  let options = [
    Option<"format", "format", "std::string", "\"text\"",
           "text or json">,
    Option<"output", "output", "std::string", "\"-\"",
           "Where to write the report (- for stderr)">
  ];
}

def QuantXUnbatchMatmul : Pass<"quantx-unbatch-matmul"> {
  let summary = "Batch matmuls with one weight for every batch -> 2-D matmuls";
  let description = [{
    A linear layer on a 3-D activation often reaches linalg as a batch
    matmul: `tosa.matmul` (through `--tosa-to-linalg-pipeline`) carries a
    weight of batch 1, torch-mlir broadcasts a 2-D weight over the batch
    with `linalg.broadcast`. When every batch multiplies the same weight,
    this pass rewrites the contraction (`linalg.batch_matmul`, or any
    batch x M x N x K contraction with batch-major operands, the weight K x N
    or N x K) into one `linalg.matmul` on the activation with batch and rows
    merged, between `tensor.collapse_shape` and `tensor.expand_shape`; a zero
    fill of the accumulator stays a fill. The op's discardable attributes
    (recipe rules) move to the matmul, and `quantx.source_op` records the
    original op so that the matmul keeps its name (`f.batch_matmul.0`) for
    statistics, recipes and reports. `--quantx-ptq` runs it first,
    so such layers are quantized like any other; batch matmuls with a weight
    per batch (attention) are left alone.

    ```mlir
    %y = linalg.batch_matmul ins(%x, %w : tensor<1x4x8xf32>, tensor<1x8x6xf32>)
           outs(%acc : tensor<1x4x6xf32>) -> tensor<1x4x6xf32>
    // becomes
    %x2 = tensor.collapse_shape %x [[0, 1], [2]] : tensor<1x4x8xf32> into tensor<4x8xf32>
    %w2 = tensor.collapse_shape %w [[0, 1], [2]] : tensor<1x8x6xf32> into tensor<8x6xf32>
    %y2 = linalg.matmul ins(%x2, %w2 : ...) outs(%acc2 : tensor<4x6xf32>) -> tensor<4x6xf32>
    %y = tensor.expand_shape %y2 [[0, 1], [2]] ... : tensor<4x6xf32> into tensor<1x4x6xf32>
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def QuantXRaiseDequantization : Pass<"quantx-raise-dequantization"> {
  let summary = "Recognize frontend dequantization in linalg.generic as "
                "quantx.dequantize";
  let description = [{
    Frontends (torch-mlir, IREE importers, hand-written IR) spell weight
    dequantization as an elementwise `linalg.generic` whose body converts an
    i4/i8 code to float (`extui`/`extsi`, `uitofp`/`sitofp`), optionally
    subtracts a zero point, and multiplies by a scale. This pass rewrites
    such a generic into `quantx.dequantize` with the equivalent scheme
    (unsigned codes for `extui`/`uitofp`, signed for `extsi`/`sitofp`);
    `--quantx-form-quantized-matmul` (or `--quantx-ptq`) then fuses it into
    `quantx.matmul`, so the weights stay packed until the kernel's inner
    loop. Recognized layouts of the scale and zero point:

    * per tensor (`() `), per channel (`(d_a)`), and per group along one
      dimension of a 2-D weight (`(n, k floordiv G)`);
    * IREE's and torch-mlir's grouped layout: codes `N x K/G x G` with
      scales `N x K/G` read through `(d0, d1)`, or `N x K/G x 1` through
      `(d0, d1, 0)`. The codes are collapsed to `N x K` with groups of `G`
      along `K`, and a `linalg.generic` contraction reading the weight with
      two reduction dimensions is merged into a plain matmul (its other
      adjacent dimensions that all operands read contiguously, such as
      unit batch dimensions, are merged too).

    Scales may be constants or run-time values (function arguments),
    f32/f16/bf16. A float zero point that is a constant must hold integer
    codes in the storage range; a run-time float zero point is converted to
    the storage type at run time only with `assume-integer-zero-points=true`
    (a fractional value would be truncated), otherwise the generic is left
    as it is.

    ```mlir
    %w = linalg.generic {indexing_maps = [(n, k) -> (n, k), (n, k) -> (n, k floordiv 32), (n, k) -> (n, k)], ...}
        ins(%q, %s : tensor<64x128xi4>, tensor<64x4xf16>) outs(...) {
      ^bb0(%c: i4, %sc: f16, %o: f16):
        %e = arith.extsi %c : i4 to i32
        %f = arith.sitofp %e : i32 to f16
        %d = arith.mulf %f, %sc : f16
        linalg.yield %d : f16
    }
    // becomes
    %w = quantx.dequantize %q as #quantx.scheme<i4, axis = 1, group = 32>
           scale(%s : tensor<64x4xf16>) : tensor<64x128xi4> -> tensor<64x128xf16>
    ```
  }];
  let options = [
    Option<"assumeIntegerZeroPoints", "assume-integer-zero-points", "bool", "false",
           "Raise generics whose float zero point is a run-time value, "
           "converting it to integer codes at run time (exact when the values "
           "are integers in the storage range, as quantizers write them)">
  ];
  let dependentDialects = ["::mlir::quantx::QuantXDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def QuantXSmoothQuant : Pass<"quantx-smooth-quant", "::mlir::ModuleOp"> {
  let summary = "SmoothQuant: migrate activation outliers into the weights";
  let description = [{
    For each matmul-like op with a constant weight whose input has
    per-channel calibration statistics (observer `<op name>.input`, as
    `--quantx-insert-fake-quant` inserts them), computes per input channel j

    ```
    s_j = max|X_j|^alpha / max|W_:,j|^(1 - alpha)
    ```

    (Xiao et al. 2022), multiplies the weight's column j by s_j and divides
    the activation's channel j by s_j **by folding 1/s_j into the producer**:
    the input must come from another matmul-like op with a constant weight
    (its output channel j, i.e. weight row j, is scaled) through elementwise
    ops that commute with positive per-channel scaling (a per-channel bias
    add, which is scaled too, `max(x, 0)`, a per-channel multiply). No extra
    multiply is left in the model. Ops whose input cannot be folded (e.g. a
    function argument) are left unsmoothed with a remark.

    The factors are recorded on the op (`quantx.smooth`) so that static
    activation scales are computed from the smoothed channel ranges.
  }];
  let options = [
    Option<"alpha", "alpha", "double", "0.5",
           "Migration strength in [0, 1]: 0 keeps the activations, 1 moves "
           "all of their range into the weights">,
    Option<"stats", "stats", "std::string", "\"\"",
           "Calibration statistics with per-channel input ranges (required)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numSmoothed", "ops-smoothed", "Matmul-like ops smoothed">
  ];
}

def QuantXGPTQ : Pass<"quantx-gptq", "::mlir::ModuleOp"> {
  let summary = "GPTQ: quantize weights column by column with Hessian "
                "error compensation";
  let description = [{
    For each matmul-like op whose recipe scheme is weight-only integer or NF4
    (`w8a16`, `w8a16-group`, `w4a16`, `w4a16-asym`, `w4a16-nf4`) and whose
    f32 constant weight's input has a second moment in the statistics
    (`quant-calibrate --second-moments`), runs GPTQ (Frantar et al. 2022):
    with `H = E[x x^T]` (damped by `damp` times its mean diagonal), the
    reduction columns are quantized in order and each column's rounding
    error is spread over the columns not yet quantized through the upper
    Cholesky factor of `H^-1`. Group scales are computed from the updated
    weights when a group starts, as in the reference implementation.

    The result is the weight's values on the quantization grid wrapped in
    `quantx.fake_quant` with the scales GPTQ used, so
    `--quantx-insert-fake-quant` keeps them and
    `--quantx-form-quantized-matmul` turns them into the same codes.
    `--quantx-ptq algorithm=gptq` runs it for you.
  }];
  let options = !listconcat(RecipeOptions, [
    Option<"damp", "damp", "double", "0.01",
           "Dampening added to H's diagonal, relative to its mean diagonal">,
    Option<"progress", "progress", "bool", "false",
           "Print progress lines (layers done, time, time left) to stderr">
  ]);
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quantx::QuantXDialect"];
  let statistics = [
    Statistic<"numQuantized", "ops-quantized", "Weights quantized by GPTQ">
  ];
}

def QuantXApplyLoRA : Pass<"quantx-apply-lora", "::mlir::ModuleOp"> {
  let summary = "Add LoRA adapters (PEFT layout) to the linear layers they "
                "adapt, unmerged, over float or quantized weights";
  let description = [{
    Reads an adapter directory as PEFT saves it (`adapter_config.json` with
    `r`, `lora_alpha`, optionally `use_rslora`; `adapter_model.safetensors`
    with `base_model.model.<layer>.lora_A.weight`, r x K, and
    `...lora_B.weight`, N x r) and adds to every matmul whose weight is the
    parameter `<layer>.weight` (in float, dequantized, or the
    `<layer>.qweight` codes of a weight-only `quantx.matmul`)

        y = x W^T + (x (s A)^T) B^T,   s = lora_alpha / r (alpha / sqrt(r) with use_rslora)

    as two f32 `linalg.matmul`s on inline constants and a `linalg.add`: the
    base weights stay as they are (NF4, int4, int8: QLoRA inference). The
    adapter matmuls carry `quantx.lora` and are never quantized. Run it
    after quantization (`--quantx-ptq lora=DIR` does); to merge the update
    into the weights before quantization instead, use `--quantx-ptq
    lora=DIR lora-merge=true`. An adapter layer that matches no matmul, or
    whose shapes differ from the layer's, is an error; a layer whose
    activation is quantized (integer matmul) is left without its adapter,
    with a remark.
  }];
  let options = [
    Option<"adapter", "adapter", "std::string", "\"\"",
           "Adapter directory (adapter_config.json, adapter_model.safetensors)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
  let statistics = [
    Statistic<"numAdapted", "layers-adapted", "Linear layers given their adapter">
  ];
}

def QuantXAWQ : Pass<"quantx-awq", "::mlir::ModuleOp"> {
  let summary = "AWQ: activation-aware per-channel weight scaling";
  let description = [{
    For each matmul-like op whose recipe scheme is weight-only (`w8a16`,
    `w8a16-group`, `w4a16`, `w4a16-asym`, `w4a16-nf4`) and whose input has a
    second moment in the statistics (`quant-calibrate --second-moments`),
    searches the AWQ exponent (Lin et al. 2023): with the input channels'
    RMS magnitudes `a_j = sqrt(E[x_j^2])` and `s_j = a_j^alpha` (normalized
    by `sqrt(max s * min s)`), it picks the `alpha` in 0, 1/grid, ..., 1 that
    minimizes the layer's expected output error
    `sum_n (Q(W s) / s - W)_n^T E[x x^T] (Q(W s) / s - W)_n` under the
    recipe's round-to-nearest quantizer `Q`. The weight's column j is then
    multiplied by `s_j` and `1/s_j` is folded into the producing matmul and
    commuting elementwise ops (as SmoothQuant does); no extra multiply is
    left. `alpha = 0` is plain RTN, so the chosen scaling never has a larger
    calibrated error. Ops whose input cannot be folded are left alone with a
    remark. `--quantx-ptq algorithm=awq` runs it before quantizing.
  }];
  let options = !listconcat(RecipeOptions, [
    Option<"grid", "grid", "int64_t", "20",
           "Number of steps of the alpha search over [0, 1]">,
    Option<"progress", "progress", "bool", "false",
           "Print progress lines (layers done, time, time left) to stderr">
  ]);
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quantx::QuantXDialect"];
  let statistics = [
    Statistic<"numScaled", "ops-scaled", "Weights scaled by AWQ">
  ];
}

def QuantXQuantizeParameters
    : Pass<"quantx-quantize-parameters", "::mlir::ModuleOp"> {
  let summary = "Quantize weights held in a parameter file, one matmul at a "
                "time, into a new parameter file";
  let description = [{
    For models whose weights live in a parameter file (safetensors, single
    or sharded) and are named in the IR by `ml_program.global` /
    `ml_program.global_load_const` (see docs/Parameters.md). Every
    matmul-like op whose weight is such a parameter and whose recipe choice
    is a weight-only scheme (`w8a16`, `w8a16-group`, `w4a16`, `w4a16-asym`,
    `w4a16-nf4`, `w4a16-nf4-dq`, `w8a16-fp8`) becomes a weight-only `quantx.matmul` whose packed codes,
    scales and double-quantized scales are new parameters written to
    `output`, with the numerics of `--quantx-ptq` (bit-identical codes,
    scales and zero points). Weights are read from the memory-mapped file one at a time and
    their pages released after use, and the output is streamed to disk, so
    memory stays near one weight matrix in f32 whatever the model's size.
    Parameters the model still reads in their original form (norms,
    embeddings, weights kept in float) are copied to `output`, which is then
    the model's only parameter file: the module's `quantx.parameters`
    attribute names it. The output is written to a temporary name and
    renamed when complete.

    `algorithm=gptq` quantizes each weight with GPTQ's error feedback on
    the second moment of its input (`stats=`). `algorithm=awq` first
    scales the input channels of the weights that read one normalization's
    output (q/k/v, gate/up of a pre-norm transformer) by one shared vector
    `s`, chosen on a grid of `alpha` as the input's per-channel RMS to the
    power alpha to minimize the sum of the weights' output errors
    `d^T H d`, and divides `s` out of the normalization's gain parameter
    (an elementwise `linalg.generic` yielding a product with a 1-D
    parameter along the channel): the new gain is written to `output` in
    its own dtype and the weights are scaled by the old gain over the
    stored new one, so the model's function is unchanged before rounding.
    Weights whose input is not such a normalization's output (o_proj,
    down_proj), whose gain is read elsewhere, or without statistics are
    quantized with RTN and a remark.

    `algorithm=smoothquant` does the same with SmoothQuant's factors
    `s_j = max|x_j|^alpha / max|W_:,j|^(1 - alpha)` (the maximum over the
    group's weights, `x_j`'s range from `stats=`) for schemes that quantize
    activations, and marks the matmuls with `quantx.smooth` so that static
    activation scales come from the smoothed ranges.

    Schemes that quantize activations too (`w8a8`, `w8a8-dynamic`,
    `w8a8-dynamic-row`, `w8a8-dynamic-group`, `fp8`) store their weight
    codes per output channel (i8 or FP8 E4M3, symmetric) with f32 scales
    (`w4a8-dynamic`: int4 codes per group along K, packed); the `linalg.matmul` then
    reads a `quantx.dequantize` of them, which the rest of `--quantx-ptq`
    turns into an integer (or FP8) matmul on the stored codes. This needs a
    `linalg.matmul` with the weight in the Linear (N x K) layout.

    Statistics are looked up by op name; an op named `NAME#k` (the same
    layer in another function, e.g. `@decode` beside `@prefill`) uses
    `NAME`'s when it has none of its own.

    Ops the path cannot take (other schemes, weights that are not
    parameters, layouts quantx.matmul lacks) are left for the rest of
    `--quantx-ptq`, with a remark when their weight is a parameter.

    ```sh
    quant-opt model.mlir --quantx-quantize-parameters="params=model.safetensors.index.json output=model.w4.safetensors scheme=w4a16" -o model.w4.mlir
    ```
  }];
  let options = !listconcat(RecipeOptions, [
    Option<"params", "params", "std::string", "\"\"",
           "Input parameter file: .safetensors or a sharded checkpoint's "
           ".index.json (default: the module's quantx.parameters attribute)">,
    Option<"output", "output", "std::string", "\"\"",
           "Output parameter file (.safetensors) for the quantized weights">,
    Option<"progress", "progress", "bool", "false",
           "Print one line per quantized weight to stderr (name, shape, time)">,
    Option<"algorithm", "algorithm", "std::string", "\"rtn\"",
           "rtn (round to nearest), gptq or awq (both need stats=FILE with "
           "second moments, JSON or .safetensors from quant-calibrate "
           "--second-moments; ops without them fall back to rtn with a "
           "remark), or smoothquant (w8a8/fp8 schemes; needs stats=FILE "
           "with per-channel input ranges)">,
    Option<"grid", "grid", "int64_t", "20",
           "AWQ: number of steps of the alpha search over [0, 1]">,
    Option<"alpha", "alpha", "double", "0.5",
           "SmoothQuant migration strength in [0, 1]">,
    Option<"lora", "lora", "std::string", "\"\"",
           "LoRA adapter directory (PEFT layout) to merge into the weights "
           "before they are quantized">,
    Option<"damp", "damp", "double", "0.01",
           "GPTQ dampening: this times the mean diagonal is added to the "
           "Hessian's diagonal">,
    Option<"tileWeights", "tile-weights", "bool", "true",
           "With target=cpu, store the codes of weight-only matmuls in the "
           "CPU kernels' tiled layout (tiles of 4 rows x 16 bytes: N/4 x K/32 "
           "x 4 x 16 for 4-bit codes, N/4 x K/16 x 4 x 16 for 8-bit, read "
           "through linalg.unpack; N a multiple of 4)">
  ]);
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::ml_program::MLProgramDialect",
    "::mlir::quantx::QuantXDialect"
  ];
  let statistics = [
    Statistic<"numQuantized", "quantized-weights", "Parameter weights quantized">,
    Statistic<"numCopied", "copied-parameters", "Parameters copied unchanged">
  ];
}

def QuantXPTQ : Pass<"quantx-ptq", "::mlir::ModuleOp"> {
  let summary = "Post-training quantization in one step: recipe, "
                "calibrated scales, quantized weights, fused matmuls";
  let description = [{
    Runs `--quantx-raise-dequantization` (weights a frontend already
    quantized keep their codes), `--quantx-insert-fake-quant` with the given
    options and then `--quantx-form-quantized-matmul`, turning a float model
    into a quantized one that runs through `--quantx-cpu-pipeline`.

    Static W8A8 and FP8 need activation statistics (`stats=FILE` from
    `quant-calibrate`); `w8a8-dynamic` and the weight-only schemes do not.

    Batch matmuls whose weight is the same in every batch (TOSA's batch-1
    weights, broadcast weights) are made 2-D first
    (`--quantx-unbatch-matmul`). A matmul-like op whose quantized matmul
    cannot be formed (a different weight per batch, a weight that is not a
    constant, an activation scheme without a quantized matmul) is not left
    simulating quantization at run time: its fake-quant ops are removed, it
    gets a remark and `quantx.kept_float` with the reason.

    ```sh
    quant-opt model.mlir --quantx-ptq="scheme=w8a8-dynamic" -o model.q.mlir
    quant-opt model.mlir --quantx-ptq="scheme=w8a8 stats=stats.json method=percentile"
    ```
  }];
  let options = !listconcat(RecipeOptions, [
    Option<"algorithm", "algorithm", "std::string", "\"rtn\"",
           "rtn (round to nearest), smoothquant (SmoothQuant before RTN; needs "
           "stats), gptq or awq (weight-only schemes, and gptq for w4a8-dynamic's "
           "weights in parameter files; need stats with second moments)">,
    Option<"alpha", "alpha", "double", "0.5",
           "SmoothQuant migration strength">,
    Option<"report", "report", "std::string", "\"\"",
           "Write the --quantx-report table (weight sizes and errors) of the "
           "fake-quantized model to this file (- for stderr)">,
    Option<"reportFormat", "report-format", "std::string", "\"text\"",
           "Format of the report: text or json">,
    Option<"foldRequantize", "fold-requantize", "bool", "true",
           "Let integer matmuls requantize directly for the next layer "
           "(see --quantx-form-quantized-matmul)">,
    Option<"params", "params", "std::string", "\"\"",
           "Parameter file of a model whose weights are parameter globals "
           "(default: the module's quantx.parameters attribute)">,
    Option<"paramsOut", "params-out", "std::string", "\"\"",
           "Write the quantized parameters to this file: runs "
           "--quantx-quantize-parameters first (needed when weights are "
           "parameter globals)">,
    Option<"tileWeights", "tile-weights", "bool", "true",
           "Parameter files written for target=cpu hold weight-only codes "
           "in the CPU kernels' tiled layout (see "
           "--quantx-quantize-parameters)">,
    Option<"progress", "progress", "bool", "false",
           "Print progress to stderr: one line per quantized parameter "
           "weight, and layers done / time left of GPTQ and AWQ">,
    Option<"lora", "lora", "std::string", "\"\"",
           "LoRA adapter directory (PEFT layout): applied unmerged over the "
           "quantized layers (--quantx-apply-lora) after quantization, or "
           "merged into the weights before it with lora-merge=true">,
    Option<"loraMerge", "lora-merge", "bool", "false",
           "Merge the LoRA adapter into the float weights before they are "
           "quantized (weights in a parameter file)">,
    Option<"assumeIntegerZeroPoints", "assume-integer-zero-points", "bool", "false",
           "Also keep frontend-quantized weights whose float zero points are "
           "run-time values (--quantx-raise-dequantization's option)">,
    Option<"accumulation", "accumulation", "::mlir::quantx::Accumulation",
           "::mlir::quantx::Accumulation::F32",
           "How a weight-only matmul formed from a frontend's f16/bf16 "
           "contraction sums",
           [{::llvm::cl::values(
             clEnumValN(::mlir::quantx::Accumulation::F32, "f32",
                        "in f32, rounded once (more accurate; fast kernels)"),
             clEnumValN(::mlir::quantx::Accumulation::Source, "source",
                        "in the contraction's f16/bf16 accumulator, as the "
                        "source computes it (accumulator_type)"))}]>
  ]);
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::quantx::QuantXDialect"
  ];
}

#endif // QUANTOPT_TRANSFORMS_PASSES
