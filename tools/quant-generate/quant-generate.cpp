//===- quant-generate.cpp - greedy generation with a KV-cache model -------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Runs a decoder written with @prefill(tokens: P x i64, start: 1 x i64,
// cache) -> (logits: P x V, cache) and @decode(token: 1 x i64, start,
// cache) -> (logits: 1 x V, cache) entry points (examples/llama/
// gen_model.py): prefills a prompt, decodes tokens greedily, and reports
// prefill and decode tokens/s and peak memory; or, with --eval, measures
// perplexity on a text through the same prefill + decode path.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Support/Version.h"
#include "QuantOpt/Runner/JitRunner.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <sys/resource.h>

using namespace mlir;
using namespace mlir::quantx;
namespace cl = llvm::cl;

static cl::OptionCategory category("quant-generate options");
static cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.mlir>"), cl::Required,
                                      cl::cat(category));
static cl::opt<std::string> paramsPath("params",
                                       cl::desc("Parameter file (default: the module's "
                                                "quantx.parameters attribute)"),
                                       cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> vocabPath("vocab",
                                      cl::desc("JSON list of the token strings (a "
                                               "character-level vocabulary, e.g. "
                                               "examples/llama/tiny/vocab.json)"),
                                      cl::value_desc("vocab.json"), cl::cat(category));
static cl::opt<std::string> prompt("prompt", cl::desc("Prompt text (needs --vocab)"),
                                   cl::cat(category));
static cl::list<int64_t> promptIds("prompt-ids", cl::desc("Prompt token ids"),
                                   cl::CommaSeparated, cl::cat(category));
static cl::opt<unsigned> numTokens("tokens", cl::desc("Tokens to generate (default 32)"),
                                   cl::init(32), cl::cat(category));
static cl::opt<std::string> evalPath("eval",
                                     cl::desc("Instead of generating: perplexity of this "
                                              "text file, in windows of the cache length"),
                                     cl::value_desc("text"), cl::cat(category));
static cl::opt<unsigned> evalLimit("eval-tokens",
                                   cl::desc("Tokens of --eval to score (default 2048)"),
                                   cl::init(2048), cl::cat(category));
static cl::opt<std::string> pipelineOptions("pipeline-options",
                                            cl::desc("Options of --quantx-cpu-pipeline"),
                                            cl::cat(category));
static JitCodegenCommandLine codegenOptions(category);
static cl::opt<unsigned> progressEvery("progress",
                                       cl::desc("Progress line every N tokens (0: none; "
                                                "default 16)"),
                                       cl::init(16), cl::cat(category));

static int fail(const llvm::Twine &msg) {
  llvm::errs() << "quant-generate: error: " << msg << "\n";
  return 1;
}

static NpyArray i64Array(llvm::ArrayRef<int64_t> values) {
  NpyArray a;
  a.dtype = NpyDType::I64;
  a.shape = {int64_t(values.size())};
  a.data.resize(values.size() * 8);
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

static double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

using RunFn = llvm::function_ref<llvm::Error(llvm::ArrayRef<int64_t> ids, int64_t pos,
                                               std::vector<std::vector<float>> &logits)>;

static int64_t argmax(const std::vector<float> &row) {
  return int64_t(std::max_element(row.begin(), row.end()) - row.begin());
}

/// Perplexity of `ids` (next-token predictions) in windows of `window`
/// tokens, each run by `runWindow` from position 0; prints it.
static int scorePerplexity(llvm::ArrayRef<int64_t> ids, int64_t window,
                           llvm::function_ref<llvm::Error(llvm::ArrayRef<int64_t>,
                                                          std::vector<std::vector<float>> &)>
                               runWindow) {
  double nll = 0;
  int64_t scored = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (size_t w = 0; w + 1 < ids.size(); w += size_t(window)) {
    size_t len = std::min<size_t>(window, ids.size() - 1 - w);
    std::vector<std::vector<float>> logits;
    if (llvm::Error err = runWindow(ids.slice(w, len), logits))
      return fail(llvm::toString(std::move(err)));
    for (size_t t = 0; t < len; ++t) {
      const std::vector<float> &row = logits[t];
      float mx = *std::max_element(row.begin(), row.end());
      double sum = 0;
      for (float v : row)
        sum += std::exp(double(v) - mx);
      nll += std::log(sum) + mx - row[ids[w + t + 1]];
      ++scored;
    }
    if (progressEvery)
      llvm::errs() << llvm::format("quant-generate: %lld tokens scored, %.1f tokens/s\n",
                                   (long long)scored, scored / seconds(t0));
  }
  llvm::outs() << llvm::format("perplexity %.4f over %lld tokens (windows of %lld)\n",
                               std::exp(nll / double(scored)), (long long)scored,
                               (long long)window);
  return 0;
}

/// Greedy generation of --tokens tokens after `ids`, timed after one
/// untimed pass (symbol resolution, page faults); prints the text and the
/// speeds.
static int generate(llvm::ArrayRef<int64_t> ids, llvm::ArrayRef<std::string> vocab,
                    double compileSeconds, RunFn run, llvm::function_ref<void()> resetCache) {
  std::vector<std::vector<float>> logits;
  if (llvm::Error err = run(ids, 0, logits))
    return fail(llvm::toString(std::move(err)));
  logits.clear();
  resetCache();
  auto t0 = std::chrono::steady_clock::now();
  if (llvm::Error err = run(ids, 0, logits))
    return fail(llvm::toString(std::move(err)));
  double prefillSeconds = seconds(t0);
  std::vector<int64_t> generated = {argmax(logits.back())};
  auto t1 = std::chrono::steady_clock::now();
  for (unsigned i = 1; i < numTokens; ++i) {
    logits.clear();
    if (llvm::Error err = run({generated.back()}, int64_t(ids.size() + generated.size() - 1), logits))
      return fail(llvm::toString(std::move(err)));
    generated.push_back(argmax(logits.back()));
    if (progressEvery && i % progressEvery == 0)
      llvm::errs() << llvm::format("quant-generate: %u tokens, %.1f tokens/s\n", i + 1,
                                   i / seconds(t1));
  }
  double decodeSeconds = seconds(t1);
  std::string text;
  for (int64_t id : generated)
    text += vocab.empty() ? std::to_string(id) + " " : vocab[id];
  llvm::outs() << text << "\n";
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  llvm::errs() << llvm::format(
      "quant-generate: compile %.2f s; prefill %zu tokens %.1f tokens/s; decode %u tokens "
      "%.1f tokens/s; peak RSS %.1f MB\n",
      compileSeconds, ids.size(), ids.size() / prefillSeconds, unsigned(numTokens),
      numTokens > 1 ? (numTokens - 1) / decodeSeconds : 0.0, usage.ru_maxrss / 1024.0);
  return 0;
}

int main(int argc, char **argv) {
  mlir::quantx::addQuantOptVersionPrinter();
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "quant-generate: prefill + KV-cache decode of a decoder model\n");

  std::vector<std::string> vocab;
  if (!vocabPath.empty()) {
    auto buffer = llvm::MemoryBuffer::getFile(vocabPath, /*IsText=*/true);
    if (!buffer)
      return fail(vocabPath + ": " + buffer.getError().message());
    auto json = llvm::json::parse((*buffer)->getBuffer());
    const llvm::json::Array *list = json ? json->getAsArray() : nullptr;
    if (!list)
      return fail(vocabPath + ": not a JSON list of strings");
    for (const llvm::json::Value &v : *list) {
      std::optional<llvm::StringRef> s = v.getAsString();
      if (!s)
        return fail(vocabPath + ": not a JSON list of strings");
      vocab.push_back(s->str());
    }
  }
  auto encode = [&](llvm::StringRef text, std::vector<int64_t> &ids) -> bool {
    for (char c : text) {
      auto it = std::find(vocab.begin(), vocab.end(), std::string(1, c));
      if (it == vocab.end())
        continue; // characters outside the vocabulary are skipped
      ids.push_back(it - vocab.begin());
    }
    return true;
  };

  MLIRContext context;
  prepareJitContext(context);
  auto module = parseModelFile(context, modelPath);
  if (!module)
    return fail(llvm::toString(module.takeError()));
  JitOptions options;
  options.pipelineOptions = pipelineOptions;
  options.parameterFile = paramsPath;
  codegenOptions.apply(options);
  auto start = std::chrono::steady_clock::now();
  auto compiled = JitModel::compile(std::move(*module), options);
  if (!compiled)
    return fail(llvm::toString(compiled.takeError()));
  JitModel &model = **compiled;
  for (const std::string &remark : model.getVectorizationRemarks())
    llvm::errs() << remark << "\n";
  double compileSeconds = seconds(start);

  auto [prefillIn, prefillOut] = model.getSignature("prefill");
  auto [decodeIn, decodeOut] = model.getSignature("decode");
  if (prefillIn.size() != 3 || decodeIn.size() != 3 || prefillOut.size() != 2 ||
      decodeOut.size() != 2 || prefillIn[0].getRank() != 1 || !prefillIn[2].hasStaticShape() ||
      prefillOut[0].getRank() != 2)
    return fail("the model needs @prefill(tokens, start, cache) -> (logits, cache) and "
                "@decode(token, start, cache) -> (logits, cache) (examples/llama/gen_model.py)");
  int64_t chunk = prefillIn[0].getDimSize(0), vocabSize = prefillOut[0].getDimSize(1);
  int64_t maxLen = prefillIn[2].getDimSize(2);
  NpyArray emptyCache;
  emptyCache.dtype = NpyDType::F32;
  emptyCache.shape.assign(prefillIn[2].getShape().begin(), prefillIn[2].getShape().end());
  emptyCache.data.assign(emptyCache.numElements() * 4, 0);

  // Runs `ids` from position `pos` (prefill chunks, then single tokens),
  // returning the logits of every position.
  NpyArray cache = emptyCache;
  auto run = [&](llvm::ArrayRef<int64_t> ids, int64_t pos,
                 std::vector<std::vector<float>> &logits) -> llvm::Error {
    size_t i = 0;
    while (i < ids.size()) {
      bool full = ids.size() - i >= size_t(chunk);
      llvm::StringRef fn = full ? "prefill" : "decode";
      size_t n = full ? size_t(chunk) : 1;
      // The cache moves in and out: a model that updates it in place
      // ({bufferization.writable = true}) is not copied at all.
      std::vector<NpyArray> args;
      args.push_back(i64Array(ids.slice(i, n)));
      args.push_back(i64Array({pos}));
      args.push_back(std::move(cache));
      auto r = model.callInPlace(fn, args);
      if (!r)
        return r.takeError();
      for (size_t t = 0; t < n; ++t) {
        std::vector<float> row(vocabSize);
        std::memcpy(row.data(), (*r)[0].data.data() + t * vocabSize * 4, vocabSize * 4);
        logits.push_back(std::move(row));
      }
      cache = std::move((*r)[1]);
      i += n;
      pos += int64_t(n);
    }
    return llvm::Error::success();
  };

  if (!evalPath.empty()) {
    if (vocab.empty())
      return fail("--eval needs --vocab");
    auto buffer = llvm::MemoryBuffer::getFile(evalPath, /*IsText=*/true);
    if (!buffer)
      return fail(evalPath + ": " + buffer.getError().message());
    std::vector<int64_t> ids;
    encode((*buffer)->getBuffer(), ids);
    ids.resize(std::min<size_t>(ids.size(), evalLimit + 1));
    if (ids.size() < 2)
      return fail(evalPath + ": fewer than two tokens of the vocabulary to score");
    return scorePerplexity(ids, maxLen, [&](llvm::ArrayRef<int64_t> window,
                                            std::vector<std::vector<float>> &logits) {
      cache = emptyCache; // each window starts from an empty cache
      return run(window, 0, logits);
    });
  }

  std::vector<int64_t> ids(promptIds.begin(), promptIds.end());
  if (!prompt.empty()) {
    if (vocab.empty())
      return fail("--prompt needs --vocab (or give --prompt-ids)");
    encode(prompt, ids);
  }
  if (ids.empty())
    return fail("give a prompt (--prompt with --vocab, or --prompt-ids)");
  if (ids.size() + numTokens > size_t(maxLen))
    return fail("prompt (" + llvm::Twine(ids.size()) + " tokens) + " + llvm::Twine(numTokens) +
                " new tokens exceed the model's cache of " + llvm::Twine(maxLen) + " positions");
  for (int64_t id : ids)
    if (id < 0 || id >= vocabSize)
      return fail("token id " + llvm::Twine(id) + " is outside the vocabulary of " +
                  llvm::Twine(vocabSize));

  return generate(ids, vocab, compileSeconds, run, [&] { cache = emptyCache; });
}
