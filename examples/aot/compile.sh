#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Ahead-of-time compilation of a quantized model to a shared library with C
# entry points, through MLIR's own tools:
#
#   quant-opt --quantx-cpu-pipeline  ->  mlir-translate --mlir-to-llvmir
#   ->  llc -filetype=obj  ->  clang -shared (+ LLVM's libomp for threads)
#
#   examples/aot/compile.sh MODEL.mlir OUT.so [PIPELINE-OPTIONS]
#
# Every public function f gets a C entry point `_mlir_ciface_f` taking
# pointers to memref descriptors (the result first), see main.c. Models
# whose weights are parameter globals (docs/Parameters.md) export
# quantx_bind_parameters, to call with libquantx_params' lookup before
# anything else (layers_main.c). Default pipeline options:
# "emit-c-interface openmp=true parameter-binding=function"; the CPU is the host's
# (llc -mcpu=native); set MCPU=znver5 (or another -mcpu) to cross-compile.
set -euo pipefail
model="$1"
out="$2"
opts="${3:-emit-c-interface openmp=true parameter-binding=function}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${BUILD_DIR:-$root/build}/bin"
llvm=/usr/lib/llvm-22/bin
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin/quant-opt" "$model" --quantx-cpu-pipeline="$opts" -o "$tmp/model.llvm.mlir"
"$llvm/mlir-translate" --mlir-to-llvmir "$tmp/model.llvm.mlir" -o "$tmp/model.ll"
"$llvm/llc" -O3 -mcpu="${MCPU:-native}" -filetype=obj -relocation-model=pic "$tmp/model.ll" -o "$tmp/model.o"
libs=()
if grep -q "__kmpc_" "$tmp/model.ll"; then
  libs+=(-L/usr/lib/llvm-22/lib -Wl,-rpath,/usr/lib/llvm-22/lib -lomp)
fi
"$llvm/clang" -shared "$tmp/model.o" -o "$out" "${libs[@]}"
