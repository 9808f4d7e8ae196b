#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# The GPU checks in two halves, for a GPU machine without LLVM 22:
#
#   scripts/gpu_device_check.sh build [CHIP]   here: builds gpu-artifacts/
#       (the integration cases executable, the benchmark, and the example LM
#       in five schemes with the CPU's perplexities), default sm_90
#   scripts/gpu_device_check.sh run [OUTDIR]   on the GPU machine (CUDA
#       driver, python3 with torch): runs them, writes check.txt, lm.txt,
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
    # The example LM in several schemes, with the CPU's perplexity to compare.
    lm="$art/lm"
    mkdir -p "$lm"
    python3 "$root/examples/lm/gen_lm.py" "$lm" --seqs 64
    bin="${BUILD_DIR:-$root/build}/bin"
    "$bin/quant-opt" "$lm/lm.mlir" --quantx-insert-fake-quant="scheme=w8a8 observe-inputs=true" -o "$lm/obs.mlir"
    "$bin/quant-calibrate" "$lm/obs.mlir" -i "$lm/calib_tokens.npy" -i "$lm/calib_targets.npy" --batch 2 -o "$lm/stats.json"
    : > "$lm/expected.txt"
    for spec in "fp32:" "w4a16:scheme=w4a16 group-size=128" "nf4dq:scheme=w4a16-nf4-dq group-size=64" \
                "w8a8:scheme=w8a8 stats=$lm/stats.json" "fp8:scheme=fp8 stats=$lm/stats.json"; do
      name="${spec%%:*}" opts="${spec#*:}"
      if [ -n "$opts" ]; then
        "$bin/quant-opt" "$lm/lm.mlir" --quantx-ptq="$opts" -o "$lm/$name.mlir" 2>/dev/null
      else
        cp "$lm/lm.mlir" "$lm/$name.mlir"
      fi
      bash "$root/examples/gpu/compile.sh" "$lm/$name.mlir" "$root/examples/gpu/lm_eval.c" \
        "$lm/lm-$name" "chip=$chip emit-c-interface"
      TARGET=cpu bash "$root/examples/gpu/compile.sh" "$lm/$name.mlir" "$root/examples/gpu/lm_eval.c" \
        "$lm/cpu-$name"
      echo "$name (CPU): $("$lm/cpu-$name" "$lm/eval_tokens.npy" "$lm/eval_targets.npy" 1 | tail -1)" >> "$lm/expected.txt"
      rm -f "$lm/cpu-$name" "$lm/$name.mlir"
    done
    rm -f "$lm/lm.mlir" "$lm/obs.mlir"
    echo "built $art (chip $chip)"
    ;;
  run)
    out="${2:-$art/results}"
    mkdir -p "$out"
    nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || true
    status=0
    "$art/check/check" | tee "$out/check.txt" || status=1
    for exe in "$art"/lm/lm-*; do
      echo "${exe##*/lm-} (GPU): $("$exe" "$art/lm/eval_tokens.npy" "$art/lm/eval_targets.npy" 10 | tail -1)"
    done | tee "$out/lm.txt" || status=1
    cat "$art/lm/expected.txt" | tee -a "$out/lm.txt"
    python3 "$art/bench/gpu_bench.py" run "$art/bench" | tee "$out/bench.md" || status=1
    cp "$art/bench/results.json" "$out/" 2>/dev/null || true
    exit $status
    ;;
  *)
    sed -n 2,12p "$0"
    exit 2
    ;;
esac
