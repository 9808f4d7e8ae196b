# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""aot_inputs.py DIR: writes 3 digit images as DIR/x.f32 (raw) and DIR/x.npy;
aot_inputs.py DIR compare: compares DIR/aot.txt with DIR/jit/mlp.0.npy."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tools", "Inputs"))
import npytool  # noqa: E402

d = sys.argv[1]
if len(sys.argv) == 2:
    vals = [((i * 7) % 17) / 16.0 for i in range(3 * 64)]
    with open(os.path.join(d, "x.f32"), "wb") as f:
        f.write(struct.pack("<%df" % len(vals), *vals))
    npytool.write_array(os.path.join(d, "x.npy"), vals, (3, 64))
else:
    aot = [[float(v) for v in line.split()] for line in open(os.path.join(d, "aot.txt"))]
    jit, header = npytool.read_values(os.path.join(d, "jit", "mlp.0.npy"))
    print("%d x %d logits" % (len(aot), len(aot[0])))
    flat = [v for row in aot for v in row]
    # aot.txt holds 6 significant digits: compare at that precision.
    diff = max(abs(a - float("%.6g" % b)) for a, b in zip(flat, jit))
    print("max difference AOT vs JIT: %g" % diff)
