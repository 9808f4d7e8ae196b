#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Ahead-of-time build of a GPU executable from a quantized model and a C
# harness, on a machine without a GPU (the cubins come from ptxas):
#
#   quant-opt --quantx-gpu-pipeline   (kernels -> NVVM -> PTX -> cubin)
#   -> mlir-translate --mlir-to-llvmir -> llc -filetype=obj
#   -> clang HARNESS.c + model.o + libquantx_cuda_runtime.a -> executable
#
#   examples/gpu/compile.sh MODEL.mlir HARNESS.c OUT [PIPELINE-OPTIONS]
#
# Default pipeline options: "chip=sm_90 emit-c-interface". The executable
# needs only the C library and, at run time, the NVIDIA driver
# (libcuda.so.1, opened with dlopen); copy it to a GPU machine and run it.
# Every public function f of the model has a C entry point _mlir_ciface_f
# taking pointers to memref descriptors (the result first); its memrefs
# live in GPU memory (see docs/gpu.md).
#
# TARGET=cpu builds the same harness against --quantx-cpu-pipeline with
# host_shim.c standing in for the runtime (buffers in host memory), which
# checks a harness on a machine without a GPU.
set -euo pipefail
model="$1"
harness="$2"
out="$3"
target="${TARGET:-gpu}"
if [ "$target" = cpu ]; then
  opts="${4:-emit-c-interface}"
else
  opts="${4:-chip=sm_90 emit-c-interface}"
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
llvm=/usr/lib/llvm-22/bin
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$build/bin/quant-opt" "$model" --quantx-$target-pipeline="$opts" -o "$tmp/model.llvm.mlir"
"$llvm/mlir-translate" --mlir-to-llvmir "$tmp/model.llvm.mlir" -o "$tmp/model.ll"
if [ "$target" = cpu ]; then
  "$llvm/llc" -O2 -mcpu=native -filetype=obj -relocation-model=pic "$tmp/model.ll" -o "$tmp/model.o"
  runtime=("$root/examples/gpu/host_shim.c")
else
  "$llvm/llc" -O2 -filetype=obj -relocation-model=pic "$tmp/model.ll" -o "$tmp/model.o"
  # The runtime needs only the C library (it opens the driver itself).
  runtime=("$build/lib/libquantx_cuda_runtime.a" -ldl -lpthread)
fi
"$llvm/clang" -O2 -std=gnu11 -I"$root/examples/gpu" ${CFLAGS:-} ${QUANT_OPT_SANITIZE_CFLAGS:-} "$harness" "$tmp/model.o" \
  "${runtime[@]}" -lm -o "$out"
