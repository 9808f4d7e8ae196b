#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""lora_adapter.py DIR: the files of the LoRA tests (standard library only):
DIR/base.safetensors with lin.weight (2 x 4 f32), and adapters in the PEFT
layout: DIR/good (r = 1, lora_alpha = 2: scale 2; A = [[1, 0, 0, 1]],
B = [[0.5], [-1]]), DIR/unmatched (a layer the model lacks), DIR/shape
(A of 1 x 3), DIR/only-a (no lora_B), DIR/bias (bias "all")."""
import json
import os
import struct
import sys

out = sys.argv[1]


def safetensors(path, tensors):
    header, data = {}, b''
    for name, shape, values in tensors:
        raw = struct.pack('<%df' % len(values), *values)
        header[name] = {'dtype': 'F32', 'shape': shape, 'data_offsets': [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + data)


def adapter(name, tensors, r=1, alpha=2.0, **extra):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    config = {'peft_type': 'LORA', 'r': r, 'lora_alpha': alpha, 'bias': 'none',
              'target_modules': ['lin']}
    config.update(extra)
    json.dump(config, open(os.path.join(d, 'adapter_config.json'), 'w'))
    safetensors(os.path.join(d, 'adapter_model.safetensors'), tensors)


os.makedirs(out, exist_ok=True)
safetensors(os.path.join(out, 'base.safetensors'),
            [('lin.weight', [2, 4], [0.5, -1.0, 2.0, 0.25, 1.5, -0.75, 3.0, -2.5])])
A = ('base_model.model.lin.lora_A.weight', [1, 4], [1.0, 0.0, 0.0, 1.0])
B = ('base_model.model.lin.lora_B.weight', [2, 1], [0.5, -1.0])
adapter('good', [A, B])
adapter('unmatched', [A, B, ('base_model.model.other.lora_A.weight', [1, 4], [1.0] * 4),
                      ('base_model.model.other.lora_B.weight', [2, 1], [1.0, 1.0])])
adapter('shape', [('base_model.model.lin.lora_A.weight', [1, 3], [1.0] * 3), B])
adapter('only-a', [A])
adapter('bias', [A, B], bias='all')
