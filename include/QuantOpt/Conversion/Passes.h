//===- Passes.h - quant-opt conversion passes -----------------*- C++ -*-===//
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

#define GEN_PASS_DECL
#include "QuantOpt/Conversion/Passes.h.inc"

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

/// Options of the CPU matmul kernels (see --quantx-matmul-kernels).
struct MatmulKernelOptions {
  int64_t vectorWidth = 8; ///< f32 lanes per vector
  int64_t rows = 4;        ///< weight rows per tile
  int64_t mRows = 2;       ///< input rows sharing each decoded weight
  bool x86Permute = false; ///< NF4 code-book lookups with vpermps
  int64_t panelMinM = 16;  ///< decode weights into a panel from this M (0: never)
  bool parallel = true;    ///< scf.parallel over tiles
  bool includeFloat = true; ///< also f32 Linear-layout matmuls
};

/// Patterns replacing weight-only quantx.matmul (and, with includeFloat,
/// f32 Linear-layout matmuls) with calls to vectorized kernel functions
/// created in the enclosing module.
void populateMatmulKernelPatterns(RewritePatternSet &patterns,
                                  const MatmulKernelOptions &options);

/// Marks a bufferization.to_buffer whose buffer a kernel call or launch
/// reads with a number unique in its function (`quantx.kernel_operand`)
/// and returns it. The kernel reads the buffer right after the to_buffer;
/// CSE could otherwise merge two to_buffer ops of one tensor into the
/// first, and one-shot bufferization, which sees only the tensor-level read
/// at the to_buffer, could then let an in-place write between the two
/// clobber what the later kernel reads.
Value markKernelOperand(bufferization::ToBufferOp op);

/// Options of the NVIDIA GPU matmul kernels (see --quantx-gpu-matmul-kernels).
struct GPUMatmulKernelOptions {
  int64_t warps = 4;    ///< warps (output channels) per block
  int64_t rows = 4;     ///< input rows per block (accumulators per lane)
  int64_t splitK = 0;   ///< K splits (0: chosen from the grid size)
  int64_t smCount = 132; ///< streaming multiprocessors to fill (H100 SXM)
  int64_t smVersion = 90; ///< target architecture (80 for sm_80, ...)
  bool tensorCores = true; ///< mma.sync kernels from mmaMinM rows
  int64_t mmaMinM = 17;   ///< static M from which weight-only uses mma.sync
  int64_t mmaMTiles = 2;  ///< 16-row mma tiles per warp
  int64_t mmaNTiles = 4;  ///< 8-column mma tiles per warp
  bool mmaStageA = true;  ///< stage activations in shared memory (cp.async)
};

/// Patterns replacing weight-only quantx.matmul with launches of GPU
/// matrix-vector / small-batch kernels built in a `gpu.module` of the
/// enclosing module (which becomes a `gpu.container_module`).
void populateGPUMatmulKernelPatterns(RewritePatternSet &patterns,
                                     const GPUMatmulKernelOptions &options);

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

/// Options of the `quantx-cpu-pipeline`.
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Add llvm.emit_c_interface to every public function so "
                     "it can be called from C with memref descriptors"),
      llvm::cl::init(false)};
  PassOptions::Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit for ptxas and libdevice (empty: "
                     "$CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, /usr/local/cuda)"),
      llvm::cl::init("")};
  PassOptions::Option<bool> kernels{
      *this, "kernels",
      llvm::cl::desc("Replace weight-only quantx.matmul and f32 Linear-layout "
                     "matmuls with vectorized kernels (--quantx-matmul-kernels); "
                     "false keeps the reference lowering everywhere"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes per vector in the kernels; 0 picks 16 when the "
                     "host has AVX-512F, else 8"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> kernelRows{
      *this, "kernel-rows",
      llvm::cl::desc("Weight rows per kernel tile (0: 2 for 8-lane vectors, "
                     "4 for 16)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> kernelMRows{
      *this, "kernel-m-rows",
      llvm::cl::desc("Input rows sharing each decoded weight vector in the "
                     "kernels (0: 4)"),
      llvm::cl::init(0)};
  PassOptions::Option<std::string> cpuFeatures{
      *this, "cpu-features",
      llvm::cl::desc("Target features the kernels may use: 'host' (those of "
                     "this machine), 'none' (portable vector code), or a "
                     "comma-separated list such as 'avx2' or 'avx512f'"),
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
  PassOptions::Option<std::string> parameterBinding{
      *this, "parameter-binding",
      llvm::cl::desc("How parameter globals find their data: 'symbols' "
                     "(external symbols quantx.param:<key> that the JIT "
                     "binds) or 'function' (for ahead-of-time builds: the "
                     "program exports quantx_bind_parameters, see "
                     "--quantx-parameter-bind-function)"),
      llvm::cl::init("symbols")};
};

/// Adds the reference lowering of quantx, cleanup, elementwise-to-linalg,
/// one-shot bufferization (identity layouts at function boundaries) and the
/// ownership-based deallocation pipeline: the common front of the CPU and
/// GPU pipelines.
void addReferenceLoweringAndBufferization(OpPassManager &pm);

/// Marks every public function with `llvm.emit_c_interface`.
std::unique_ptr<Pass> createQuantXEmitCInterfacePass();

/// Options of the `quantx-gpu-pipeline`.
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
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("Kernel format: bin (cubin from ptxas), isa (PTX text), "
                     "fatbin"),
      llvm::cl::init("bin")};
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
      *this, "warps", llvm::cl::desc("Warps per block of the GEMV kernels"),
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
};

/// Builds the GPU pipeline: the reference lowering, bufferization, parallel
/// loops mapped to GPU blocks/threads, kernel outlining, and upstream's
/// gpu-lower-to-nvvm-pipeline (NVVM -> PTX -> cubin with ptxas, host code
/// calling the mgpu* runtime in the LLVM dialect).
void buildQuantXGPUPipeline(OpPassManager &pm, const GPUPipelineOptions &options);

/// Builds the pipeline that takes quantx + linalg + tensor + arith + func to
/// the LLVM dialect for execution on the host CPU (mlir-runner or an object
/// file). Plain float modules go through it unchanged apart from lowering.
void buildQuantXCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

#define GEN_PASS_REGISTRATION
#include "QuantOpt/Conversion/Passes.h.inc"

/// Registers the passes above and the named pipelines.
void registerQuantOptPasses();

} // namespace quantx
} // namespace mlir

#endif // QUANTOPT_CONVERSION_PASSES_H
