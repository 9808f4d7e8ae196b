//===- JitRunner.cpp - compile and call a model on the CPU ----------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Runner/JitRunner.h"

#include "LoopRemarks.h"

#include "llvm/Support/FileSystem.h"

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/InitAll.h"
#include "QuantOpt/Params/ParameterGlobals.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>
#include <optional>

using namespace mlir;
using namespace mlir::quantx;

/// The LLVM -O`optLevel` pipeline for `machine` (as MLIR's
/// makeOptimizingTransformer builds it), with `vectorLibrary`'s functions
/// known to the loop vectorizer.
static std::function<llvm::Error(llvm::Module *)>
makeTransformer(unsigned optLevel, llvm::TargetMachine *machine,
                llvm::VectorLibrary vectorLibrary) {
  return [=](llvm::Module *module) -> llvm::Error {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PipelineTuningOptions tuning;
    tuning.LoopUnrolling = tuning.LoopInterleaving = true;
    tuning.LoopVectorization = tuning.SLPVectorization = true;
    llvm::PassBuilder builder(machine, tuning);
    // Registered first, so the default registration below keeps it.
    llvm::TargetLibraryInfoImpl libraryInfo(machine->getTargetTriple(), vectorLibrary);
    fam.registerPass([&] { return llvm::TargetLibraryAnalysis(libraryInfo); });
    builder.registerModuleAnalyses(mam);
    builder.registerCGSCCAnalyses(cgam);
    builder.registerFunctionAnalyses(fam);
    builder.registerLoopAnalyses(lam);
    builder.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                    : optLevel == 1 ? llvm::OptimizationLevel::O1
                                    : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                    : llvm::OptimizationLevel::O3;
    llvm::ModulePassManager passes = optLevel == 0 ? builder.buildO0DefaultPipeline(level)
                                                   : builder.buildPerModuleDefaultPipeline(level);
    passes.run(*module, mam);
    return llvm::Error::success();
  };
}

/// glibc's vector math library, loaded into the process for the JIT's
/// vectorized calls; false if it cannot be loaded.
static bool loadVectorMathLibrary() {
  static const bool loaded =
      !llvm::sys::DynamicLibrary::LoadLibraryPermanently("libmvec.so.1");
  return loaded;
}

static llvm::Error makeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// The IR optimizations for the host's target machine, as the code
/// generator sees it: without it the loop vectorizer's cost model is the
/// generic one, which leaves the scalar loops of elementwise ops scalar.
/// The target machine lives as long as the returned function.
static llvm::Expected<std::function<llvm::Error(llvm::Module *)>>
makeHostTransformer(const JitOptions &options) {
  auto hostBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!hostBuilder)
    return makeError("cannot describe the host for the JIT: " +
                     llvm::toString(hostBuilder.takeError()));
  auto hostMachine = hostBuilder->createTargetMachine();
  if (!hostMachine)
    return makeError("cannot create the host's target machine: " +
                     llvm::toString(hostMachine.takeError()));
  std::shared_ptr<llvm::TargetMachine> machine = std::move(*hostMachine);
  bool vectorMath =
      options.vectorMath && machine->getTargetTriple().isX86() && loadVectorMathLibrary();
  auto transform = makeTransformer(options.optLevel, machine.get(),
                                   vectorMath ? llvm::VectorLibrary::LIBMVEC
                                              : llvm::VectorLibrary::NoLibrary);
  return [machine, transform](llvm::Module *module) { return transform(module); };
}

/// `transform`, collecting the loop vectorizer's remarks into `verdicts`
/// (when not null) while it optimizes.
static std::function<llvm::Error(llvm::Module *)>
withLoopRemarks(std::function<llvm::Error(llvm::Module *)> transform,
                std::shared_ptr<std::vector<LoopVerdict>> verdicts) {
  if (!verdicts)
    return transform;
  return [transform, verdicts](llvm::Module *module) {
    llvm::LLVMContext &context = module->getContext();
    context.setDiagnosticHandler(makeLoopVectorizerRemarkHandler(*verdicts));
    llvm::Error err = transform(module);
    context.setDiagnosticHandler(std::make_unique<llvm::DiagnosticHandler>());
    return err;
  };
}

JitCodegenCommandLine::JitCodegenCommandLine(llvm::cl::OptionCategory &category)
    : vectorMath("vector-math",
                 llvm::cl::desc("Vectorize exp, sin, cos, pow, log, ... of elementwise ops with "
                                "glibc's vector math library (libmvec, within 4 ulp) where it "
                                "loads (default true; false: one C library call per element)"),
                 llvm::cl::init(true), llvm::cl::cat(category)),
      vectorizationRemarks(
          "vectorization-remarks",
          llvm::cl::desc("Print, per source op lowered to loops, whether LLVM's loop "
                         "vectorizer vectorized its inner loop or why it stayed scalar, "
                         "then a summary (on stderr)"),
          llvm::cl::init(false), llvm::cl::cat(category)) {}

void JitCodegenCommandLine::apply(JitOptions &options) const {
  options.vectorMath = vectorMath;
  options.vectorizationRemarks = vectorizationRemarks;
}

JitModel::~JitModel() = default;

void mlir::quantx::prepareJitContext(MLIRContext &context) {
  DialectRegistry registry;
  registerQuantOptDialects(registry);
  registerAllToLLVMIRTranslations(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
}

llvm::Expected<OwningOpRef<ModuleOp>>
mlir::quantx::parseModelFile(MLIRContext &context, llvm::StringRef path) {
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context, os);
  std::string error;
  auto file = openInputFile(path, &error);
  if (!file)
    return makeError(path + ": " + error);
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return makeError(diagnostics.empty() ? path + ": could not parse"
                                         : llvm::Twine(diagnostics));
  return module;
}

static std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// The .npy dtype that holds elements of `type`, if any.
static std::optional<NpyDType> dtypeFor(Type type) {
  if (type.isF32()) return NpyDType::F32;
  if (type.isF64()) return NpyDType::F64;
  if (type.isF16()) return NpyDType::F16;
  if (type.isBF16()) return NpyDType::BF16;
  if (type.isUnsignedInteger(8)) return NpyDType::U8;
  if (type.isInteger(8)) return NpyDType::I8;
  if (type.isInteger(16)) return NpyDType::I16;
  if (type.isInteger(32)) return NpyDType::I32;
  if (type.isInteger(64)) return NpyDType::I64;
  return std::nullopt;
}

/// Records the signature of each public function whose arguments and
/// results are tensors of .npy element types (the others cannot be called
/// with arrays and are skipped).
void JitModel::collectSignatures(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || func.isPrivate())
      continue;
    auto collect = [](TypeRange types, std::vector<RankedTensorType> &out) {
      for (Type t : types) {
        auto tensor = dyn_cast<RankedTensorType>(t);
        if (!tensor || !dtypeFor(tensor.getElementType()))
          return false;
        out.push_back(tensor);
      }
      return true;
    };
    Signature sig;
    if (!collect(func.getArgumentTypes(), sig.inputs) ||
        !collect(func.getResultTypes(), sig.results))
      continue;
    sig.writable.assign(sig.inputs.size(), false);
    sig.inPlace.assign(sig.results.size(), -1);
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      sig.unsignedResults.push_back(
          bool(func.getResultAttr(i, kUnsignedResultAttr)));
    signatures[func.getSymName()] = std::move(sig);
    functionNames.push_back(func.getSymName().str());
  }
}

llvm::Expected<std::unique_ptr<JitModel>>
JitModel::compile(OwningOpRef<ModuleOp> module, const JitOptions &options) {
  static bool targetsReady = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetsReady;

  std::unique_ptr<JitModel> model(new JitModel());
  model->convertInputs = options.convertInputs;
  model->collectSignatures(*module);
  // Arrays are passed in by the caller and reused across calls: the model
  // must not write into them (bufferization copies where it would), except
  // into arguments it marks writable itself (updated in place).
  for (auto func : module->getOps<func::FuncOp>()) {
    if (func.isExternal() || !func.isPublic())
      continue;
    auto sig = model->signatures.find(func.getSymName());
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      if (!isa<TensorType>(func.getArgumentTypes()[i]))
        continue;
      auto writable = func.getArgAttrOfType<BoolAttr>(i, "bufferization.writable");
      if (!writable)
        func.setArgAttr(i, "bufferization.writable",
                        BoolAttr::get(module->getContext(), false));
      if (sig != model->signatures.end())
        sig->second.writable[i] = writable && writable.getValue();
    }
  }

  // Parameters named in the IR are bound to the mapped file's tensors.
  llvm::StringMap<void *> symbols = options.symbols;
  if (llvm::Error err = bindParameters(*module, options.parameterFile,
                                       model->parameters, symbols))
    return std::move(err);

  MLIRContext *context = module->getContext();
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  ScopedDiagnosticHandler handler(context, [&](Diagnostic &diag) {
    os << diag.getLocation() << ": " << diag << "\n";
    return success();
  });
  PassManager pm(context);
  CPUPipelineOptions pipelineOptions;
#ifdef QUANT_OPT_LIBOMP_PATH
  // Threads by default where the OpenMP runtime is there to load.
  pipelineOptions.openmp = true;
#endif
  if (failed(pipelineOptions.parseFromString(options.pipelineOptions)))
    return makeError("invalid --quantx-cpu-pipeline options '" +
                     options.pipelineOptions + "'");
  if (std::string error = verifyCPUPipelineOptions(pipelineOptions); !error.empty())
    return makeError("invalid --quantx-cpu-pipeline options: " + error);
  (void)buildQuantXCPUPipeline(pm, pipelineOptions);
  // Line tables: each loop's debug location is its source op's.
  std::optional<SourceOps> sourceOps;
  std::shared_ptr<std::vector<LoopVerdict>> verdicts;
  if (options.vectorizationRemarks) {
    sourceOps.emplace(*module);
    verdicts = std::make_shared<std::vector<LoopVerdict>>();
  }
  if (failed(pm.run(*module)) || (verdicts && failed(addLineTables(*module))))
    return makeError("lowering with --quantx-cpu-pipeline failed:\n" +
                     diagnostics);

  // Results the lowered functions no longer return: the argument holds them.
  for (auto &[name, sig] : model->signatures) {
    auto lowered = module->lookupSymbol<LLVM::LLVMFuncOp>(name);
    auto attr = lowered ? lowered->getAttrOfType<ArrayAttr>(kInPlaceResultsAttr) : ArrayAttr();
    if (!attr || attr.size() != sig.results.size())
      continue;
    for (auto [i, a] : llvm::enumerate(attr.getAsRange<IntegerAttr>()))
      sig.inPlace[i] = a.getInt();
  }

  // A library that is not there would only be reported by the JIT on
  // stderr, and the call would then fail to find its symbols.
  for (const std::string &lib : options.sharedLibs)
    if (!llvm::sys::fs::exists(lib))
      return makeError("cannot load shared library '" + lib + "': no such file");
  auto transformer = makeHostTransformer(options);
  if (!transformer)
    return transformer.takeError();
  ExecutionEngineOptions engineOptions;
  // ExecutionEngine keeps a reference: the function lives until the end.
  std::function<llvm::Error(llvm::Module *)> transform = withLoopRemarks(*transformer, verdicts);
  engineOptions.transformer = transform;
  std::vector<llvm::StringRef> libs(options.sharedLibs.begin(),
                                    options.sharedLibs.end());
  if (pipelineOptions.openmp) {
#ifdef QUANT_OPT_LIBOMP_PATH
    libs.push_back(QUANT_OPT_LIBOMP_PATH);
#else
    return makeError("openmp=true needs LLVM's OpenMP runtime (libomp), "
                     "which was not found when quant-opt was built");
#endif
  }
  engineOptions.sharedLibPaths = libs;
  engineOptions.enableObjectDump = !options.objectDumpPath.empty();
  auto engine = ExecutionEngine::create(*module, engineOptions);
  if (!engine)
    return makeError("JIT compilation failed: " +
                     llvm::toString(engine.takeError()));
  // Host functions (e.g. the calibration observers) are resolved lazily,
  // at the first call.
  (*engine)->registerSymbols([&symbols](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap map;
    for (auto &entry : symbols)
      map[interner(entry.getKey())] = {
          llvm::orc::ExecutorAddr::fromPtr(entry.getValue()),
          llvm::JITSymbolFlags::Exported};
    return map;
  });
  model->engine = std::move(*engine);
  if (verdicts)
    model->vectorizationRemarks = describeLoopVerdicts(*verdicts, *sourceOps);
  if (!options.objectDumpPath.empty()) {
    // Code is generated at the first lookup; the object then exists.
    if (!model->functionNames.empty())
      if (auto fn = model->engine->lookup(model->functionNames.front()); !fn)
        return fn.takeError();
    model->engine->dumpToObjectFile(options.objectDumpPath);
  }
  return model;
}

llvm::Error mlir::quantx::bindParameters(ModuleOp module, llvm::StringRef file,
                                        std::unique_ptr<params::ParameterSet> &set,
                                        llvm::StringMap<void *> &symbols) {
  SmallVector<ml_program::GlobalOp> globals;
  for (auto global : module.getOps<ml_program::GlobalOp>())
    if (isParameterGlobal(global))
      globals.push_back(global);
  if (globals.empty())
    return llvm::Error::success();
  std::string path = file.str();
  if (path.empty())
    if (auto attr = module->getAttrOfType<StringAttr>(kParameterFileAttr))
      path = attr.str();
  if (path.empty())
    return makeError("the model reads " + llvm::Twine(globals.size()) +
                     " parameter(s) from a file (e.g. '" +
                     getParameterKey(globals.front()) +
                     "') but none was given: pass --params FILE");
  auto opened = params::ParameterSet::open(path);
  if (!opened)
    return opened.takeError();
  set = std::move(*opened);
  for (ml_program::GlobalOp global : globals) {
    auto type = cast<RankedTensorType>(global.getType());
    std::string key = getParameterKey(global);
    std::optional<params::DType> dtype = toParamDType(type.getElementType());
    if (!dtype)
      return makeError("parameter '" + key + "' has element type " +
                       llvm::Twine(typeString(type.getElementType())) +
                       ", which parameter files cannot hold");
    auto tensor = set->lookup(key, *dtype, type.getShape());
    if (!tensor)
      return tensor.takeError();
    symbols[getParameterSymbol(key)] =
        const_cast<void *>(set->getAlignedData(**tensor));
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<NpyArray>>
JitModel::call(llvm::StringRef function, llvm::ArrayRef<NpyArray> inputs) {
  // Arguments the model writes into get a copy; the others are only read.
  auto it = signatures.find(function);
  std::vector<NpyArray> copies;
  copies.reserve(inputs.size());
  std::vector<NpyArray *> arrays;
  for (auto [i, array] : llvm::enumerate(inputs)) {
    if (it != signatures.end() && i < it->second.writable.size() && it->second.writable[i]) {
      copies.push_back(array);
      arrays.push_back(&copies.back());
    } else {
      arrays.push_back(const_cast<NpyArray *>(&array));
    }
  }
  return invoke(function, arrays);
}

llvm::Expected<std::vector<NpyArray>>
JitModel::callInPlace(llvm::StringRef function, llvm::MutableArrayRef<NpyArray> inputs) {
  std::vector<NpyArray *> arrays;
  for (NpyArray &array : inputs)
    arrays.push_back(&array);
  return invoke(function, arrays);
}

/// A dense array of `dtype` elements copied out of a strided memref
/// (aligned pointer, offset, sizes and strides in elements).
static NpyArray copyStrided(NpyDType dtype, const uint8_t *aligned, int64_t offset,
                            llvm::ArrayRef<int64_t> sizes, llvm::ArrayRef<int64_t> strides) {
  NpyArray out;
  out.dtype = dtype;
  out.shape.assign(sizes.begin(), sizes.end());
  unsigned elt = npyElementSize(dtype);
  out.data.resize(out.numElements() * elt);
  int64_t rank = sizes.size();
  std::vector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < out.numElements(); ++n) {
    int64_t src = offset;
    for (int64_t d = 0; d < rank; ++d)
      src += index[d] * strides[d];
    std::memcpy(out.data.data() + n * elt, aligned + src * elt, elt);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

llvm::Expected<std::vector<NpyArray>>
JitModel::invoke(llvm::StringRef function, llvm::ArrayRef<NpyArray *> inputs) {
  auto it = signatures.find(function);
  if (it == signatures.end())
    return makeError("no public function '" + function +
                     "' with tensor arguments and results of f32, f64, f16, "
                     "i8, i16, i32 or i64 elements");
  const Signature &sig = it->second;
  if (inputs.size() != sig.inputs.size())
    return makeError("'" + function + "' takes " +
                     llvm::Twine(sig.inputs.size()) + " arguments, got " +
                     llvm::Twine(inputs.size()) + " arrays");

  // Memref descriptors in LLVM's expanded calling convention: allocated
  // pointer, aligned pointer, offset, sizes, strides.
  std::vector<std::vector<int64_t>> descriptors;
  // Float arrays converted to their argument's type live here during the call.
  std::vector<NpyArray> converted;
  converted.reserve(inputs.size());
  // The array each argument is passed as (the input, or its conversion).
  std::vector<NpyArray *> passed;
  for (auto [i, pair] : llvm::enumerate(llvm::zip(inputs, sig.inputs))) {
    auto [givenPtr, type] = pair;
    NpyArray &given = *givenPtr;
    NpyArray *arrayPtr = &given;
    NpyDType want = *dtypeFor(type.getElementType());
    if (given.dtype != want && isFloatDType(given.dtype) && isFloatDType(want)) {
      bool widening64 = given.dtype == NpyDType::F64 && want == NpyDType::F32;
      if (convertInputs || widening64) {
        if (!convertInputs && !warnedFloat64) {
          llvm::errs() << "warning: argument " << i << " of '" << function
                       << "' is float64; converting float64 inputs to float32\n";
          warnedFloat64 = true;
        }
        converted.push_back(given.convertFloat(want));
        arrayPtr = &converted.back();
      }
    }
    passed.push_back(arrayPtr);
    const NpyArray &array = *arrayPtr;
    bool dtypeOk = array.dtype == want ||
                   (want == NpyDType::I8 && array.dtype == NpyDType::U8) ||
                   (want == NpyDType::U8 && array.dtype == NpyDType::I8);
    if (!dtypeOk)
      return makeError("argument " + llvm::Twine(i) + " of '" + function +
                       "' needs dtype " + npyDescr(want) + ", got " +
                       npyDescr(array.dtype) +
                       (isFloatDType(array.dtype) && isFloatDType(want)
                            ? " (--convert-inputs converts float arrays)"
                            : ""));
    bool shapeOk = int64_t(array.shape.size()) == type.getRank();
    for (int64_t d = 0; shapeOk && d < type.getRank(); ++d)
      shapeOk = type.isDynamicDim(d) || type.getDimSize(d) == array.shape[d];
    if (!shapeOk) {
      std::string got;
      for (int64_t d : array.shape)
        got += (got.empty() ? "" : "x") + std::to_string(d);
      return makeError("argument " + llvm::Twine(i) + " of '" + function +
                       "' has type " + llvm::Twine(typeString(type)) +
                       ", got an array of shape " + got);
    }
    std::vector<int64_t> desc;
    auto ptr = reinterpret_cast<int64_t>(array.data.data());
    desc.push_back(ptr);
    desc.push_back(ptr);
    desc.push_back(0);
    llvm::append_range(desc, array.shape);
    int64_t stride = 1;
    std::vector<int64_t> strides(array.shape.size());
    for (int64_t d = int64_t(array.shape.size()) - 1; d >= 0; --d) {
      strides[d] = stride;
      stride *= array.shape[d];
    }
    llvm::append_range(desc, strides);
    descriptors.push_back(std::move(desc));
  }
  std::vector<void *> args;
  for (auto &desc : descriptors)
    for (int64_t &word : desc)
      args.push_back(&word);
  size_t resultWords = 0;
  for (auto [t, holder] : llvm::zip(sig.results, sig.inPlace))
    if (holder < 0)
      resultWords += 3 + 2 * t.getRank();
  std::vector<int64_t> resultStorage(resultWords);
  if (resultWords)
    args.push_back(resultStorage.data());

  if (llvm::Error err = engine->invokePacked(function, args))
    return std::move(err);

  // Signless 8-bit results are uint8 where the function says so, or where
  // every 8-bit integer argument was given as uint8 (u8 in, u8 out).
  bool u8Inputs = false, i8Inputs = false;
  for (NpyArray *array : passed) {
    u8Inputs |= array->dtype == NpyDType::U8;
    i8Inputs |= array->dtype == NpyDType::I8;
  }
  auto resultDType = [&](RankedTensorType type, size_t index) {
    NpyDType dtype = *dtypeFor(type.getElementType());
    if (dtype == NpyDType::I8 &&
        (sig.unsignedResults[index] || (u8Inputs && !i8Inputs)))
      return NpyDType::U8;
    return dtype;
  };
  std::vector<NpyArray> results;
  std::vector<int64_t> freed;
  size_t pos = 0;
  for (auto [type, holder] : llvm::zip(sig.results, sig.inPlace)) {
    if (holder >= 0) {
      // The argument holds the result: moved out of an array the model
      // wrote into (each only once), else copied.
      NpyArray &held = *passed[holder];
      bool movable = sig.writable[holder] &&
                     llvm::count(sig.inPlace, holder) == 1;
      results.push_back(movable ? std::move(held) : held);
      results.back().dtype = resultDType(type, results.size() - 1);
      continue;
    }
    int64_t rank = type.getRank();
    auto *allocated = reinterpret_cast<uint8_t *>(resultStorage[pos]);
    auto *aligned = reinterpret_cast<uint8_t *>(resultStorage[pos + 1]);
    int64_t offset = resultStorage[pos + 2];
    llvm::ArrayRef<int64_t> sizes(&resultStorage[pos + 3], rank);
    llvm::ArrayRef<int64_t> strides(&resultStorage[pos + 3 + rank], rank);
    results.push_back(
        copyStrided(resultDType(type, results.size()), aligned, offset, sizes, strides));
    // Results are owned by the caller (ownership-based deallocation), unless
    // the function returned one of our own input buffers.
    auto key = reinterpret_cast<int64_t>(allocated);
    bool isInput = llvm::any_of(descriptors, [&](const std::vector<int64_t> &d) {
      return d[0] == key;
    });
    if (allocated && !isInput && !llvm::is_contained(freed, key)) {
      freed.push_back(key);
      std::free(allocated);
    }
    pos += 3 + 2 * rank;
  }
  return results;
}

llvm::Expected<std::string>
JitModel::resolveFunction(llvm::StringRef requested) const {
  if (!requested.empty())
    return requested.str();
  if (functionNames.size() != 1)
    return makeError("the model has " + llvm::Twine(functionNames.size()) +
                     " callable public functions; choose one with -e");
  return functionNames.front();
}

llvm::Expected<std::vector<NpyArray>>
mlir::quantx::readNpyFiles(llvm::ArrayRef<std::string> paths) {
  std::vector<NpyArray> arrays;
  for (const std::string &path : paths) {
    auto array = readNpy(path);
    if (!array)
      return array.takeError();
    arrays.push_back(std::move(*array));
  }
  return arrays;
}
