//===- Safetensors.h - parameter files in the safetensors format -*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Model parameters outside the IR. A safetensors file is an 8-byte
// little-endian header length N, N bytes of JSON naming each tensor's dtype,
// shape and [begin, end) byte range in the data that follows, then the raw
// little-endian data. Files are memory-mapped, never copied, and validated
// whole when opened: every offset, length, dtype and shape, overlaps and
// gaps, so a malformed or truncated file is one error naming the file (and
// the tensor). A sharded checkpoint is a `*.safetensors.index.json` whose
// `weight_map` names the shard of each tensor; ParameterSet opens either.
//
// SafetensorsWriter streams tensors to a temporary file and only renames it
// to the final name once the whole file is written.
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_PARAMS_SAFETENSORS_H
#define QUANTOPT_PARAMS_SAFETENSORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class MemoryBuffer;
} // namespace llvm

namespace mlir::quantx::params {

/// The element types of safetensors that quant-opt reads and writes.
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, F8_E4M3, F8_E5M2 };

/// `DType` of a safetensors dtype name ("BF16", ...), nullopt if unknown.
std::optional<DType> parseDType(llvm::StringRef name);
/// The safetensors name of `dtype`.
llvm::StringRef dtypeName(DType dtype);
/// Bytes per element.
unsigned dtypeSize(DType dtype);

/// One tensor of an open file: its bytes are in the file's mapping.
struct TensorView {
  std::string name;
  DType dtype;
  llvm::SmallVector<int64_t> shape;
  const uint8_t *data = nullptr;
  uint64_t size = 0;       ///< bytes
  uint64_t offset = 0;     ///< from the start of the file
  std::string file;        ///< the file it lives in

  int64_t numElements() const;
  /// Element `i` converted to float (f32, f16, bf16, f64, FP8 and integers).
  float getAsFloat(int64_t i) const;
};

/// One memory-mapped safetensors file.
class SafetensorsFile {
public:
  ~SafetensorsFile();
  /// Maps and validates `path`.
  static llvm::Expected<std::unique_ptr<SafetensorsFile>> open(llvm::StringRef path);

  const TensorView *lookup(llvm::StringRef name) const;
  /// Tensors in the order of their data.
  llvm::ArrayRef<TensorView> getTensors() const { return tensors; }
  const std::map<std::string, std::string> &getMetadata() const { return metadata; }
  llvm::StringRef getPath() const { return path; }
  uint64_t getHeaderSize() const { return headerSize; }

private:
  SafetensorsFile() = default;
  std::string path;
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::vector<TensorView> tensors;
  llvm::StringMap<size_t> byName;
  std::map<std::string, std::string> metadata;
  uint64_t headerSize = 0;
};

/// The parameters of a model: one safetensors file, or the shards named by a
/// `*.index.json` (shard paths relative to the index). Shards are mapped on
/// first use.
class ParameterSet {
public:
  ~ParameterSet();
  static llvm::Expected<std::unique_ptr<ParameterSet>> open(llvm::StringRef path);

  /// The tensor `name`; the error names the file and the tensor.
  llvm::Expected<const TensorView *> lookup(llvm::StringRef name);
  /// Like lookup, and checks dtype and shape (I8 and U8 are the same bytes:
  /// either matches a signless i8 tensor).
  llvm::Expected<const TensorView *> lookup(llvm::StringRef name, DType dtype,
                                            llvm::ArrayRef<int64_t> shape);
  /// A pointer to the tensor's data aligned to its element size: the
  /// mapping itself, or an aligned copy kept by the set when the file's
  /// offsets are not aligned.
  const void *getAlignedData(const TensorView &t);
  /// Tells the system the tensor's pages are no longer needed, so reading a
  /// large file tensor by tensor keeps memory bounded.
  void release(const TensorView &t);
  /// All tensor names, sorted.
  std::vector<std::string> getNames() const;
  llvm::StringRef getPath() const { return path; }
  /// Opens every shard (validating them all).
  llvm::Error openAll();

private:
  ParameterSet() = default;
  llvm::Expected<SafetensorsFile *> shard(llvm::StringRef file);
  std::string path;
  /// Tensor name -> shard path (empty for a single file).
  llvm::StringMap<std::string> weightMap;
  std::map<std::string, std::unique_ptr<SafetensorsFile>> shards;
  std::vector<std::unique_ptr<uint8_t[]>> alignedCopies;
  llvm::StringMap<const void *> alignedByName;
};

/// Writes a safetensors file: data to a temporary file as tensors come, then
/// the header and the data (largest element size first, so every tensor is
/// aligned to its element size, the data starting at a multiple of 64) to
/// `path`'s temporary name, renamed to `path` by finish(). A writer
/// destroyed before finish() removes its temporary files.
class SafetensorsWriter {
public:
  ~SafetensorsWriter();
  static llvm::Expected<std::unique_ptr<SafetensorsWriter>> create(llvm::StringRef path);

  llvm::Error add(llvm::StringRef name, DType dtype, llvm::ArrayRef<int64_t> shape,
                  llvm::ArrayRef<uint8_t> bytes);
  void setMetadata(llvm::StringRef key, llvm::StringRef value);
  llvm::Error finish();
  /// Bytes of tensor data added so far.
  uint64_t getDataSize() const { return dataSize; }

private:
  SafetensorsWriter() = default;
  struct Entry {
    std::string name;
    DType dtype;
    llvm::SmallVector<int64_t> shape;
    uint64_t tempOffset, size;
  };
  std::string path, dataTemp, fileTemp;
  int dataFd = -1;
  uint64_t dataSize = 0;
  std::vector<Entry> entries;
  llvm::StringMap<size_t> byName;
  std::map<std::string, std::string> metadata;
  bool finished = false;
};

} // namespace mlir::quantx::params

#endif // QUANTOPT_PARAMS_SAFETENSORS_H
