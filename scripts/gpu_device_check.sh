#!/usr/bin/env bash
# The GPU checks in two halves, for a GPU machine without LLVM 22:
#
#   scripts/gpu_device_check.sh build [CHIP]   here: builds gpu-artifacts/
#       (the integration cases executable and the benchmark), default sm_90
#   scripts/gpu_device_check.sh run [OUTDIR]   on the GPU machine (CUDA
#       driver, python3 with torch): runs both, writes check.txt,
#       bench.md and results.json to OUTDIR (default gpu-artifacts/results)
#
# With the project's device tool: build, then run with carry=["gpu-artifacts"]
# and the command "bash scripts/gpu_device_check.sh run $OUT".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
art="$root/gpu-artifacts"
case "${1:-}" in
  build)
    chip="${2:-sm_90}"
    mkdir -p "$art/check"
    python3 "$root/test/Integration/GPU/Inputs/gpu_cases.py" "$art/check"
    CFLAGS="-I$art/check" bash "$root/examples/gpu/compile.sh" "$art/check/cases.mlir" \
      "$root/test/Integration/GPU/Inputs/gpu_check.c" "$art/check/check" "chip=$chip emit-c-interface"
    python3 "$root/bench/gpu/gpu_bench.py" build --out "$art/bench" --chip "$chip"
    echo "built $art (chip $chip)"
    ;;
  run)
    out="${2:-$art/results}"
    mkdir -p "$out"
    nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || true
    status=0
    "$art/check/check" | tee "$out/check.txt" || status=1
    python3 "$art/bench/gpu_bench.py" run "$art/bench" | tee "$out/bench.md" || status=1
    cp "$art/bench/results.json" "$out/" 2>/dev/null || true
    exit $status
    ;;
  *)
    sed -n 2,12p "$0"
    exit 2
    ;;
esac
