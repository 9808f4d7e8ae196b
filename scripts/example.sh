#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Builds quant-opt if needed, then lowers the bundled example (a W4A16 and a
# W8A8 layer beside their float baseline) with --quantx-cpu-pipeline and runs
# it on the CPU with mlir-runner.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
example="${1:-$root/examples/quickstart.mlir}"

"$root/scripts/build.sh" >/dev/null
lib=/usr/lib/llvm-22/lib
echo "== $example: quant-opt --quantx-cpu-pipeline | mlir-runner" >&2
"$build/bin/quant-opt" "$example" --quantx-cpu-pipeline \
  | /usr/lib/llvm-22/bin/mlir-runner -e main -entry-point-result=void \
      -shared-libs="$lib/libmlir_runner_utils.so,$lib/libmlir_c_runner_utils.so"
