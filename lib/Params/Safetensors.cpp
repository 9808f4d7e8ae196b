//===- Safetensors.cpp - parameter files in the safetensors format --------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Params/Safetensors.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace mlir::quantx::params;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

namespace {
/// Headers above this are rejected before anything is read (the format's
/// reference reader has the same limit).
constexpr uint64_t kMaxHeaderSize = 100u << 20;

struct DTypeInfo {
  DType dtype;
  const char *name;
  unsigned size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8},         {DType::F32, "F32", 4},
    {DType::F16, "F16", 2},         {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8},         {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},         {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},           {DType::F8_E4M3, "F8_E4M3", 1},
    {DType::F8_E5M2, "F8_E5M2", 1},
};

Error fileError(StringRef file, const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 file + ": " + msg);
}
Error tensorError(StringRef file, StringRef tensor, const llvm::Twine &msg) {
  return fileError(file, "tensor '" + tensor + "': " + msg);
}

std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? "," : "") + std::to_string(d);
  return s + "]";
}

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16, exp = (h >> 10) & 0x1f,
           mant = h & 0x3ff;
  if (exp == 0x1f) {
    uint32_t bits = sign | 0x7f800000u | (mant << 13);
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  float v = exp == 0 ? std::ldexp(float(mant), -24)
                     : std::ldexp(float(mant | 0x400), int(exp) - 25);
  return sign ? -v : v;
}

/// FP8 with `mantBits` mantissa bits and exponent bias `bias`; E4M3 has no
/// infinities and one NaN pattern (S.1111.111), E5M2 is IEEE-like.
float fp8ToFloat(uint8_t c, int mantBits, int bias, bool ieee) {
  int expBits = 7 - mantBits;
  uint32_t exp = (c >> mantBits) & ((1u << expBits) - 1), mant = c & ((1u << mantBits) - 1);
  bool neg = c & 0x80;
  float v;
  if (ieee && exp == (1u << expBits) - 1)
    v = mant ? NAN : INFINITY;
  else if (!ieee && exp == (1u << expBits) - 1 && mant == (1u << mantBits) - 1)
    v = NAN;
  else if (exp == 0)
    v = std::ldexp(float(mant), 1 - bias - mantBits);
  else
    v = std::ldexp(float(mant | (1u << mantBits)), int(exp) - bias - mantBits);
  return neg ? -v : v;
}
} // namespace

std::optional<DType> mlir::quantx::params::parseDType(StringRef name) {
  for (const DTypeInfo &d : kDTypes)
    if (name == d.name)
      return d.dtype;
  return std::nullopt;
}

StringRef mlir::quantx::params::dtypeName(DType dtype) {
  for (const DTypeInfo &d : kDTypes)
    if (d.dtype == dtype)
      return d.name;
  return "?";
}

unsigned mlir::quantx::params::dtypeSize(DType dtype) {
  for (const DTypeInfo &d : kDTypes)
    if (d.dtype == dtype)
      return d.size;
  return 0;
}

int64_t TensorView::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

float TensorView::getAsFloat(int64_t i) const {
  const uint8_t *p = data + uint64_t(i) * dtypeSize(dtype);
  auto load = [&](auto v) {
    std::memcpy(&v, p, sizeof(v));
    return v;
  };
  switch (dtype) {
  case DType::F64:
    return float(load(double()));
  case DType::F32:
    return load(float());
  case DType::F16:
    return halfToFloat(load(uint16_t()));
  case DType::BF16: {
    uint32_t bits = uint32_t(load(uint16_t())) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  case DType::I64:
    return float(load(int64_t()));
  case DType::I32:
    return float(load(int32_t()));
  case DType::I16:
    return float(load(int16_t()));
  case DType::I8:
    return float(int8_t(*p));
  case DType::U8:
    return float(*p);
  case DType::F8_E4M3:
    return fp8ToFloat(*p, 3, 7, /*ieee=*/false);
  case DType::F8_E5M2:
    return fp8ToFloat(*p, 2, 15, /*ieee=*/true);
  }
  return NAN;
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

SafetensorsFile::~SafetensorsFile() = default;

Expected<std::unique_ptr<SafetensorsFile>> SafetensorsFile::open(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, buffer.getError().message());
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile);
  file->path = path.str();
  file->buffer = std::move(*buffer);
  StringRef bytes = file->buffer->getBuffer();
  if (bytes.size() < 8)
    return fileError(path, "not a safetensors file (" + llvm::Twine(bytes.size()) +
                               " bytes, shorter than the 8-byte header length)");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | uint8_t(bytes[i]);
  if (n > kMaxHeaderSize)
    return fileError(path, "header length " + llvm::Twine(n) +
                               " is over the 100 MiB limit (not a safetensors "
                               "file, or a corrupt one)");
  if (n > bytes.size() - 8)
    return fileError(path, "header length " + llvm::Twine(n) + " runs past the end of the " +
                               llvm::Twine(bytes.size()) + "-byte file (truncated?)");
  file->headerSize = n;
  StringRef headerText = bytes.substr(8, n);
  Expected<llvm::json::Value> json = llvm::json::parse(headerText);
  if (!json)
    return fileError(path, "header is not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *header = json->getAsObject();
  if (!header)
    return fileError(path, "header is not a JSON object");

  uint64_t dataStart = 8 + n, dataSize = bytes.size() - dataStart;
  const uint8_t *data = reinterpret_cast<const uint8_t *>(bytes.data()) + dataStart;
  for (const auto &kv : *header) {
    StringRef name = kv.first;
    if (name == "__metadata__") {
      const llvm::json::Object *meta = kv.second.getAsObject();
      if (!meta)
        return fileError(path, "__metadata__ is not an object");
      for (const auto &m : *meta) {
        std::optional<StringRef> s = m.second.getAsString();
        if (!s)
          return fileError(path, "__metadata__ entry '" + StringRef(m.first) +
                                     "' is not a string");
        file->metadata[m.first.str()] = s->str();
      }
      continue;
    }
    const llvm::json::Object *entry = kv.second.getAsObject();
    if (!entry)
      return tensorError(path, name, "entry is not an object");
    std::optional<StringRef> dtypeStr = entry->getString("dtype");
    if (!dtypeStr)
      return tensorError(path, name, "no \"dtype\" string");
    std::optional<DType> dtype = parseDType(*dtypeStr);
    if (!dtype)
      return tensorError(path, name, "unsupported dtype '" + *dtypeStr + "'");
    const llvm::json::Array *shape = entry->getArray("shape");
    const llvm::json::Array *offsets = entry->getArray("data_offsets");
    if (!shape)
      return tensorError(path, name, "no \"shape\" array");
    if (!offsets || offsets->size() != 2)
      return tensorError(path, name, "\"data_offsets\" is not a [begin, end] pair");
    TensorView t;
    t.name = name.str();
    t.dtype = *dtype;
    t.file = file->path;
    uint64_t numElements = 1;
    bool overflow = false;
    for (const llvm::json::Value &d : *shape) {
      std::optional<int64_t> dim = d.getAsInteger();
      if (!dim || *dim < 0)
        return tensorError(path, name, "shape has an entry that is not a non-negative integer");
      t.shape.push_back(*dim);
      overflow |= __builtin_mul_overflow(numElements, uint64_t(*dim), &numElements);
    }
    uint64_t expected = 0;
    overflow |= __builtin_mul_overflow(numElements, uint64_t(dtypeSize(*dtype)), &expected);
    if (overflow)
      return tensorError(path, name, "shape " + shapeString(t.shape) + " overflows");
    std::optional<int64_t> begin = (*offsets)[0].getAsInteger(),
                           end = (*offsets)[1].getAsInteger();
    if (!begin || !end || *begin < 0 || *end < *begin)
      return tensorError(path, name, "\"data_offsets\" is not 0 <= begin <= end");
    if (uint64_t(*end) > dataSize)
      return tensorError(path, name,
                         "data_offsets [" + llvm::Twine(*begin) + ", " + llvm::Twine(*end) +
                             "] run past the end of the " + llvm::Twine(dataSize) +
                             "-byte data (truncated file?)");
    if (uint64_t(*end - *begin) != expected)
      return tensorError(path, name,
                         llvm::Twine(*end - *begin) + " bytes of data for " + *dtypeStr +
                             " shape " + shapeString(t.shape) + ", which needs " +
                             llvm::Twine(expected));
    t.data = data + *begin;
    t.size = expected;
    t.offset = dataStart + *begin;
    file->tensors.push_back(std::move(t));
  }
  llvm::sort(file->tensors, [](const TensorView &a, const TensorView &b) {
    return a.offset != b.offset ? a.offset < b.offset : a.size < b.size;
  });
  uint64_t covered = dataStart;
  for (auto [i, t] : llvm::enumerate(file->tensors)) {
    if (t.offset < covered)
      return tensorError(path, t.name, "its data overlaps tensor '" +
                                           file->tensors[i - 1].name + "'");
    if (t.offset > covered)
      return tensorError(path, t.name,
                         "there is a gap of " + llvm::Twine(t.offset - covered) +
                             " bytes before its data (the format has no holes)");
    covered = t.offset + t.size;
    file->byName[t.name] = i;
  }
  if (covered != bytes.size())
    return fileError(path, llvm::Twine(bytes.size() - covered) +
                               " bytes after the last tensor's data belong to no tensor");
  return std::move(file);
}

const TensorView *SafetensorsFile::lookup(StringRef name) const {
  auto it = byName.find(name);
  return it == byName.end() ? nullptr : &tensors[it->second];
}

ParameterSet::~ParameterSet() = default;

Expected<std::unique_ptr<ParameterSet>> ParameterSet::open(StringRef path) {
  std::unique_ptr<ParameterSet> set(new ParameterSet);
  set->path = path.str();
  if (!path.ends_with(".json")) {
    auto file = SafetensorsFile::open(path);
    if (!file)
      return file.takeError();
    for (const TensorView &t : (*file)->getTensors())
      set->weightMap[t.name] = "";
    set->shards[""] = std::move(*file);
    return std::move(set);
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return fileError(path, buffer.getError().message());
  Expected<llvm::json::Value> json = llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return fileError(path, "not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *index = json->getAsObject();
  const llvm::json::Object *map = index ? index->getObject("weight_map") : nullptr;
  if (!map)
    return fileError(path, "no \"weight_map\" object (expected a sharded "
                           "checkpoint's *.safetensors.index.json)");
  StringRef dir = llvm::sys::path::parent_path(path);
  for (const auto &kv : *map) {
    std::optional<StringRef> shard = kv.second.getAsString();
    if (!shard || shard->empty())
      return tensorError(path, kv.first, "its weight_map entry is not a file name");
    llvm::SmallString<256> shardPath(dir);
    llvm::sys::path::append(shardPath, *shard);
    set->weightMap[kv.first] = std::string(shardPath);
  }
  return std::move(set);
}

Expected<SafetensorsFile *> ParameterSet::shard(StringRef file) {
  auto it = shards.find(file.str());
  if (it != shards.end())
    return it->second.get();
  auto opened = SafetensorsFile::open(file);
  if (!opened)
    return opened.takeError();
  SafetensorsFile *ptr = opened->get();
  shards[file.str()] = std::move(*opened);
  return ptr;
}

Error ParameterSet::openAll() {
  for (const auto &kv : weightMap) {
    Expected<const TensorView *> t = lookup(kv.first());
    if (!t)
      return t.takeError();
  }
  return Error::success();
}

Expected<const TensorView *> ParameterSet::lookup(StringRef name) {
  auto it = weightMap.find(name);
  if (it == weightMap.end())
    return tensorError(path, name, "not in the parameter file");
  Expected<SafetensorsFile *> file = shard(it->second);
  if (!file)
    return file.takeError();
  const TensorView *t = (*file)->lookup(name);
  if (!t)
    return tensorError((*file)->getPath(), name,
                       "not in this shard, which the index '" + path + "' names for it");
  return t;
}

Expected<const TensorView *> ParameterSet::lookup(StringRef name, DType dtype,
                                                  llvm::ArrayRef<int64_t> shape) {
  Expected<const TensorView *> t = lookup(name);
  if (!t)
    return t.takeError();
  auto isByte = [](DType d) { return d == DType::I8 || d == DType::U8; };
  bool dtypeOk = (*t)->dtype == dtype || (isByte((*t)->dtype) && isByte(dtype));
  if (!dtypeOk || llvm::ArrayRef<int64_t>((*t)->shape) != shape)
    return tensorError((*t)->file, name,
                       "is " + dtypeName((*t)->dtype) + " " + shapeString((*t)->shape) +
                           " but the model expects " + dtypeName(dtype) + " " +
                           shapeString(shape));
  return t;
}

const void *ParameterSet::getAlignedData(const TensorView &t) {
  unsigned align = dtypeSize(t.dtype);
  if (reinterpret_cast<uintptr_t>(t.data) % align == 0)
    return t.data;
  auto it = alignedByName.find(t.name);
  if (it != alignedByName.end())
    return it->second;
  // new[] of uint8_t is aligned for any fundamental type.
  alignedCopies.push_back(std::make_unique<uint8_t[]>(t.size ? t.size : 1));
  std::memcpy(alignedCopies.back().get(), t.data, t.size);
  alignedByName[t.name] = alignedCopies.back().get();
  return alignedCopies.back().get();
}

void ParameterSet::release(const TensorView &t) {
  uintptr_t page = uintptr_t(::sysconf(_SC_PAGESIZE));
  uintptr_t begin = (reinterpret_cast<uintptr_t>(t.data) + page - 1) / page * page;
  uintptr_t end = (reinterpret_cast<uintptr_t>(t.data) + t.size) / page * page;
  if (end > begin)
    ::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_DONTNEED);
}

std::vector<std::string> ParameterSet::getNames() const {
  std::vector<std::string> names;
  for (const auto &kv : weightMap)
    names.push_back(kv.first().str());
  llvm::sort(names);
  return names;
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

namespace {
Error writeAll(int fd, const uint8_t *p, uint64_t n, StringRef file) {
  while (n) {
    ssize_t w = ::write(fd, p, std::min<uint64_t>(n, 1u << 30));
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return fileError(file, std::string("write failed: ") + std::strerror(errno));
    }
    p += w;
    n -= uint64_t(w);
  }
  return Error::success();
}

/// Copies [offset, offset + n) of `from` to the end of `to`, in the kernel
/// where it can (copy_file_range), else through a buffer.
Error copyRange(int from, uint64_t offset, uint64_t n, int to, StringRef file) {
  off_t in = off_t(offset);
  while (n) {
    ssize_t c = ::copy_file_range(from, &in, to, nullptr, std::min<uint64_t>(n, 1u << 30), 0);
    if (c > 0) {
      n -= uint64_t(c);
      continue;
    }
    if (c < 0 && errno == EINTR)
      continue;
    // Not supported here (or EOF): fall back to pread/write.
    std::vector<uint8_t> buf(std::min<uint64_t>(n, 16u << 20));
    while (n) {
      ssize_t r = ::pread(from, buf.data(), std::min<uint64_t>(n, buf.size()), in);
      if (r <= 0)
        return fileError(file, "cannot read back the temporary data file");
      if (Error e = writeAll(to, buf.data(), uint64_t(r), file))
        return e;
      in += r;
      n -= uint64_t(r);
    }
  }
  return Error::success();
}
} // namespace

SafetensorsWriter::~SafetensorsWriter() {
  if (dataFd >= 0)
    ::close(dataFd);
  if (!dataTemp.empty())
    llvm::sys::fs::remove(dataTemp);
  if (!finished && !fileTemp.empty())
    llvm::sys::fs::remove(fileTemp);
}

Expected<std::unique_ptr<SafetensorsWriter>> SafetensorsWriter::create(StringRef path) {
  std::unique_ptr<SafetensorsWriter> w(new SafetensorsWriter);
  w->path = path.str();
  std::string suffix = ".tmp-" + std::to_string(::getpid());
  w->dataTemp = w->path + ".data" + suffix;
  w->fileTemp = w->path + suffix;
  w->dataFd = ::open(w->dataTemp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->dataFd < 0) {
    std::string msg = std::strerror(errno);
    w->dataTemp.clear();
    return fileError(path, "cannot create a temporary file next to it: " + msg);
  }
  return std::move(w);
}

Error SafetensorsWriter::add(StringRef name, DType dtype, llvm::ArrayRef<int64_t> shape,
                             llvm::ArrayRef<uint8_t> bytes) {
  if (name.empty() || name == "__metadata__")
    return tensorError(path, name, "is not a valid tensor name");
  if (byName.count(name))
    return tensorError(path, name, "written twice");
  uint64_t n = dtypeSize(dtype);
  for (int64_t d : shape)
    n *= uint64_t(d);
  if (n != bytes.size())
    return tensorError(path, name, llvm::Twine(bytes.size()) + " bytes for " + dtypeName(dtype) +
                                       " shape " + shapeString(shape));
  if (Error e = writeAll(dataFd, bytes.data(), bytes.size(), dataTemp))
    return e;
  byName[name] = entries.size();
  entries.push_back({name.str(), dtype, llvm::SmallVector<int64_t>(shape), dataSize,
                     uint64_t(bytes.size())});
  dataSize += bytes.size();
  return Error::success();
}

void SafetensorsWriter::setMetadata(StringRef key, StringRef value) {
  metadata[key.str()] = value.str();
}

Error SafetensorsWriter::finish() {
  // Largest elements first keeps every tensor aligned to its element size.
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  llvm::sort(order, [&](size_t a, size_t b) {
    unsigned sa = dtypeSize(entries[a].dtype), sb = dtypeSize(entries[b].dtype);
    return sa != sb ? sa > sb : a < b;
  });
  llvm::json::Object header;
  if (!metadata.empty()) {
    llvm::json::Object meta;
    for (const auto &[k, v] : metadata)
      meta[k] = v;
    header["__metadata__"] = std::move(meta);
  }
  uint64_t offset = 0;
  for (size_t i : order) {
    const Entry &e = entries[i];
    llvm::json::Array shape;
    for (int64_t d : e.shape)
      shape.push_back(d);
    header[e.name] = llvm::json::Object{
        {"dtype", dtypeName(e.dtype)},
        {"shape", std::move(shape)},
        {"data_offsets", llvm::json::Array{offset, offset + e.size}}};
    offset += e.size;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(std::move(header));
  // Pad with spaces (allowed by the format) so the data starts 64-aligned.
  text.append((64 - (8 + text.size()) % 64) % 64, ' ');

  int fd = ::open(fileTemp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return fileError(path, std::string("cannot create a temporary file next to it: ") +
                               std::strerror(errno));
  uint8_t lengthBytes[8];
  for (int i = 0; i < 8; ++i)
    lengthBytes[i] = uint8_t(uint64_t(text.size()) >> (8 * i));
  Error err = writeAll(fd, lengthBytes, 8, fileTemp);
  if (!err)
    err = writeAll(fd, reinterpret_cast<const uint8_t *>(text.data()), text.size(), fileTemp);
  for (size_t i : order) {
    if (err)
      break;
    err = copyRange(dataFd, entries[i].tempOffset, entries[i].size, fd, fileTemp);
  }
  if (!err && ::fsync(fd) != 0)
    err = fileError(fileTemp, std::string("fsync failed: ") + std::strerror(errno));
  if (::close(fd) != 0 && !err)
    err = fileError(fileTemp, std::string("close failed: ") + std::strerror(errno));
  if (err)
    return err;
  if (std::error_code ec = llvm::sys::fs::rename(fileTemp, path))
    return fileError(path, "cannot rename the finished file into place: " + ec.message());
  finished = true;
  return Error::success();
}
