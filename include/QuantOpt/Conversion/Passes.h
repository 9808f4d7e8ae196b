//===- Passes.h - quant-opt conversion passes -----------------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#ifndef QUANTOPT_CONVERSION_PASSES_H
#define QUANTOPT_CONVERSION_PASSES_H

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
class PatternRewriter;
class RewritePatternSet;

namespace quantx {

/// How parameter globals find their data after the CPU pipeline (see
/// --quantx-parameter-bind-function).
enum class ParameterBinding {
  Symbols,  ///< external symbols quantx.param:<key> that the JIT binds
  Function, ///< an exported quantx_bind_parameters (ahead-of-time builds)
};

/// The format of the GPU pipeline's kernels.
enum class GPUKernelFormat {
  Isa,    ///< PTX text
  Bin,    ///< cubin from ptxas
  Fatbin, ///< fat binary
};

#define GEN_PASS_DECL
#include "QuantOpt/Conversion/Passes.h.inc"

/// The patterns of --quantx-contiguous-inner-loops: linalg ops on buffers
/// get the loop order whose innermost loop walks memory contiguously (an
/// exact reordering) and, if `reassociateReductions`, their float
/// reductions' combining ops get fastmath<reassoc>.
void populateContiguousInnerLoopPatterns(RewritePatternSet &patterns,
                                         bool reassociateReductions);

/// Patterns lowering every quantx op to linalg/arith/math on tensors.
void populateQuantXToLinalgPatterns(RewritePatternSet &patterns);

/// The epilogue of quantx.matmul `op` applied to `acc`, its raw accumulator
/// (i32 for integer matmuls, f32 otherwise) as the reference lowering
/// builds it: zero-point corrections from row sums, bias, scales,
/// requantization, rounding to the result type. Returns `acc` when nothing
/// applies. Optimized lowerings that compute the accumulator differently
/// share it, so the numbers after the reduction cannot drift.
Value buildMatmulEpilogue(PatternRewriter &rewriter, Location loc, MatmulOp op,
                          Value acc);

/// Patterns replacing weight-only quantx.matmul (and, with includeFloat,
/// f32 Linear-layout matmuls) with calls to vectorized kernel functions
/// created in the enclosing module.
void populateMatmulKernelPatterns(RewritePatternSet &patterns,
                                  const QuantXMatmulKernelsOptions &options);

/// Why `options` of --quantx-matmul-kernels are invalid (one line naming
/// the option), or "" if they are valid. The pass and the CPU pipeline
/// check with it; populateMatmulKernelPatterns expects valid options.
std::string verifyMatmulKernelsOptions(const QuantXMatmulKernelsOptions &options);

/// Weight rows per kernel tile: `options.rows`, or for 0 the default for
/// the vector width.
int64_t resolvedKernelRows(const QuantXMatmulKernelsOptions &options);

/// The x86 features that the CPU kernels use.
struct KernelCPUFeatures {
  bool avx2 = false;     ///< 8-lane vpermps and vpmaddwd
  bool avx512f = false;  ///< 16-lane vectors and vpermps
  bool avx512bw = false; ///< 16-lane vpmaddwd
  bool avx512vl = false;
  bool avx512vnni = false; ///< vpdpbusd (16 lanes; 8 with avx512vl)
  bool avxvnni = false;    ///< VEX vpdpbusd (8 lanes)

  /// Whether vpdpbusd exists for vectors of `lanes` i32.
  bool hasByteDot(int64_t lanes) const {
    return lanes == 16 ? avx512vnni : lanes == 8 ? avxvnni || (avx512vnni && avx512vl) : false;
  }
};

/// Parses a `cpu-features` value: "host" (this machine's), "none", or a
/// comma-separated list of x86 feature names as LLVM spells them ("avx2",
/// "avx512f", ...; avx512f implies avx2). Fails with a one-line `error`
/// on an unknown name.
FailureOr<KernelCPUFeatures> parseCPUFeatures(StringRef spec, std::string &error);

/// Patterns replacing weight-only quantx.matmul with launches of GPU
/// matrix-vector / small-batch kernels built in a `gpu.module` of the
/// enclosing module (which becomes a `gpu.container_module`).
void populateGPUMatmulKernelPatterns(RewritePatternSet &patterns,
                                     const QuantXGPUMatmulKernelsOptions &options);

/// Why `options` of --quantx-gpu-matmul-kernels are invalid (one line
/// naming the option), or "" if they are valid; populate expects valid
/// options.
std::string verifyGPUMatmulKernelsOptions(const QuantXGPUMatmulKernelsOptions &options);

/// The SM version of an NVIDIA chip name: 80 for "sm_80", 90 for "sm_90a";
/// nullopt outside sm_70 to sm_90a (what the pipeline's PTX targets).
std::optional<int64_t> parseNVIDIAChip(StringRef chip);

/// Declares the memory effects of gpu.launch_func (read and write of its
/// memref operands), which buffer deallocation needs to accept launches on
/// buffers. Part of registerQuantOptDialects.
void registerGPULaunchMemoryEffects(DialectRegistry &registry);

/// Patterns turning unmasked vector.gather lookups of a constant 16-entry
/// f32 table (the kernels' NF4 code book) into x86 vpermps intrinsics (8
/// lanes: AVX2, 16 lanes: AVX-512F). For after bufferization.
void populateX86TableLookupPatterns(RewritePatternSet &patterns);

/// Patterns turning the integer kernels' 16-bit pair products (even-lane
/// times even-lane plus odd times odd, summed into i32) into x86 vpmaddwd
/// intrinsics (8 lanes: AVX2, 16 lanes: AVX-512BW). For after
/// bufferization.
void populateX86PairProductPatterns(RewritePatternSet &patterns);

/// Which byte dots (see buildX86ByteDot) become which x86 intrinsics.
struct X86ByteDotLanes {
  bool vpdpbusd8 = true, vpdpbusd16 = true; ///< vpdpbusd at 8 / 16 lanes
  bool nibble8 = false, nibble16 = false;   ///< vpmaddubsw + vpmaddwd
};

/// Patterns turning the kernels' four-byte dot products (see
/// buildX86ByteDot) into x86 vpdpbusd intrinsics, or, for those left and
/// whose unsigned operand is below 128, vpmaddubsw + vpmaddwd, at the lane
/// counts `lanes` allows. For after bufferization.
void populateX86ByteDotPatterns(RewritePatternSet &patterns, X86ByteDotLanes lanes = {});

/// `acc + sum_{i<4} zext(u[4l + i]) * sext(s[4l + i])` in each i32 lane l
/// of `acc` (vector<L x i32>; u, s: vector<4L x i8>), written as plain
/// vector ops (exact i32 arithmetic) in the form populateX86ByteDotPatterns
/// pins to vpdpbusd.
Value buildX86ByteDot(OpBuilder &b, Location loc, Value acc, Value u, Value s);

/// Patterns converting quant.qcast/quant.dcast into quantx ops.
void populateQuantToQuantXPatterns(RewritePatternSet &patterns);

/// Patterns converting expressible quantx quantize/dequantize into quant casts.
void populateQuantXToQuantPatterns(RewritePatternSet &patterns);

/// Name of the runtime function that instrumented observers call, and of
/// the module attribute listing the observers' names by index.
inline constexpr llvm::StringLiteral kObserveFunction = "quantx_observe";
inline constexpr llvm::StringLiteral kObserversAttr = "quantx.observers";

/// Function attribute of --quantx-drop-in-place-results: per original
/// result, the argument that holds it (updated in place), or -1.
inline constexpr llvm::StringLiteral kInPlaceResultsAttr = "quantx.in_place_results";

/// Options of the `quantx-cpu-pipeline`. The `kernel-*` options forward to
/// the option of the same name of --quantx-matmul-kernels; 0 keeps that
/// pass's default (after the vector width and intrinsics are chosen from
/// `cpu-features`). verifyCPUPipelineOptions checks them.
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Add llvm.emit_c_interface to every public function so "
                     "it can be called from C with memref descriptors"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> kernels{
      *this, "kernels",
      llvm::cl::desc("Replace weight-only quantx.matmul and f32 Linear-layout "
                     "matmuls with vectorized kernels (--quantx-matmul-kernels); "
                     "false keeps the reference lowering everywhere"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes per vector in the kernels; 0 picks 16 when "
                     "cpu-features has avx512f, else 8"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> kernelRows{
      *this, "kernel-rows",
      llvm::cl::desc("The kernels' rows option: weight rows per tile (0: "
                     "2 for 8-lane vectors, 4 for 16)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> kernelMRows{
      *this, "kernel-m-rows",
      llvm::cl::desc("The kernels' m-rows option: input rows sharing each "
                     "decoded weight vector (0: the kernels' default, 4)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> kernelPanelMinM{
      *this, "kernel-panel-min-m",
      llvm::cl::desc("The kernels' panel-min-m option: input rows from which "
                     "weight-only kernels decode into an f32 panel (-1: the "
                     "kernels' default, 16; 0: never)"),
      llvm::cl::init(-1)};
  PassOptions::Option<bool> kernelTileWeights{
      *this, "kernel-tile-weights",
      llvm::cl::desc("The kernels' tile-weights option: constant 4- and "
                     "8-bit weights re-laid out in tiles of 4 rows x 16 bytes"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> kernelPrefetchBytes{
      *this, "kernel-prefetch-bytes",
      llvm::cl::desc("The kernels' prefetch-bytes option: tiled weights "
                     "are prefetched this many bytes ahead (0: none)"),
      llvm::cl::init(4096)};
  PassOptions::Option<int64_t> kernelVnni{
      *this, "kernel-vnni",
      llvm::cl::desc("The kernels' vnni option: integer kernels multiply four "
                     "bytes per 32-bit lane (-1: where cpu-features has "
                     "vpdpbusd; 1: always, as plain vector code where it has "
                     "not; 0: never)"),
      llvm::cl::init(-1)};
  PassOptions::Option<std::string> cpuFeatures{
      *this, "cpu-features",
      llvm::cl::desc("Target features the kernels may use: 'host' (those of "
                     "this machine), 'none' (portable vector code), or a "
                     "comma-separated list such as 'avx2' or 'avx512f,avx512bw'"),
      llvm::cl::init("host")};
  PassOptions::Option<bool> openmp{
      *this, "openmp",
      llvm::cl::desc("Run parallel loops (the kernels' tiles) on OpenMP "
                     "threads; the program then needs LLVM's libomp "
                     "(quant-run loads it; with mlir-runner pass "
                     "-shared-libs=.../libomp.so). Off: sequential loops"),
      llvm::cl::init(false)};
  PassOptions::Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("OpenMP threads per parallel loop (0: the OpenMP "
                     "default, OMP_NUM_THREADS or all cores)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> parallelMinIterations{
      *this, "parallel-min-iterations",
      llvm::cl::desc("With openmp, linalg ops with at least this many "
                     "iterations become parallel loops, smaller ones "
                     "sequential (--quantx-linalg-to-loops-by-size)"),
      llvm::cl::init(1 << 16)};
  PassOptions::Option<int64_t> outlineMinOps{
      *this, "outline-min-ops",
      llvm::cl::desc("Functions with at least this many linalg ops on fresh "
                     "tensors call shared functions for them, which keeps "
                     "LLVM's compile time linear in the model's size "
                     "(--quantx-outline-structured-ops; 0: every function, "
                     "-1: none)"),
      llvm::cl::init(32)};
  PassOptions::Option<int64_t> reassociateReductions{
      *this, "reassociate-reductions",
      llvm::cl::desc("1: f32/f64 reductions outside the kernels (norms, "
                     "softmax, attention) may reassociate, so that they "
                     "vectorize; 0: strictly sequential sums; -1 (the "
                     "default): as `kernels`, so that kernels=false keeps "
                     "the reference numerics (--quantx-contiguous-inner-loops)"),
      llvm::cl::init(-1)};
  PassOptions::Option<int64_t> parallelMinMacs{
      *this, "parallel-min-macs",
      llvm::cl::desc("With openmp, a kernel call runs on threads only from "
                     "this many multiply-accumulates (M x N x K), else on "
                     "the calling thread (--quantx-kernel-parallel-if)"),
      llvm::cl::init(1 << 20)};
  PassOptions::Option<ParameterBinding> parameterBinding{
      *this, "parameter-binding",
      llvm::cl::desc("How parameter globals find their data "
                     "(--quantx-parameter-bind-function)"),
      llvm::cl::init(ParameterBinding::Symbols),
      llvm::cl::values(
          clEnumValN(ParameterBinding::Symbols, "symbols",
                     "external symbols quantx.param:<key> that the JIT binds"),
          clEnumValN(ParameterBinding::Function, "function",
                     "export quantx_bind_parameters (ahead-of-time builds)"))};
};

/// Why `options` are invalid (one line naming the option), or "" if they
/// are valid. The registered pipeline reports it as a pipeline parse error.
std::string verifyCPUPipelineOptions(const CPUPipelineOptions &options);

/// The --quantx-matmul-kernels options that the CPU pipeline runs with:
/// vector width and x86 intrinsics from `cpu-features`, the `kernel-*`
/// options forwarded. Expects verified options.
QuantXMatmulKernelsOptions getMatmulKernelsOptions(const CPUPipelineOptions &options);

/// The first steps of both pipelines: --quantx-from-quant with require-all
/// (upstream quant casts become quantx ops before any greedy rewrite could
/// fold dcast(qcast(x)) to x; a cast it cannot express is an error), then
/// --quantx-inline-scalar-resources.
void addPipelineInputPasses(OpPassManager &pm);

/// Adds the reference lowering of quantx, cleanup, elementwise-to-linalg,
/// one-shot bufferization (identity layouts at function boundaries) and the
/// ownership-based deallocation pipeline: the common front of the CPU and
/// GPU pipelines.
void addReferenceLoweringAndBufferization(OpPassManager &pm, int64_t outlineMinOps = -1);

/// Options of the `quantx-gpu-pipeline`. The kernel options forward to the
/// option of the same name of --quantx-gpu-matmul-kernels, with the same
/// defaults. verifyGPUPipelineOptions checks them.
struct GPUPipelineOptions : public PassPipelineOptions<GPUPipelineOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("NVIDIA architecture of the cubin: sm_70 to sm_90a"),
      llvm::cl::init("sm_90")};
  PassOptions::Option<std::string> features{
      *this, "features",
      llvm::cl::desc("NVPTX features (the PTX ISA version; FP8 mma.sync "
                     "needs +ptx84)"),
      llvm::cl::init("+ptx84")};
  PassOptions::Option<GPUKernelFormat> format{
      *this, "format", llvm::cl::desc("Kernel format"),
      llvm::cl::init(GPUKernelFormat::Bin),
      llvm::cl::values(clEnumValN(GPUKernelFormat::Bin, "bin", "cubin from ptxas"),
                       clEnumValN(GPUKernelFormat::Isa, "isa", "PTX text"),
                       clEnumValN(GPUKernelFormat::Fatbin, "fatbin", "fat binary"))};
  PassOptions::Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit for ptxas and libdevice (empty: "
                     "$CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, /usr/local/cuda)"),
      llvm::cl::init("")};
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Add llvm.emit_c_interface to every public function so "
                     "C/C++ harnesses can call it (_mlir_ciface_<name>)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> kernels{
      *this, "kernels",
      llvm::cl::desc("Use the quantx GPU matmul kernels "
                     "(--quantx-gpu-matmul-kernels) where they apply"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> tensorCores{
      *this, "tensor-cores",
      llvm::cl::desc("Use tensor-core (mma.sync) kernels; integer or FP8 "
                     "matmuls on chips without such tensor cores are errors"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> warps{
      *this, "warps", llvm::cl::desc("Warps per block of the kernels"),
      llvm::cl::init(4)};
  PassOptions::Option<int64_t> rows{
      *this, "rows", llvm::cl::desc("Input rows per block of the GEMV kernels"),
      llvm::cl::init(4)};
  PassOptions::Option<int64_t> splitK{
      *this, "split-k",
      llvm::cl::desc("K splits of the GEMV kernels (0: from the grid size)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> smCount{
      *this, "sm-count",
      llvm::cl::desc("Streaming multiprocessors of the target GPU"),
      llvm::cl::init(132)};
  PassOptions::Option<int64_t> mmaMinM{
      *this, "mma-min-m",
      llvm::cl::desc("Static M from which weight-only matmuls use tensor cores"),
      llvm::cl::init(17)};
  PassOptions::Option<int64_t> mmaMTiles{
      *this, "mma-m-tiles", llvm::cl::desc("16-row mma tiles per warp"),
      llvm::cl::init(2)};
  PassOptions::Option<int64_t> mmaNTiles{
      *this, "mma-n-tiles", llvm::cl::desc("8-column mma tiles per warp"),
      llvm::cl::init(4)};
  PassOptions::Option<bool> mmaStageA{
      *this, "mma-stage-a",
      llvm::cl::desc("Stage the tensor-core kernels' activations in shared "
                     "memory with cp.async"),
      llvm::cl::init(true)};
};

/// Why `options` are invalid (one line naming the option), or "" if they
/// are valid.
std::string verifyGPUPipelineOptions(const GPUPipelineOptions &options);

/// The --quantx-gpu-matmul-kernels options the GPU pipeline forwards.
QuantXGPUMatmulKernelsOptions getGPUMatmulKernelsOptions(const GPUPipelineOptions &options);

/// Builds the GPU pipeline: the reference lowering, bufferization, parallel
/// loops mapped to GPU blocks/threads, kernel outlining, and upstream's
/// gpu-lower-to-nvvm-pipeline (NVVM -> PTX -> cubin with ptxas, host code
/// calling the mgpu* runtime in the LLVM dialect). Fails, adding nothing,
/// if verifyGPUPipelineOptions rejects `options`.
LogicalResult buildQuantXGPUPipeline(OpPassManager &pm, const GPUPipelineOptions &options);

/// Builds the pipeline that takes quantx + linalg + tensor + arith + func to
/// the LLVM dialect for execution on the host CPU (mlir-runner or an object
/// file). Plain float modules go through it unchanged apart from lowering.
/// Fails, adding nothing, if verifyCPUPipelineOptions rejects `options`.
LogicalResult buildQuantXCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

#define GEN_PASS_REGISTRATION
#include "QuantOpt/Conversion/Passes.h.inc"

/// Registers the passes above and the named pipelines
/// (lib/Conversion/Pipelines/Registration.cpp).
void registerQuantOptPasses();

} // namespace quantx
} // namespace mlir

#endif // QUANTOPT_CONVERSION_PASSES_H
