//===- FuzzCommon.h - helpers of the libFuzzer harnesses --------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#ifndef QUANTOPT_TEST_FUZZ_FUZZCOMMON_H
#define QUANTOPT_TEST_FUZZ_FUZZCOMMON_H

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace quantopt::fuzz {

/// A per-process scratch file holding the input (for readers that take a
/// path and memory-map it), rewritten on every call.
inline std::string writeScratch(const uint8_t *data, size_t size, llvm::StringRef suffix) {
  static llvm::SmallString<128> path;
  if (path.empty()) {
    int fd;
    if (llvm::sys::fs::createTemporaryFile("quant-fuzz", suffix.drop_front(), fd, path))
      return "";
    llvm::sys::fs::closeFile(fd);
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return "";
  os.write(reinterpret_cast<const char *>(data), size);
  return std::string(path);
}

} // namespace quantopt::fuzz

#endif // QUANTOPT_TEST_FUZZ_FUZZCOMMON_H
