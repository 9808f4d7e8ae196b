# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes ONNX models that quant-import-onnx must reject with one line
(test/Import/onnx-errors.test): bad_models.py DIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

out = sys.argv[1]


def model(name, nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)]),
         os.path.join(out, name + '.onnx'))


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


model('unsupported', [helper.make_node('Relu', ['x'], ['h'], name='act'),
                      helper.make_node('TopK', ['h', 'k'], ['y', 'i'], name='pick')],
      [f32('x', [2, 8])], [f32('y', [2, 3])],
      [numpy_helper.from_array(np.array([3], np.int64), 'k')])
model('symbolic', [helper.make_node('Relu', ['x'], ['y'], name='act')],
      [f32('x', ['batch', 8])], [f32('y', ['batch', 8])])
model('grouped', [helper.make_node('Conv', ['x', 'w'], ['y'], group=2, name='conv')],
      [f32('x', [1, 4, 8, 8])], [f32('y', [1, 4, 6, 6])],
      [numpy_helper.from_array(np.ones((4, 2, 3, 3), np.float32), 'w')])
model('reflect', [helper.make_node('Pad', ['x', 'p'], ['y'], mode='reflect', name='pad')],
      [f32('x', [1, 4])], [f32('y', [1, 6])],
      [numpy_helper.from_array(np.array([0, 1, 0, 1], np.int64), 'p')])
model('mismatch', [helper.make_node('MatMul', ['x', 'w'], ['y'], name='mm')],
      [f32('x', [2, 8])], [f32('y', [2, 3])],
      [numpy_helper.from_array(np.ones((5, 3), np.float32), 'w')])
model('broadcast', [helper.make_node('Add', ['x', 'b'], ['y'], name='add')],
      [f32('x', [2, 8])], [f32('y', [2, 8])],
      [numpy_helper.from_array(np.ones((3,), np.float32), 'b')])
open(os.path.join(out, 'garbage.onnx'), 'wb').write(b'\x01\x02not a model')
