//===- quant-params.cpp - inspect and check parameter files ---------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Opens a safetensors file or a sharded checkpoint's index.json, validates
// every shard (offsets, lengths, dtypes, shapes, overlaps) and lists the
// tensors: name, dtype, shape, bytes and, for sharded checkpoints, shard.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Support/Version.h"
#include "QuantOpt/Params/Safetensors.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir::quantx::params;
namespace cl = llvm::cl;

static cl::OptionCategory category("quant-params options");
static cl::opt<std::string> path(cl::Positional,
                                 cl::desc("<file.safetensors | model.safetensors.index.json>"),
                                 cl::Required, cl::cat(category));
static cl::opt<bool> summary("summary",
                             cl::desc("Print only the totals and the metadata"),
                             cl::init(false), cl::cat(category));

int main(int argc, char **argv) {
  mlir::quantx::addQuantOptVersionPrinter();
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv, "quant-params: check a parameter file and list its tensors\n");
  auto fail = [](llvm::Error err) {
    llvm::errs() << "quant-params: error: " << llvm::toString(std::move(err)) << "\n";
    return 1;
  };
  auto set = ParameterSet::open(path);
  if (!set)
    return fail(set.takeError());
  if (llvm::Error err = (*set)->openAll())
    return fail(std::move(err));
  uint64_t bytes = 0, elements = 0;
  std::map<std::string, uint64_t> bytesByDType;
  std::vector<std::string> names = (*set)->getNames();
  for (const std::string &name : names) {
    const TensorView *t = llvm::cantFail((*set)->lookup(name));
    bytes += t->size;
    elements += uint64_t(t->numElements());
    bytesByDType[dtypeName(t->dtype).str()] += t->size;
    if (summary)
      continue;
    llvm::outs() << name << " " << dtypeName(t->dtype) << " [";
    llvm::interleaveComma(t->shape, llvm::outs());
    llvm::outs() << "] " << t->size;
    if (llvm::StringRef(path).ends_with(".json"))
      llvm::outs() << " " << llvm::sys::path::filename(t->file);
    llvm::outs() << "\n";
  }
  llvm::outs() << "tensors: " << names.size() << ", elements: " << elements
               << ", bytes: " << bytes << " (";
  llvm::interleaveComma(bytesByDType, llvm::outs(), [](const auto &kv) {
    llvm::outs() << kv.first << " " << kv.second;
  });
  llvm::outs() << ")\n";
  // Metadata of a single file (sharded checkpoints keep theirs per shard).
  if (!llvm::StringRef(path).ends_with(".json")) {
    auto file = SafetensorsFile::open(path);
    if (!file)
      return fail(file.takeError());
    for (const auto &[k, v] : (*file)->getMetadata())
      llvm::outs() << "metadata " << k << " = " << v << "\n";
  }
  return 0;
}
