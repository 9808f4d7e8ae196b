//===- Passes.td - quant-opt conversion passes --------------*- tablegen -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
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
    this pass runs). No broadcast copies of scales are materialized: groups
    along the innermost dimension (activations quantized per group of K,
    weights dequantized per group) split that dimension into (K / G, G)
    through `tensor.expand_shape`, so the scale is indexed by the group loop
    and the innermost loop stays affine (LLVM vectorizes it); groups along
    an outer dimension, and the matmuls' group-wise sums, index the scale by
    a `floordiv` map. Static and dynamic shapes are both supported.

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

def QuantXMatmulKernels : Pass<"quantx-matmul-kernels", "::mlir::ModuleOp"> {
  let summary = "Replace weight-only quantx.matmul (and Linear-layout f32 "
                "matmuls) with vectorized CPU kernels";
  let description = [{
    The fast CPU path for matrix-vector and small-batch products, which are
    bound by reading the weights. Each eligible op becomes a call to a
    private kernel function on memrefs (one per shape and scheme, shared by
    all ops that need it), written with `scf` and `vector` ops:

    * the output channels are split into tiles of `rows` weight rows; each
      tile is an iteration of an `scf.parallel` loop (one per thread once
      lowered to OpenMP);
    * for every input row, each weight row is streamed once in its storage
      format: 4-bit weights are loaded packed (`vector-width / 2` bytes) and
      split into nibbles in registers (`andi`/`shrui`, interleaved with a
      `vector.shuffle`), int8/FP8 codes are loaded as bytes; the codes are
      decoded to f32 with the same `QuantXNumerics` functions as the
      reference lowering (NF4: the code-book select tree in registers, or
      with `x86-permute` a table lookup that becomes `vpermps`);
    * 4-bit and 8-bit codes (N a multiple of 4, the row's bytes of 16,
      `vector-width` up to 16) are read in tiles of 4 rows x 16 bytes,
      `[N/4][bytes/16][4][16]`, so a tile of 4 output channels streams one
      64-byte line per 32 (4-bit) or 16 (8-bit) codes in order (one sequential stream per thread instead of four), with a
      software prefetch `prefetch-bytes` ahead: constants are re-laid out
      at compile time (`tile-weights`, a new `dense_resource`), and a
      weight that is `linalg.unpack` of that layout (parameter files
      written by `--quantx-quantize-parameters` for `target=cpu`) is read
      from the unpack's source;
    * 4-bit kernels split the activations into even and odd positions once
      per call (a scratch buffer), so low and high nibbles meet their
      activations without shuffles; `b & 0xF0` (and `b << 4` for signed
      low nibbles) is used as `16 q` against activations divided by 16,
      and for i4 without zero points the bytes are sign-extended to i32
      first, `sext(b) & ~15` giving `16 q` (high) and `sext(b) << 28`
      giving `2^28 q` (low, against activations times 2^-28), which gives
      the same f32 products (scaling by a power of two is exact, barring
      subnormal activations);
    * with one input row, products are accumulated with `vector.fma` per
      group and each group's sum is multiplied by its scale once
      (`sum_g s_g * sum_k a_k q_k`); tiles of `m-rows` input rows instead
      scale the decoded weights (`a_k * (q_k s_g)`, the reference's
      products) and reuse each decoded vector for all of them. Sums are
      formed lane-wise with fused multiply-adds and then reduced across
      lanes: float reassociation is the only numeric difference from
      `--quantx-lower-to-linalg`.

    Integer (W8A8) kernels compute the exact i32 sums of 8-bit codes: by
    default as pairs of products on 16-bit lanes summed into 32-bit lanes
    (`vpmaddwd`); with `vnni`, four byte products per 32-bit lane, one
    operand read unsigned and the other signed (`vpdpbusd`): u8 x i8 and
    i8 x u8 need nothing else; for i8 x i8 the weight is read as `w + 128`
    (unsigned) and `128 * sum_k a` is subtracted per input row, for u8 x u8
    as `w - 128` (signed) and the same sum added (the input row sums are
    computed once per call), so the sums stay exact (modulo 2^32, as the
    reference's).

    Eligible: weight-only `quantx.matmul` with a static weight shape and K,
    scales per tensor, per output channel or grouped along K with a group
    size that is a multiple of `vector-width`, K a multiple of
    `vector-width`; and `linalg.matmul`/contraction `linalg.generic` with f32
    operands, a row-major `M x K` input and a zero-filled accumulator, which
    gives the float baseline the same code structure. With the weight in
    `N x K` (Linear) layout the kernel is the one above; with the weight in
    `K x N` (plain `linalg.matmul`, N a multiple of `vector-width`) it is
    kind `cpu.float_kn`, with output columns in lanes (no reduction across
    lanes): per k, each weight vector is loaded once and multiplied into the
    broadcast activation of every input row of the tile. The parallel loop
    runs over blocks of up to 16 vectors of N; a single input row takes the
    whole block per k, tiles of `m-rows` input rows `rows` vectors at a
    time, with the weight rows prefetched ahead (their stride is N floats).
    From `2 * m-rows` input rows (or `panel-min-m` if fewer; never if 0) the
    weights are packed: K in chunks whose `rows`-vector panels fit in L1,
    each chunk's block copied once into contiguous panels that all input
    rows then run over (the next chunk prefetched meanwhile), the sums
    continued in the output across chunks in increasing k.
    Anything else is left for the reference lowering.

    With `vector-width` above 8, a matmul that the wide kernel cannot take
    (K, N or the group size not a multiple of its step) gets the 8-lane
    kernel instead, when that one can.

    The defaults are the portable choice (8 lanes, no x86 intrinsics);
    `--quantx-cpu-pipeline` picks the vector width and `x86-permute` from
    its `cpu-features` and forwards its `kernel-*` options.

    Example: `quant-opt --quantx-matmul-kernels="vector-width=16 rows=4"`.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", "8",
           "f32 lanes per vector (8 for AVX2, 16 for AVX-512)">,
    Option<"rows", "rows", "int64_t", "0",
           "Weight rows (output channels) per tile (0: 2 for vectors of up "
           "to 8 lanes, 4 for 16 or more)">,
    Option<"mRows", "m-rows", "int64_t", "4",
           "Input rows sharing each decoded weight vector (1: none)">,
    Option<"panelMinM", "panel-min-m", "int64_t", "16",
           "From this many input rows on, weight-only kernels decode each "
           "tile's weights once into an f32 panel and run all rows against "
           "it (0: never)">,
    Option<"x86Permute", "x86-permute", "bool", "false",
           "Look NF4 codes up in a constant table with vector.gather, which "
           "the CPU pipeline turns into x86 vpermps after bufferization "
           "(AVX2 for 8 lanes, AVX-512F for 16), instead of a select tree">,
    Option<"parallel", "parallel", "bool", "true",
           "Emit the tile loop as scf.parallel (else scf.for)">,
    Option<"includeFloat", "include-float", "bool", "true",
           "Also replace f32 Linear-layout matmuls (the float baseline)">,
    Option<"vnni", "vnni", "bool", "false",
           "Integer kernels multiply four bytes per 32-bit lane (the shape "
           "of x86 vpdpbusd, AVX512-VNNI / AVX-VNNI) instead of 16-bit "
           "pairs, where K is a multiple of 4 x vector-width">,
    Option<"tileWeights", "tile-weights", "bool", "true",
           "Weight-only kernels read constant 4- and 8-bit codes re-laid "
           "out at compile time in tiles of 4 rows x 16 bytes (one "
           "sequential stream per thread; N a multiple of 4, the row's "
           "bytes of 16, vector-width <= 16)">,
    Option<"prefetchBytes", "prefetch-bytes", "int64_t", "4096",
           "Tiled weights: prefetch the weight stream this many bytes "
           "ahead (0: no software prefetch)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
  let statistics = [
    Statistic<"numReplaced", "matmuls-replaced", "matmuls replaced by kernel calls">,
    Statistic<"numKernels", "kernels", "kernel functions generated">
  ];
}

def QuantXGPUMatmulKernels : Pass<"quantx-gpu-matmul-kernels", "::mlir::ModuleOp"> {
  let summary = "Replace weight-only quantx.matmul with NVIDIA GPU "
                "matrix-vector / small-batch kernels (gpu.launch_func)";
  let description = [{
    The decode path on NVIDIA GPUs, bound by reading the weights. Each
    eligible op becomes a `gpu.launch_func` of a kernel in the module's
    `gpu.module @__quantx_gpu_kernels` (one per shape and scheme, shared by
    all ops that need it), written with `gpu`, `scf` and `vector` ops:

    * grid `(N / warps, S, ceil(M / rows))`, block `(32, warps)`: each warp
      owns one output channel, `rows` input rows and split `y` of K;
    * lane `l` reads the 16-byte chunks `l, l + 32, ...` of its weight row
      in storage format with one aligned 128-bit load each (a coalesced
      512-byte access per warp and step); 4-bit codes are split into
      nibbles in registers and decoded with the same `QuantXNumerics`
      functions as the reference lowering (NF4 via a 16-entry code book in
      shared memory, FP8 at the bit level); group scales and zero points
      are applied per chunk;
    * products are accumulated lane-wise in f32, reduced per lane and then
      across the warp with `gpu.shuffle xor`;
    * with `S > 1` (split-K) each split writes an f32 partial to a
      workspace and a second kernel adds them in split order
      (deterministic), adds the bias and rounds to the result type.

    With a static M of at least `mma-min-m` rows, f16 or bf16 activations
    and integer (int4/uint4/int8/uint8) or FP8 weights, the op instead
    becomes a tensor-core kernel (sm_80 and newer): each warp computes
    `16 mma-m-tiles x 8 mma-n-tiles` outputs with `nvvm.mma.sync` m16n8k16
    (f16/bf16 operands, f32 accumulators). Weights are decoded in registers
    to exact f16/bf16 values (`q - zero_point`, or the FP8 value) and the
    scales are applied to the f32 sums (per block of K for group-wise
    scales, whose groups must be multiples of the K block: 128 codes for
    4-bit, 64 for 8-bit), so products are exact. Within a K block, thread
    `t` of each quad reads its own contiguous 16-byte weight chunk and the
    activations at the same K positions: the mma sums over the K slots
    that a thread holds in both operands, so this assignment keeps loads
    contiguous without changing the result. The block's activations for
    the next K block are copied to shared memory with `cp.async`
    (`nvgpu.device_async_copy`, two stages, rows padded against bank
    conflicts) while the current one is multiplied (`mma-stage-a`); the
    weights go straight from global memory to registers, each byte read
    once per block row. Integer (W8A8) `quantx.matmul`
    with 8-bit codes becomes an mma.sync m16n8k32 kernel (s8/u8, i32
    accumulators wrapping like the reference) followed by the reference
    epilogue on tensors. With `tensor-cores` (the default) an integer
    matmul on a chip before sm_80, or an FP8 x FP8 matmul on a chip before
    sm_89, is an error (there are no such tensor cores to use);
    `tensor-cores=false` leaves them to CUDA-core code.

    Float reassociation is the only numeric difference from
    `--quantx-lower-to-linalg`. Eligible for the GEMV kernel: weight-only `quantx.matmul` with a
    static weight shape and K, f32/f16/bf16 activations, scales and
    results, scales per tensor, per output channel or grouped along K with
    a group that is a multiple of a chunk (32 codes for 4-bit, 16 for
    8-bit), and K a multiple of a chunk. Operands must be 16-byte aligned
    (as `cudaMalloc` and `gpu.alloc` memory is). Anything else is left for
    the reference lowering.

    Example: `quant-opt --quantx-gpu-matmul-kernels="warps=4 rows=4"`.
  }];
  let options = [
    Option<"warps", "warps", "int64_t", "4",
           "Warps per block, one output channel each (halved until it "
           "divides N)">,
    Option<"rows", "rows", "int64_t", "4",
           "Input rows per block (f32 accumulators per lane)">,
    Option<"splitK", "split-k", "int64_t", "0",
           "Splits of K (0: the smallest power of two giving about two "
           "blocks per SM)">,
    Option<"smCount", "sm-count", "int64_t", "132",
           "Streaming multiprocessors of the target (132 on H100 SXM)">,
    Option<"chip", "chip", "std::string", "\"sm_90\"",
           "Target architecture (sm_70 to sm_90a): decides which tensor "
           "cores exist">,
    Option<"tensorCores", "tensor-cores", "bool", "true",
           "Use mma.sync tensor-core kernels (and reject integer/FP8 "
           "matmuls on chips without such tensor cores)">,
    Option<"mmaMinM", "mma-min-m", "int64_t", "17",
           "Static M from which weight-only matmuls use tensor cores">,
    Option<"mmaMTiles", "mma-m-tiles", "int64_t", "2",
           "16-row mma tiles per warp">,
    Option<"mmaNTiles", "mma-n-tiles", "int64_t", "4",
           "8-column mma tiles per warp (halved until the block divides N)">,
    Option<"mmaStageA", "mma-stage-a", "bool", "true",
           "Stage the tensor-core kernels' activations in shared memory with "
           "double-buffered cp.async copies (shared by the block's warps)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
  let statistics = [
    Statistic<"numReplaced", "matmuls-replaced", "matmuls replaced by kernel launches">,
    Statistic<"numKernels", "kernels", "GPU kernel functions in the module">
  ];
}

def QuantXGPUDeviceMemory : Pass<"quantx-gpu-device-memory", "::mlir::ModuleOp"> {
  let summary = "Put the buffers of host functions in GPU memory (gpu.alloc, "
                "gpu.memcpy) and reject host accesses to them";
  let description = [{
    The calling convention of `--quantx-gpu-pipeline`: every memref that a
    host function receives, allocates or returns lives in GPU memory, and
    the host code only allocates, copies and launches kernels. On bufferized
    code whose loops have become `gpu.launch` ops, this pass rewrites the
    host side:

    * `memref.alloc`/`memref.dealloc` become `gpu.alloc`/`gpu.dealloc`;
    * `memref.copy` becomes `gpu.memcpy` (contiguous buffers only);
    * a `memref.get_global` (a constant) used by GPU code is uploaded once
      per call (`gpu.alloc` + `gpu.memcpy`, freed at the end of its block);
      host uses keep the host global. Pass large weights as arguments to
      avoid the upload.

    Any remaining host operation that reads or writes a buffer in GPU
    memory (for example a computation with no parallel loop, which the
    pipeline cannot map to a kernel) is a located error rather than a crash
    at run time.

    Example: after `convert-parallel-loops-to-gpu`,
    `quant-opt --quantx-gpu-device-memory`.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::memref::MemRefDialect"];
  let statistics = [
    Statistic<"numAllocs", "allocs", "host allocations moved to GPU memory">,
    Statistic<"numCopies", "copies", "copies turned into gpu.memcpy">,
    Statistic<"numUploads", "uploads", "constants uploaded to GPU memory">
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
    type) is left unchanged and a remark says why; with `require-all` it
    is an error instead (the CPU and GPU pipelines run the pass so, first,
    before anything could fold `dcast(qcast(x))` to `x` and lose the
    rounding). The `quant.scast` bridges between converted pairs are
    removed.

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
  let options = [
    Option<"requireAll", "require-all", "bool", "false",
           "A cast that cannot be converted is an error (default: a remark)">
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

def QuantXDropInPlaceResults
    : Pass<"quantx-drop-in-place-results", "::mlir::ModuleOp"> {
  let summary = "After bufferization, stop returning arguments that a "
                "function updated in place, and record which they were";
  let description = [{
    A function that updates a tensor argument and returns it (a KV cache
    passed in and out, `@decode(token, start, cache) -> (logits, cache)`)
    bufferizes in place when the argument is marked
    `{bufferization.writable = true}`: the returned buffer *is* the
    argument's. Returning it anyway would make the deallocation pipeline
    copy the whole buffer on every call (a public function's caller owns
    its results). This pass, run between one-shot bufferization and
    deallocation, removes every result that is one of the function's own
    arguments (possibly through `memref.cast`) from the function and its
    callers, and records the mapping in the function attribute
    `quantx.in_place_results`: one entry per original result, the index of
    the argument that holds it, or -1 for results still returned. It
    reaches the lowered `llvm.func`, where `quant-run` and the JIT runner
    read it: the argument's array is the result, with no copy.
    Ahead-of-time callers of such a function read the updated argument
    instead of a result.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def QuantXExportParameters
    : Pass<"quantx-export-parameters", "::mlir::ModuleOp"> {
  let summary = "Move a model's large inline constants into a parameter file";
  let description = [{
    Frontends (torch-mlir, ONNX importers, hand-written IR) often carry a
    model's weights inline, as `dense` or `dense_resource` constants. This
    pass writes every `arith.constant` tensor with at least
    `minimum-elements` elements (splats excepted) to the safetensors file
    `output` and replaces it with an `ml_program.global_load_const` of an
    extern `ml_program.global`, the representation of docs/Parameters.md:
    the model then goes through the parameter-file path (bounded-memory
    PTQ; AWQ and SmoothQuant folded into normalization gains; LoRA) and
    its IR no longer holds the bytes. Names: the `dense_resource` key, else
    `<op name>.weight` / `.bias` for the weight / third operand of a named
    op (its `loc("name")`), else `constant.<n>`; one constant used by
    several ops is written once. The module's `quantx.parameters` names
    the file. A model that already reads a parameter file is left alone
    with an error (one file per model).
  }];
  let options = [
    Option<"output", "output", "std::string", "\"\"",
           "The parameter file to write (.safetensors)">,
    Option<"minimumElements", "minimum-elements", "int64_t", "256",
           "Constants with fewer elements stay inline">
  ];
  let dependentDialects = ["::mlir::ml_program::MLProgramDialect"];
  let statistics = [
    Statistic<"numExported", "exported-constants", "Constants moved to the file">
  ];
}

def QuantXLowerParameters
    : Pass<"quantx-lower-parameters", "::mlir::ModuleOp"> {
  let summary = "Lower parameter globals (ml_program) to memref globals that "
                "the runtime binds to a parameter file";
  let description = [{
    A model refers to a tensor of a parameter file (safetensors) by name
    with an immutable `ml_program.global` whose value is
    `#ml_program.extern`, read by `ml_program.global_load_const`. This pass
    makes such a model bufferizable: each parameter global becomes an
    external `memref.global` declaration named `quantx.param:<key>` (the key
    is the global's `quantx.parameter` attribute, else its symbol), which
    `quant-run` and `quant-calibrate` bind to the memory-mapped tensor when
    they JIT the model; each load becomes `memref.get_global` and a
    read-only `bufferization.to_tensor`, so writes into it make a copy.
    Immutable globals with an inline elements value become private constant
    `memref.global`s. Mutable globals are left alone (an error names them if
    they reach this pass with loads).

    ```mlir
    ml_program.global private @"w"(#ml_program.extern : tensor<8x4xbf16>) : tensor<8x4xbf16>
    %w = ml_program.global_load_const @"w" : tensor<8x4xbf16>
    ```

    becomes

    ```mlir
    memref.global "public" constant @"quantx.param:w" : memref<8x4xbf16>
    %0 = memref.get_global @"quantx.param:w" : memref<8x4xbf16>
    %w = bufferization.to_tensor %0 restrict : memref<8x4xbf16> to tensor<8x4xbf16>
    ```
  }];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def QuantXParameterBindFunction
    : Pass<"quantx-parameter-bind-function", "::mlir::ModuleOp"> {
  let summary = "Bind parameters at run time through an exported function "
                "(ahead-of-time builds)";
  let description = [{
    Runs on the LLVM dialect, after `--quantx-lower-parameters` and the
    conversion to LLVM. Each external parameter global
    `quantx.param:<key>` (whose address the JIT would bind) becomes an
    internal pointer, null until bound, and every use of its address loads
    that pointer instead. The module gets

    ```c
    int32_t quantx_bind_parameters(
        const void *(*lookup)(void *ctx, const char *key, int64_t bytes),
        void *ctx);
    ```

    which calls `lookup` once per parameter with its key and its size in
    bytes, stores the returned address, and returns the number of
    parameters for which `lookup` returned null (0: all bound). Programs
    call it once before any other entry point; `examples/aot` shows it with
    quant-opt's parameter-file C API (`QuantOpt/Params/CAPI.h`).

    With `mode=symbols` the pass does nothing (the JIT binds the symbols);
    the CPU pipeline runs it with its `parameter-binding` option.
  }];
  let options = [
    Option<"mode", "mode", "::mlir::quantx::ParameterBinding",
           "::mlir::quantx::ParameterBinding::Function",
           "How parameters are bound",
           [{::llvm::cl::values(
             clEnumValN(::mlir::quantx::ParameterBinding::Function, "function",
                        "export quantx_bind_parameters"),
             clEnumValN(::mlir::quantx::ParameterBinding::Symbols, "symbols",
                        "leave the external symbols for the JIT"))}]>
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def QuantXEmitCInterface : Pass<"quantx-emit-c-interface", "::mlir::ModuleOp"> {
  let summary = "Mark every public function with llvm.emit_c_interface";
  let description = [{
    Adds the unit attribute `llvm.emit_c_interface` to every public function
    with a body, so that the conversion to LLVM also emits
    `_mlir_ciface_<name>` wrappers taking memref descriptors by pointer,
    which C and C++ harnesses call. The CPU and GPU pipelines run it with
    their `emit-c-interface` option.
  }];
}

def QuantXOutlineStructuredOps
    : Pass<"quantx-outline-structured-ops", "::mlir::ModuleOp"> {
  let summary = "Outline the linalg ops of large functions into shared "
                "private functions";
  let description = [{
    In every function holding at least `min-ops` candidate ops, each
    candidate becomes a call to a private function that holds only that
    op, and ops that are identical up to their operands (same body, types
    and attributes; typically the same op of every layer of a model) share
    one function. A candidate is a linalg op on tensors with at least one
    loop, other than `linalg.fill`, whose outputs are fresh: `tensor.empty`
    or a `linalg.fill` of one (the empty tensor and the fill move into the
    function, so the result is a new tensor and nothing is written in
    place). Its inputs become arguments, except small constants (at most
    16 elements, or splats), which are copied into the function like the
    constants its body captures. Inputs that are slices of other tensors
    (a layer's part of a KV cache) get `bufferization.buffer_layout` with
    dynamic strides, so that bufferization passes the view instead of a
    copy.

    A model function otherwise holds a loop nest per op and per layer; for
    run-time activation quantization (a reduction, a scale and a quantize
    per linear layer) LLVM's `-O2` then spends time that grows
    quadratically with the number of loops in one function (its
    `IndVarSimplify`). Calls keep each function small: the time becomes
    linear in the number of distinct ops. The functions carry LLVM's
    `noinline` (`passthrough`), so the JIT does not inline them back.
    The CPU pipeline runs it before bufferization (`outline-min-ops`).

    ```mlir
    %e = tensor.empty() : tensor<1x64xi8>
    %q = linalg.generic {...} ins(%x, %s : tensor<1x64xf32>, tensor<f32>)
                              outs(%e : tensor<1x64xi8>) {...}
    // becomes
    %q = call @__quantx_op_0_generic(%x, %s)
        : (tensor<1x64xf32>, tensor<f32>) -> tensor<1x64xi8>
    ```
  }];
  let options = [
    Option<"minOps", "min-ops", "int64_t", "32",
           "Outline the candidates of functions holding at least this many "
           "(0: of every function)">
  ];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def QuantXInlineScalarResources
    : Pass<"quantx-inline-scalar-resources", "::mlir::ModuleOp"> {
  let summary = "Give rank-0 dense_resource constants an inline dense value";
  let description = [{
    MLIR 22's lowering of memref globals to LLVM fails on rank-0
    `dense_resource` constants; this pass replaces each such constant's
    value by the equivalent one-element `dense` attribute (nothing is
    lost). The CPU pipeline runs it first.
  }];
}

def QuantXContiguousInnerLoops
    : Pass<"quantx-contiguous-inner-loops", "::mlir::func::FuncOp"> {
  let summary = "Order the loops of linalg ops on buffers so the innermost "
                "one walks memory contiguously, and let float reductions "
                "reassociate";
  let description = [{
    Prepares linalg ops on buffers for lowering to loops that LLVM's loop
    vectorizer can vectorize. For each op it scores every loop by how its
    operands are accessed when that loop is innermost: +1 for an operand
    whose last, unit-stride dimension is indexed by the loop alone, -1 for
    an operand the loop also indexes in another dimension (a strided
    access); operands the loop does not index cost nothing (they stay in
    registers). The best loop with a static size of at least 8 (or a
    dynamic one) becomes the innermost, the others keep their order;
    named ops are generalized first. On a tie the current order stays.
    A reduction loop only moves innermost if no other reduction loop
    follows it, so every output element still accumulates its terms in
    the same order: the reordering is exact.

    For attention's `probabilities x V` written with the reduction over
    positions innermost, V is read 4096 floats apart; with the head
    dimension innermost both V and the output are contiguous (with
    reassociation, 8x faster for a 7B layer's attention on two threads).

    With `reassociate-reductions` (the default), the combining operation
    of each f32 or f64 reduction (the `arith.addf`, `arith.maximumf`, ...
    that takes the output's block argument and is yielded) gets
    `fastmath<reassoc>`, which lets LLVM keep vector partial sums: the
    result differs from the sequential sum by rounding only (as a
    blocked or pairwise sum does). Reductions into f16/bf16, which round
    at every step, stay sequential; integer reductions are associative
    anyway. Functions of the matmul kernels (`quantx.kernel`) are left
    alone. The CPU pipeline runs it before lowering to loops, with
    reassociation where the kernels are on (`reassociate-reductions`,
    default: as `kernels`, so `kernels=false` keeps the reference
    lowering's sequential sums).
  }];
  let options = [
    Option<"reassociateReductions", "reassociate-reductions", "bool", "true",
           "Mark float reduction combiners fastmath<reassoc>">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::arith::ArithDialect"];
}

def QuantXLinalgToLoopsBySize
    : Pass<"quantx-linalg-to-loops-by-size", "::mlir::func::FuncOp"> {
  let summary = "Lower linalg ops on buffers to parallel loops if large, "
                "sequential loops if small";
  let description = [{
    Like `convert-linalg-to-parallel-loops`, but only for ops with at least
    `min-iterations` iterations in their iteration space (or a dynamic
    size); smaller ops become sequential `scf.for` loops, as
    `convert-linalg-to-loops` would produce. With OpenMP, each parallel
    loop forks and joins the threads: for the hundreds of tiny
    elementwise ops of a decode step that costs more than it saves. The
    CPU pipeline runs it with `openmp=true`.

    Only the outermost band of parallel dimensions becomes an `scf.parallel`
    loop: parallel dimensions after a reduction dimension run sequentially
    inside it; an op without reductions runs its leading dimensions in
    parallel, the fewest whose static sizes give 64 iterations (a dynamic
    size counts as 1; never the innermost), and the others as sequential
    `scf.for` loops inside. OpenMP collapses the dimensions of a parallel
    loop into one iteration count and recovers each index by division,
    which leaves the addresses of the innermost loop non-affine (and LLVM
    turns a size-2 index taken from the low bit into bit operations): LLVM's
    loop vectorizer then keeps it scalar ("cannot identify array bounds").
  }];
  let options = [
    Option<"minIterations", "min-iterations", "int64_t", "65536",
           "Iterations from which an op becomes parallel loops">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def QuantXStridedCopiesToLinalg
    : Pass<"quantx-strided-copies-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Turn memref.copy between non-contiguous buffers into "
                "linalg.copy";
  let description = [{
    Bufferization copies into and out of subviews with `memref.copy` (for
    example `tensor.pad`, or `tensor.insert_slice` into a concatenation).
    The LLVM lowering turns a copy between contiguous buffers into a
    `memcpy` but calls the `memrefCopy` function of MLIR's C runner
    utilities for any other layout, which a JIT or an ahead-of-time object
    would then have to be linked with. This pass rewrites those copies into
    `linalg.copy`, which the pipelines lower to loops like every other
    linalg op, so the generated code stays self-contained. Copies between
    contiguous buffers (which become `memcpy`) are left alone.

    ```mlir
    memref.copy %src, %sub : memref<2x3xf32> to memref<2x3xf32, strided<[5, 1], offset: 1>>
    // becomes
    linalg.copy ins(%src : memref<2x3xf32>)
                outs(%sub : memref<2x3xf32, strided<[5, 1], offset: 1>>)
    ```

    The CPU pipeline runs it after bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def QuantXKernelParallelIf
    : Pass<"quantx-kernel-parallel-if", "::mlir::func::FuncOp"> {
  let summary = "Run a CPU kernel's OpenMP threads only for calls with "
                "enough work";
  let description = [{
    Runs after `convert-scf-to-openmp`. In each CPU kernel function (a
    function with a `quantx.kernel` description, whose first argument is the
    `M x K` input), every `omp.parallel` without an `if` clause gets
    `if(M * N * K >= min-macs)`, M read from the input at run time. A call
    below the threshold runs its tiles on the calling thread (a serialized
    parallel region: no fork, no join), which costs less than waking the
    threads for a small layer: on a loaded machine a 4 x 64 x 16 layer took
    8-1000 ms per call with threads and microseconds without. The CPU
    pipeline runs it with `openmp=true` (its `parallel-min-macs` option).
  }];
  let options = [
    Option<"minMacs", "min-macs", "int64_t", "1048576",
           "Multiply-accumulates per call (M x N x K) from which a kernel "
           "runs on threads">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::omp::OpenMPDialect"
  ];
}

def QuantXHoistInvariantLoads
    : Pass<"quantx-hoist-invariant-loads", "::mlir::func::FuncOp"> {
  let summary = "Load values that do not change in an innermost loop once, "
                "before it";
  let description = [{
    In each innermost `scf.for` with a static, non-zero trip count, a
    `memref.load` whose memref and indices are defined outside the loop
    moves before the loop when no store or other write in the loop may
    write the loaded memref (MLIR's local alias analysis: distinct
    allocations, an allocation and a function argument). The loop must
    execute at least once, so the load reads what it read before.

    Loops lowered from linalg ops read operands indexed by outer loops
    only (the token of an embedding lookup, a gather's index) in every
    iteration of the innermost loop; LLVM cannot hoist them either when it
    cannot prove the stores do not alias (a function's arguments), and the
    address that depends on such a load then keeps LLVM's loop vectorizer
    from bounding the accesses ("cannot identify array bounds"). After
    the move the address is affine in the loop and the loop vectorizes.
    The CPU pipeline runs it after lowering linalg to loops.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect"];
}

def QuantXExpandArith : Pass<"quantx-expand-arith"> {
  let summary = "Expand the arith ops LLVM cannot lower, keep min and max "
                "whole";
  let description = [{
    Expands `arith.ceildivsi`, `arith.ceildivui` and `arith.floordivsi` into
    integer arithmetic, `arith.extf`/`arith.truncf` between f32 and bf16
    into bit operations (rounding to nearest even), and scaling
    extensions/truncations, as upstream `arith-expand` does with `include-bf16`,
    but leaves `arith.maximumf`, `arith.minimumf`, `arith.maxnumf`,
    `arith.minnumf` and the integer min/max as single ops. The LLVM
    conversion makes them `llvm.intr.maximum`, `llvm.intr.minnum`,
    `llvm.intr.smax`, ...: the same numbers (IEEE 754-2019 maximum and
    minimum propagate NaN, -0 < +0) as upstream's compare-and-select
    expansion, in a form LLVM's loop vectorizer recognizes as a reduction,
    so the row maximum of a softmax is vectorized instead of running as a
    scalar loop. The CPU pipeline runs it before the LLVM conversion.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QuantXX86Intrinsics : Pass<"quantx-x86-intrinsics", "::mlir::ModuleOp"> {
  let summary = "Turn the CPU kernels' table lookups and pair products into "
                "x86 intrinsics";
  let description = [{
    Runs after bufferization and deallocation (the intrinsic calls declare
    no memory effects). With `table-lookups`, unmasked `vector.gather`
    lookups of a constant 16-entry f32 table (the kernels' NF4 code book)
    become `vpermps` (8 lanes: AVX2, 16 lanes: AVX-512F, where a mask of
    the indices to their low 4 bits is dropped: the instruction reads only
    those). With
    `pair-products`, the integer kernels' 16-bit pair products (even lanes
    times even lanes plus odd times odd, summed into i32) become `vpmaddwd`
    (8 lanes: AVX2, 16 lanes: AVX-512BW). With `byte-dots`, the `vnni`
    integer kernels' four-byte dot products (`acc + sum of the four phases
    of zext(u) * sext(s)`, bytes widened to i32) become `vpdpbusd`
    (`byte-dot-lanes`: 0 for 8 and 16 lanes, or only 8 or 16). With
    `nibble-dots`, such dot products that `byte-dots` leaves and whose
    unsigned operand is at most 127 (a mask by a constant below 128 or a
    logical shift right: the W4A8 kernel's nibbles) become `vpmaddubsw`
    (pairs of byte products in i16, exact for such operands) and `vpmaddwd`
    against ones (`nibble-dot-lanes`: 0 for both, 8 with AVX2, 16 with
    AVX-512BW). The CPU pipeline enables each when `cpu-features` has the
    instructions.
  }];
  let options = [
    Option<"tableLookups", "table-lookups", "bool", "true",
           "Rewrite NF4 table lookups to vpermps">,
    Option<"pairProducts", "pair-products", "bool", "true",
           "Rewrite 16-bit pair products to vpmaddwd">,
    Option<"byteDots", "byte-dots", "bool", "false",
           "Rewrite four-byte dot products to vpdpbusd (needs AVX512-VNNI for "
           "16 lanes, AVX-VNNI or AVX512-VNNI with AVX512-VL for 8)">,
    Option<"byteDotLanes", "byte-dot-lanes", "int64_t", "0",
           "Lanes of the byte dots byte-dots rewrites: 0 (8 and 16), 8 or 16">,
    Option<"nibbleDots", "nibble-dots", "bool", "false",
           "Rewrite byte dots with an unsigned operand below 128 that byte-dots "
           "leaves to vpmaddubsw + vpmaddwd (AVX2 for 8 lanes, AVX-512BW for 16)">,
    Option<"nibbleDotLanes", "nibble-dot-lanes", "int64_t", "0",
           "Lanes of the byte dots nibble-dots rewrites: 0 (8 and 16), 8 or 16">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // QUANTOPT_CONVERSION_PASSES
