# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Tiled 4-bit weights in parameter files, checked independently.

  tiled_weights.py make DIR          writes DIR/w.safetensors (W: 8 x 64 f32)
                                     and DIR/x.npy (2 x 64)
  tiled_weights.py check ROWS TILED  reads `w.qweight` from both files: the
                                     tiled tensor (N/4 x K/32 x 4 x 16) must
                                     be the row-layout one (N x K/2) cut into
                                     tiles of 4 rows x 16 bytes
"""
import json
import struct
import sys

import numpy as np


def write(path, tensors):
    header, blobs, off = {}, [], 0
    for name, a in tensors.items():
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read(path, name):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    t = header[name]
    lo, hi = t["data_offsets"]
    return np.frombuffer(data[lo:hi], np.uint8).reshape(t["shape"])


if sys.argv[1] == "make":
    rng = np.random.default_rng(3)
    write(sys.argv[2] + "/w.safetensors", {"w": rng.standard_normal((8, 64)).astype(np.float32)})
    np.save(sys.argv[2] + "/x.npy", rng.standard_normal((2, 64)).astype(np.float32))
else:
    rows, tiled = read(sys.argv[2], "w.qweight"), read(sys.argv[3], "w.qweight")
    n, b = rows.shape
    expect = rows.reshape(n // 4, 4, b // 16, 16).transpose(0, 2, 1, 3)
    print("rows", list(rows.shape), "tiled", list(tiled.shape),
          "same tiles" if tiled.shape == expect.shape and (tiled == expect).all() else "DIFFERENT")
