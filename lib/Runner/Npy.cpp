//===- Npy.cpp - NumPy .npy arrays ----------------------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Runner/Npy.h"

#include "llvm/ADT/APFloat.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>

using namespace mlir::quantx;
using llvm::SmallVector;
using llvm::StringRef;

StringRef mlir::quantx::npyDescr(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::F32: return "<f4";
  case NpyDType::F64: return "<f8";
  case NpyDType::F16: return "<f2";
  case NpyDType::BF16: return "<V2";
  case NpyDType::I8: return "|i1";
  case NpyDType::U8: return "|u1";
  case NpyDType::I16: return "<i2";
  case NpyDType::I32: return "<i4";
  case NpyDType::I64: return "<i8";
  }
  return "";
}

unsigned mlir::quantx::npyElementSize(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::F64:
  case NpyDType::I64: return 8;
  case NpyDType::F32:
  case NpyDType::I32: return 4;
  case NpyDType::F16:
  case NpyDType::BF16:
  case NpyDType::I16: return 2;
  case NpyDType::I8:
  case NpyDType::U8: return 1;
  }
  return 1;
}

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static double halfToDouble(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1F, man = h & 0x3FF;
  double v;
  if (exp == 0)
    v = std::ldexp(double(man), -24);
  else if (exp == 31)
    v = man ? NAN : INFINITY;
  else
    v = std::ldexp(double(man | 0x400), exp - 25);
  return sign ? -v : v;
}

double NpyArray::getAsDouble(int64_t i) const {
  const uint8_t *p = data.data() + i * npyElementSize(dtype);
  auto load = [&](auto v) {
    std::memcpy(&v, p, sizeof(v));
    return v;
  };
  switch (dtype) {
  case NpyDType::F32: return load(float());
  case NpyDType::F64: return load(double());
  case NpyDType::F16: return halfToDouble(load(uint16_t()));
  case NpyDType::BF16: {
    uint32_t bits = uint32_t(load(uint16_t())) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  case NpyDType::I8: return load(int8_t());
  case NpyDType::U8: return load(uint8_t());
  case NpyDType::I16: return load(int16_t());
  case NpyDType::I32: return load(int32_t());
  case NpyDType::I64: return double(load(int64_t()));
  }
  return 0;
}

static llvm::Error npyError(StringRef name, const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 name + ": " + msg);
}

/// Value of `key` in the header dict, e.g. `'descr': '<f4'` -> `'<f4'`.
static StringRef headerValue(StringRef header, StringRef key) {
  size_t pos = header.find(("'" + key + "'").str());
  if (pos == StringRef::npos)
    return {};
  StringRef rest = header.drop_front(pos + key.size() + 2).ltrim(" :");
  if (rest.starts_with("(")) // shape tuple
    return rest.take_until([](char c) { return c == ')'; }).drop_front();
  return rest.take_until([](char c) { return c == ',' || c == '}'; }).trim();
}

bool mlir::quantx::isFloatDType(NpyDType dtype) {
  return dtype == NpyDType::F32 || dtype == NpyDType::F64 || dtype == NpyDType::F16 ||
         dtype == NpyDType::BF16;
}

NpyArray NpyArray::convertFloat(NpyDType to) const {
  NpyArray out;
  out.dtype = to;
  out.shape = shape;
  unsigned size = npyElementSize(to);
  out.data.resize(numElements() * size);
  const llvm::fltSemantics &sem = to == NpyDType::F16    ? llvm::APFloat::IEEEhalf()
                                  : to == NpyDType::BF16 ? llvm::APFloat::BFloat()
                                  : to == NpyDType::F32  ? llvm::APFloat::IEEEsingle()
                                                         : llvm::APFloat::IEEEdouble();
  for (int64_t i = 0; i < numElements(); ++i) {
    llvm::APFloat v(getAsDouble(i));
    bool lost;
    v.convert(sem, llvm::APFloat::rmNearestTiesToEven, &lost);
    uint64_t bits = v.bitcastToAPInt().getZExtValue();
    std::memcpy(out.data.data() + i * size, &bits, size); // little endian
  }
  return out;
}

llvm::Expected<NpyArray> mlir::quantx::parseNpy(StringRef bytes,
                                                StringRef name) {
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY"))
    return npyError(name, "not a .npy file (bad magic)");
  uint8_t major = bytes[6];
  size_t headerLen, start;
  if (major == 1) {
    headerLen = uint8_t(bytes[8]) | (uint8_t(bytes[9]) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return npyError(name, "truncated header");
    headerLen = uint32_t(uint8_t(bytes[8])) | (uint32_t(uint8_t(bytes[9])) << 8) |
                (uint32_t(uint8_t(bytes[10])) << 16) |
                (uint32_t(uint8_t(bytes[11])) << 24);
    start = 12;
  } else {
    return npyError(name, "unsupported .npy version " + llvm::Twine(major));
  }
  if (bytes.size() < start + headerLen)
    return npyError(name, "truncated header");
  StringRef header = bytes.substr(start, headerLen);

  NpyArray array;
  StringRef descr = headerValue(header, "descr").trim("'\" ");
  static const std::pair<StringRef, NpyDType> kinds[] = {
      {"<f4", NpyDType::F32}, {"<f8", NpyDType::F64}, {"<f2", NpyDType::F16},
      {"|i1", NpyDType::I8},  {"<i1", NpyDType::I8},  {"|u1", NpyDType::U8},
      {"<u1", NpyDType::U8},  {"<i2", NpyDType::I16}, {"<i4", NpyDType::I32},
      {"<i8", NpyDType::I64}, {"<V2", NpyDType::BF16}, {"|V2", NpyDType::BF16}};
  bool known = false;
  for (auto [d, k] : kinds)
    if (descr == d) {
      array.dtype = k;
      known = true;
    }
  if (!known)
    return npyError(name, "unsupported dtype '" + descr +
                              "' (supported: f4, f8, f2, V2 as bfloat16, i1, u1, "
                              "i2, i4, i8, little endian)");
  if (headerValue(header, "fortran_order") != "False")
    return npyError(name, "Fortran-order arrays are not supported");
  if (header.find("'shape'") == StringRef::npos)
    return npyError(name, "the header has no 'shape'");
  StringRef shape = headerValue(header, "shape");
  SmallVector<StringRef> dims;
  shape.split(dims, ',', -1, /*KeepEmpty=*/false);
  // The element count must fit (and match the data): reject shapes whose
  // product overflows rather than letting it wrap.
  uint64_t count = 1;
  for (StringRef d : dims) {
    int64_t v;
    if (d.trim().getAsInteger(10, v) || v < 0)
      return npyError(name, "bad shape '(" + shape + ")'");
    if (v != 0 && count > (uint64_t(1) << 48) / uint64_t(v))
      return npyError(name, "shape '(" + shape + ")' is too large");
    count *= uint64_t(v);
    array.shape.push_back(v);
  }
  size_t payload = size_t(count) * npyElementSize(array.dtype);
  StringRef body = bytes.drop_front(start + headerLen);
  if (body.size() < payload)
    return npyError(name, "expected " + llvm::Twine(payload) +
                              " bytes of data, found " +
                              llvm::Twine(body.size()));
  array.data.assign(body.bytes_begin(), body.bytes_begin() + payload);
  return array;
}

llvm::Expected<NpyArray> mlir::quantx::readNpy(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return npyError(path, buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path);
}

llvm::Error mlir::quantx::writeNpy(StringRef path, const NpyArray &array) {
  std::string header = "{'descr': '" + npyDescr(array.dtype).str() +
                       "', 'fortran_order': False, 'shape': (";
  for (int64_t d : array.shape)
    header += std::to_string(d) + ",";
  if (array.shape.size() > 1)
    header.pop_back();
  header += "), }";
  // Pad so that the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return npyError(path, ec.message());
  os << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xFF)
     << char(header.size() >> 8) << header;
  os.write(reinterpret_cast<const char *>(array.data.data()), array.data.size());
  return llvm::Error::success();
}
