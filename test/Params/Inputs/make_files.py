#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes safetensors files, good and malformed, into DIR for the parameter
file tests (standard library only)."""
import json
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def raw(name, header_bytes, data, length=None):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(struct.pack('<Q', len(header_bytes) if length is None else length))
        f.write(header_bytes + data)


def st(name, header, data, **kw):
    raw(name, json.dumps(header).encode(), data, **kw)


w = struct.pack('<8f', *[0.5, -1.0, 2.0, 0.25, 1.5, -0.75, 3.0, -2.5])  # 2x4 f32
bias = struct.pack('<2f', 0.125, -0.5)
good = {'w': {'dtype': 'F32', 'shape': [2, 4], 'data_offsets': [0, 32]},
        'b': {'dtype': 'F32', 'shape': [2], 'data_offsets': [32, 40]},
        '__metadata__': {'format': 'pt'}}
st('good.safetensors', good, w + bias)
# The same weight in bf16 (every value is exact in bf16).
wb = b''.join(struct.pack('<f', v)[2:] for v in [0.5, -1.0, 2.0, 0.25, 1.5, -0.75, 3.0, -2.5])
st('good-bf16.safetensors', {'w': {'dtype': 'BF16', 'shape': [2, 4], 'data_offsets': [0, 16]}}, wb)
st('truncated.safetensors', good, (w + bias)[:36])
st('past-end.safetensors', {'w': {'dtype': 'F32', 'shape': [2, 4], 'data_offsets': [8, 40]}}, w)
st('overlap.safetensors', {'w': {'dtype': 'F32', 'shape': [2, 4], 'data_offsets': [0, 32]},
                           'v': {'dtype': 'F32', 'shape': [2], 'data_offsets': [24, 32]}}, w)
st('gap.safetensors', {'w': {'dtype': 'F32', 'shape': [2], 'data_offsets': [8, 16]}}, w[:16])
st('bad-dtype.safetensors', {'w': {'dtype': 'C64', 'shape': [2], 'data_offsets': [0, 16]}}, w[:16])
st('bad-size.safetensors', {'w': {'dtype': 'F32', 'shape': [3, 4], 'data_offsets': [0, 32]}}, w)
st('bad-shape.safetensors', {'w': {'dtype': 'F32', 'shape': [2, -4], 'data_offsets': [0, 32]}}, w)
st('no-offsets.safetensors', {'w': {'dtype': 'F32', 'shape': [2, 4]}}, w)
raw('not-json.safetensors', b'{"w": [1, 2', w)
raw('huge-header.safetensors', b'{}', w, length=10 << 30)
raw('tiny.safetensors', b'', b'', length=0)
with open(os.path.join(out, 'tiny.safetensors'), 'wb') as f:
    f.write(b'\x01\x02')

# A sharded checkpoint: w in shard 1, b in shard 2; one index names a
# missing shard, another names the wrong one.
st('shard-1.safetensors', {'w': good['w']}, w)
st('shard-2.safetensors', {'b': {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8]}}, bias)
json.dump({'weight_map': {'w': 'shard-1.safetensors', 'b': 'shard-2.safetensors'}},
          open(os.path.join(out, 'model.safetensors.index.json'), 'w'))
json.dump({'weight_map': {'w': 'shard-1.safetensors', 'b': 'missing.safetensors'}},
          open(os.path.join(out, 'missing-shard.index.json'), 'w'))
json.dump({'weight_map': {'w': 'shard-2.safetensors'}},
          open(os.path.join(out, 'wrong-shard.index.json'), 'w'))
json.dump({'tensors': {}}, open(os.path.join(out, 'no-map.index.json'), 'w'))
