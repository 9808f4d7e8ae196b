#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# The example MLP end to end, with one command: float accuracy, then
# calibration on 100 images and W8A8 accuracy, simulated (fake-quant) and
# real (integer matmuls), static and dynamic, on 360 held-out images.
#
#   examples/mlp/run.sh [METHOD]     METHOD: minmax (default), percentile, mse, entropy
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
method="${1:-minmax}"
"$root/scripts/build.sh" >/dev/null
bin="$build/bin"
d="$root/examples/mlp"
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT

run() { "$bin/quant-run" "$1" -e mlp -i "$d/data/test_x.npy" -o "$t/$2" 2>/dev/null; }
acc() { python3 "$d/accuracy.py" "$1" "$t/$2/mlp.0.npy" "$d/data/test_y.npy" ${3:+"$t/$3/mlp.0.npy"}; }

# Float baseline.
run "$d/mlp.mlir" float
# Calibration: observers on every quantized activation, statistics on 100
# training images fed 10 at a time.
# (observe-inputs also observes inputs of weight-only ops, and
# --second-moments records what GPTQ needs.)
"$bin/quant-opt" "$d/mlp.mlir" --quantx-insert-fake-quant="scheme=w8a8 observe-inputs=true" -o "$t/observed.mlir"
"$bin/quant-calibrate" "$t/observed.mlir" -i "$d/data/calib_x.npy" --batch 10 --second-moments -o "$t/stats.json" 2>/dev/null
# Simulated W8A8 (fake-quant, still float), then the real quantized models.
"$bin/quant-opt" "$d/mlp.mlir" --quantx-insert-fake-quant="scheme=w8a8 stats=$t/stats.json method=$method" -o "$t/fq.mlir"
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq="scheme=w8a8 stats=$t/stats.json method=$method" -o "$t/w8a8.mlir"
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq=scheme=w8a8-dynamic -o "$t/dyn.mlir"
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq=scheme=w8a8-dynamic-row -o "$t/row.mlir"
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq="scheme=fp8 stats=$t/stats.json method=$method" -o "$t/fp8.mlir"
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq=scheme=w8a16 -o "$t/w8a16.mlir"
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq="scheme=w8a8 algorithm=smoothquant stats=$t/stats.json" -o "$t/sq.mlir" 2>/dev/null
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq="scheme=w4a16 group-size=16" -o "$t/w4a16.mlir"
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq="scheme=w4a16 group-size=16 algorithm=gptq stats=$t/stats.json" -o "$t/gptq.mlir"
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq="scheme=w4a16-asym group-size=16" -o "$t/asym.mlir"
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq="scheme=w4a16-nf4 group-size=16" -o "$t/nf4.mlir"
"$bin/quant-opt" "$d/mlp.mlir" --quantx-ptq="scheme=w4a16-nf4-dq group-size=16" -o "$t/nf4dq.mlir"
run "$t/fq.mlir" fq
run "$t/w8a8.mlir" w8a8
run "$t/dyn.mlir" dyn
run "$t/row.mlir" row
run "$t/fp8.mlir" fp8
run "$t/w8a16.mlir" w8a16
run "$t/sq.mlir" sq
run "$t/w4a16.mlir" w4a16
run "$t/gptq.mlir" gptq
run "$t/asym.mlir" asym
run "$t/nf4.mlir" nf4
run "$t/nf4dq.mlir" nf4dq

echo "MLP 64-32-10 on 360 held-out digits (calibration: $method)"
acc "float (f32)" float
acc "W8A8 simulated (fake-quant)" fq float
acc "W8A8 static (int8 matmuls)" w8a8 float
acc "W8A8 dynamic" dyn float
acc "W8A8 dynamic, per row" row float
acc "FP8 (E4M3 x E4M3)" fp8 float
acc "W8A16 (int8 weights)" w8a16 float
acc "W8A8 + SmoothQuant" sq float
acc "W4A16 (int4, groups of 16)" w4a16 float
acc "W4A16 int4 g16 + GPTQ" gptq float
acc "W4A16 asymmetric int4 g16" asym float
acc "W4A16 NF4 g16" nf4 float
acc "W4A16 NF4 g16, double quant" nf4dq float
