#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Installs what a fresh Debian 12 machine lacks to build and test quant-opt.
# Safe to run repeatedly: it only calls apt-get when something is missing.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools clang-22 lld-22 \
           libomp-22-dev cmake ninja-build python3 python3-numpy python3-onnx git; do
  have_pkg "$pkg" || need+=("$pkg")
done
# QUANT_OPT_TEST_EXTRAS=1 (CI sets it) also installs PyTorch, which the tests
# that compare with PyTorch need (they are skipped without it), and
# matplotlib for bench/report's plots.
if [ -n "${QUANT_OPT_TEST_EXTRAS:-}" ]; then
  for pkg in python3-torch python3-matplotlib; do
    have_pkg "$pkg" || need+=("$pkg")
  done
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "quant-opt: installing ${need[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi
