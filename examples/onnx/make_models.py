#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes ONNX models with inputs and reference outputs, for trying
quant-import-onnx and for its tests:

  python3 examples/onnx/make_models.py OUT [--models mlp,cnn,lm,qdq,qops]

For each model NAME: OUT/NAME.onnx, OUT/NAME.in0.npy ... (inputs) and
OUT/NAME.ref0.npy ... (expected outputs).
  mlp   torch.onnx.export of an MLP (Linear, GELU, LayerNorm, Softmax);
        reference: PyTorch.
  cnn   a small CNN (Conv, BatchNorm, ReLU, MaxPool, AvgPool, Flatten,
        Linear); reference: PyTorch.
  lm    the trained character-level LM of examples/lm (embeddings, RMSNorm,
        causal attention, ReLU MLP) on held-out text; reference: PyTorch.
  qdq   a model in the QDQ form ONNX Runtime's static quantizer writes
        (QuantizeLinear/DequantizeLinear around MatMul, int8 per-channel
        weights, int32 bias); reference: NumPy, following the ONNX spec.
  qops  DynamicQuantizeLinear + MatMulInteger and QLinearMatMul (the
        operator forms of ONNX Runtime's dynamic quantizer); reference:
        NumPy, following the ONNX spec.

Needs Debian's python3-torch (mlp, cnn, lm), python3-onnx and python3-numpy.
Deterministic: fixed seeds.
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def save(out, name, inputs, refs):
    for i, a in enumerate(inputs):
        np.save(os.path.join(out, f'{name}.in{i}.npy'), a)
    for i, a in enumerate(refs):
        np.save(os.path.join(out, f'{name}.ref{i}.npy'), a)


def export(out, name, model, inputs, **kw):
    import torch
    model.eval()
    args = tuple(torch.from_numpy(a) for a in inputs)
    with torch.no_grad():
        ref = model(*args)
    torch.onnx.export(model, args, os.path.join(out, f'{name}.onnx'), opset_version=17,
                      do_constant_folding=True, **kw)
    refs = ref if isinstance(ref, tuple) else (ref,)
    save(out, name, inputs, [r.numpy() for r in refs])


def make_mlp(out):
    import torch
    import torch.nn as nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 256), nn.GELU(), nn.LayerNorm(256), nn.Linear(256, 128),
                          nn.Tanh(), nn.Linear(128, 10), nn.Softmax(-1))
    x = np.random.default_rng(0).standard_normal((8, 64)).astype(np.float32)
    export(out, 'mlp', model, [x])


def make_cnn(out):
    import torch
    import torch.nn as nn
    torch.manual_seed(1)

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(3, 16, 3, padding=1)
            self.bn = nn.BatchNorm2d(16)
            self.c2 = nn.Conv2d(16, 32, 3, stride=2)
            self.fc = nn.Linear(32 * 2 * 2, 10)

        def forward(self, x):
            x = torch.max_pool2d(torch.relu(self.bn(self.c1(x))), 2)
            x = torch.sigmoid(self.c2(x))
            x = nn.functional.avg_pool2d(x, 2, ceil_mode=False)
            return self.fc(torch.flatten(x, 1))

    model = CNN()
    with torch.no_grad():  # non-trivial batch-norm statistics
        model.bn.running_mean.uniform_(-0.5, 0.5)
        model.bn.running_var.uniform_(0.5, 2.0)
    x = np.random.default_rng(1).standard_normal((2, 3, 24, 24)).astype(np.float32)
    export(out, 'cnn', model, [x])


def make_lm(out):
    sys.path.insert(0, os.path.join(HERE, '..', 'lm'))
    import reference  # noqa: E402  (examples/lm: the trained model)
    cfg, model = reference.load_model()
    text = open(os.path.join(HERE, '..', 'lm', 'heldout.txt')).read()
    index = {c: i for i, c in enumerate(cfg['vocab'])}
    ids = [index.get(c, index[' ']) for c in text[:2 * 64]]
    tokens = np.array(ids, np.int64).reshape(2, 64)
    export(out, 'lm', model, [tokens])


def qdq_reference(x, sx, zx, w, sw, bias_q, sy, zy):
    """The QDQ model in NumPy, from the ONNX operator definitions."""
    def quant(v, s, z, lo, hi):
        return np.clip(np.rint(v / s) + z, lo, hi)
    xq = quant(x, sx, zx, 0, 255)
    xd = ((xq - zx) * sx).astype(np.float32)
    wd = (w.astype(np.float32) * sw[None, :]).astype(np.float32)
    b = (bias_q.astype(np.float32) * (sx * sw)).astype(np.float32)
    h = np.maximum(xd.astype(np.float64) @ wd.astype(np.float64) + b, 0).astype(np.float32)
    hq = quant(h, sy, zy, 0, 255)
    return ((hq - zy) * sy).astype(np.float32)


def make_qdq(out):
    rng = np.random.default_rng(2)
    k, n, m = 32, 16, 4
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = rng.integers(-127, 128, (k, n)).astype(np.int8)
    sx, zx = np.float32(0.02), np.uint8(128)
    sw = (rng.uniform(0.002, 0.01, n)).astype(np.float32)
    bias_q = rng.integers(-2000, 2000, n).astype(np.int32)
    sy, zy = np.float32(0.05), np.uint8(3)
    inits = [numpy_helper.from_array(np.array(sx), 'x_scale'),
             numpy_helper.from_array(np.array(zx), 'x_zp'),
             numpy_helper.from_array(w, 'w_q'),
             numpy_helper.from_array(sw, 'w_scale'),
             numpy_helper.from_array(np.zeros(n, np.int8), 'w_zp'),
             numpy_helper.from_array(bias_q, 'b_q'),
             numpy_helper.from_array((sx * sw).astype(np.float32), 'b_scale'),
             numpy_helper.from_array(np.zeros(n, np.int32), 'b_zp'),
             numpy_helper.from_array(np.array(sy), 'y_scale'),
             numpy_helper.from_array(np.array(zy), 'y_zp')]
    nodes = [helper.make_node('QuantizeLinear', ['x', 'x_scale', 'x_zp'], ['xq'], name='x_q'),
             helper.make_node('DequantizeLinear', ['xq', 'x_scale', 'x_zp'], ['xd'], name='x_dq'),
             helper.make_node('DequantizeLinear', ['w_q', 'w_scale', 'w_zp'], ['wd'], axis=1, name='w_dq'),
             helper.make_node('DequantizeLinear', ['b_q', 'b_scale', 'b_zp'], ['bd'], axis=0, name='b_dq'),
             helper.make_node('MatMul', ['xd', 'wd'], ['mm'], name='fc'),
             helper.make_node('Add', ['mm', 'bd'], ['h0'], name='fc_bias'),
             helper.make_node('Relu', ['h0'], ['h'], name='relu'),
             helper.make_node('QuantizeLinear', ['h', 'y_scale', 'y_zp'], ['hq'], name='h_q'),
             helper.make_node('DequantizeLinear', ['hq', 'y_scale', 'y_zp'], ['y'], name='h_dq')]
    graph = helper.make_graph(nodes, 'qdq', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [m, k])],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, [m, n])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, 'qdq.onnx'))
    save(out, 'qdq', [x], [qdq_reference(x, sx, zx, w, sw, bias_q, sy, zy)])


def make_qops(out):
    rng = np.random.default_rng(3)
    m, k, n = 4, 48, 8
    x = (rng.standard_normal((m, k)) * 1.5 + 0.3).astype(np.float32)
    w = rng.integers(-128, 128, (k, n)).astype(np.int8)
    w_zp = np.int8(-3)
    a = rng.integers(0, 256, (m, k)).astype(np.uint8)
    a_s, a_zp = np.float32(0.03), np.uint8(120)
    b = rng.integers(-128, 128, (k, n)).astype(np.int8)
    b_s, b_zp = np.float32(0.011), np.int8(2)
    y_s, y_zp = np.float32(0.6), np.uint8(130)
    inits = [numpy_helper.from_array(w, 'w'), numpy_helper.from_array(np.array(w_zp), 'w_zp'),
             numpy_helper.from_array(np.array(a_s), 'a_s'), numpy_helper.from_array(np.array(a_zp), 'a_zp'),
             numpy_helper.from_array(b, 'b'), numpy_helper.from_array(np.array(b_s), 'b_s'),
             numpy_helper.from_array(np.array(b_zp), 'b_zp'), numpy_helper.from_array(np.array(y_s), 'y_s'),
             numpy_helper.from_array(np.array(y_zp), 'y_zp')]
    nodes = [helper.make_node('DynamicQuantizeLinear', ['x'], ['xq', 'xs', 'xz'], name='dq_x'),
             helper.make_node('MatMulInteger', ['xq', 'w', 'xz', 'w_zp'], ['acc'], name='mmi'),
             helper.make_node('Cast', ['acc'], ['accf'], to=TensorProto.FLOAT, name='cast'),
             helper.make_node('Mul', ['accf', 'xs'], ['y0'], name='rescale'),
             helper.make_node('QLinearMatMul', ['a', 'a_s', 'a_zp', 'b', 'b_s', 'b_zp', 'y_s', 'y_zp'], ['y1'],
                              name='qlmm')]
    graph = helper.make_graph(
        nodes, 'qops',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, [m, k]),
         helper.make_tensor_value_info('a', TensorProto.UINT8, [m, k])],
        [helper.make_tensor_value_info('y0', TensorProto.FLOAT, [m, n]),
         helper.make_tensor_value_info('y1', TensorProto.UINT8, [m, n]),
         helper.make_tensor_value_info('xq', TensorProto.UINT8, [m, k])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, 'qops.onnx'))
    # DynamicQuantizeLinear (ONNX spec): range widened to include 0.
    lo, hi = min(0.0, float(x.min())), max(0.0, float(x.max()))
    xs = np.float32((np.float32(hi) - np.float32(lo)) / np.float32(255))
    xz = np.float32(np.clip(np.rint(np.float32(0) - np.float32(lo) / xs), 0, 255))
    xq = np.clip(np.rint(x / xs) + xz, 0, 255).astype(np.uint8)
    acc = (xq.astype(np.int64) - int(xz)) @ (w.astype(np.int64) - int(w_zp))
    y0 = (acc.astype(np.float32) * xs).astype(np.float32)
    acc1 = (a.astype(np.int64) - int(a_zp)) @ (b.astype(np.int64) - int(b_zp))
    mult = np.float32(a_s * b_s) / y_s
    y1 = np.clip(np.rint(acc1.astype(np.float32) * mult) + int(y_zp), 0, 255).astype(np.uint8)
    save(out, 'qops', [x, a], [y0, y1, xq])


MAKERS = {'mlp': make_mlp, 'cnn': make_cnn, 'lm': make_lm, 'qdq': make_qdq, 'qops': make_qops}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out')
    ap.add_argument('--models', default=','.join(MAKERS))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in args.models.split(','):
        if name not in MAKERS:
            sys.exit(f"make_models.py: unknown model '{name}' (known: {', '.join(MAKERS)})")
        MAKERS[name](args.out)


if __name__ == '__main__':
    main()
