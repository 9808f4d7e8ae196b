#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Builds quant-opt with AddressSanitizer and UndefinedBehaviorSanitizer
# (clang-22, libclang-rt-22-dev) in its own build directory, with coverage
# for libFuzzer and the harnesses of test/Fuzz, and runs the lit suite with
# it (test/Fuzz/fuzzers.test runs each harness QUANT_OPT_FUZZ_SECONDS). Ends with "N passed, M failed, K skipped" like
# scripts/test.sh. BUILD_DIR overrides the directory (default build-asan/).
#
# Settings (see docs/Testing.md): LLVM and MLIR come from Debian's
# uninstrumented shared libraries, so
#   detect_container_overflow=0  std::vector annotations differ between
#                                instrumented and uninstrumented code;
#   detect_leaks=0               MLIR's global registries and the JIT's
#                                memory live until exit by design;
#   allow_user_poisoning=0       LLVM's BumpPtrAllocator poisons its slabs in
#                                our (instrumented) inline code and libMLIR
#                                allocates from the same slabs unpoisoned
#                                (a use-after-poison that is not one);
#   -fno-sanitize=vptr           LLVM is built without RTTI;
#   LLVM_USE_SANITIZER=Address   drops -Wl,-z,defs for shared libraries,
#                                whose sanitizer runtime comes with the program.
# Everything else is on, and any report stops the test (halt_on_error).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build-asan}"

"$root/scripts/deps.sh"
if ! dpkg-query -W -f='${Status}' libclang-rt-22-dev 2>/dev/null | grep -q "install ok installed"; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends libclang-rt-22-dev
fi

flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld -DQUANT_OPT_ENABLE_FUZZERS=ON -DLLVM_USE_SANITIZER=Address \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined" \
    || { echo "0 passed, 1 failed (configure failed)"; exit 1; }
fi
ninja -C "$build" quant-opt-test-deps || { echo "0 passed, 1 failed (build failed)"; exit 1; }

export ASAN_OPTIONS="detect_leaks=0:detect_container_overflow=0:allow_user_poisoning=0:halt_on_error=1:abort_on_error=1"
# Test programs linked against the instrumented libraries need the runtime.
export QUANT_OPT_SANITIZE_CFLAGS="-fsanitize=address,undefined"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
BUILD_DIR="$build" QUANT_OPT_SKIP_BUILD=1 exec "$root/scripts/test.sh" "$@"
