#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes LLM-shaped decoder layers with random weights, for performance
runs (default: Llama-7B dimensions, hidden 4096, MLP 11008, 32 heads).

  python3 examples/llm_layer/gen_layer.py OUT.mlir [--layers 1] [--dim 4096]
      [--ff 11008] [--heads 32] [--tokens 1] [--seed 0]
      [--checkpoint DIR]

@layers(%x: tensor<TOKENS x DIM x f32>) -> (tensor<TOKENS x DIM x f32>,
tensor<TOKENS x HEADS x f32>) runs LAYERS Llama-style layers for tokens at
the first position of an empty KV cache: RMSNorm, q/k/v/o projections,
attention (over the single key of its own position: the softmax weight is
1, so the output is v; the q.k logits are returned so q and k are
computed), residual, RMSNorm, SiLU-gated MLP (gate, up, down), residual.
All seven linear layers per layer are linalg.matmul ops in the Linear
(N x K) layout named layers.<i>.self_attn.{q,k,v,o}_proj and
layers.<i>.mlp.{gate,up,down}_proj, with weights as dense_resource blobs
(Gaussian, std 0.02; a 1M-value block rotated per matrix, so writing a
7B-sized layer takes seconds). Standard library only.

With --checkpoint DIR (a Hugging Face Llama checkpoint: config.json and
model.safetensors.index.json, e.g. from examples/llama/gen_checkpoint.py)
the dimensions come from config.json and the model reads its weights from
the checkpoint by name: every weight (q/k/v/o, gate/up/down and the two
RMSNorm gains per layer) is an `ml_program.global` parameter named as in the
checkpoint (model.layers.I.self_attn.q_proj.weight, ...; with --head also
model.norm.weight and lm_head.weight) in the checkpoint's
dtype, the matmuls take the bf16/f16 weights directly (linalg.matmul
extends them to f32), the norms multiply by their gains, and the module's
quantx.parameters attribute names the index file. Only checkpoints whose
key/value heads equal their attention heads are supported here.
"""
import json
import os
import argparse
import random
import struct


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out')
    ap.add_argument('--layers', type=int, default=1)
    ap.add_argument('--dim', type=int, default=4096)
    ap.add_argument('--ff', type=int, default=11008)
    ap.add_argument('--heads', type=int, default=32)
    ap.add_argument('--tokens', type=int, default=1)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--checkpoint', help='read weights by name from this checkpoint')
    ap.add_argument('--head', action='store_true',
                    help='with --checkpoint: also the final norm and lm_head (a third '
                         'result, the TOKENS x VOCAB logits)')
    a = ap.parse_args()
    params = {}  # checkpoint key -> (symbol, type) of its parameter global
    wdtype = 'f32'
    if a.checkpoint:
        with open(os.path.join(a.checkpoint, 'config.json')) as f:
            cfg = json.load(f)
        if cfg.get('num_key_value_heads', cfg['num_attention_heads']) != cfg['num_attention_heads']:
            raise SystemExit('gen_layer: grouped-query attention (num_key_value_heads < '
                             'num_attention_heads) is not supported')
        a.dim, a.ff, a.heads = cfg['hidden_size'], cfg['intermediate_size'], cfg['num_attention_heads']
        a.layers = min(a.layers, cfg['num_hidden_layers'])
        wdtype = {'bfloat16': 'bf16', 'float16': 'f16', 'float32': 'f32'}[cfg.get('torch_dtype', 'float32')]
    d, ff, h, t = a.dim, a.ff, a.heads, a.tokens
    hd = d // h
    rng = random.Random(a.seed)
    block = struct.pack('<%df' % (1 << 20), *[rng.gauss(0, 0.02) for _ in range(1 << 20)])
    mats = []  # (name, symbol, n, k)
    L = []
    w = L.append
    w('#lhs = affine_map<(m, n, k) -> (m, k)>')
    w('#rhs = affine_map<(m, n, k) -> (n, k)>')
    w('#out = affine_map<(m, n, k) -> (m, n)>')
    w('#id = affine_map<(m, c) -> (m, c)>')
    w('#rowmap = affine_map<(m, c) -> (m)>')
    w('#colmap = affine_map<(m, c) -> (c)>')
    head = a.checkpoint and a.head
    vocab = cfg['vocab_size'] if head else 0
    results = f'tensor<{t}x{d}xf32>, tensor<{t}x{h}xf32>' + (f', tensor<{t}x{vocab}xf32>' if head else '')
    w(f'func.func @layers(%x: tensor<{t}x{d}xf32>) -> ({results}) {{')
    w('  %zero = arith.constant 0.0 : f32')
    w('  %one = arith.constant 1.0 : f32')
    w(f'  %invd = arith.constant {1.0 / d:e} : f32')
    w('  %eps = arith.constant 1.0e-05 : f32')
    w(f'  %scale = arith.constant {1.0 / hd ** 0.5:e} : f32')
    cnt = [0]

    def v(p):
        cnt[0] += 1
        return f'%{p}{cnt[0]}'

    def param(key, shape):
        """A load of the checkpoint tensor `key`."""
        ty = f'tensor<{"x".join(map(str, shape))}x{wdtype}>'
        params[key] = ty
        val = v('p')
        w(f'  {val} = ml_program.global_load_const @"{key}" : {ty}')
        return val, ty

    def rmsnorm(x, gain_key=None):
        e, i, ss, y, ye = v('e'), v('i'), v('ss'), v('rms'), v('ye')
        w(f'  {e} = tensor.empty() : tensor<{t}xf32>')
        w(f'  {i} = linalg.fill ins(%zero : f32) outs({e} : tensor<{t}xf32>) -> tensor<{t}xf32>')
        w(f'  {ss} = linalg.generic {{indexing_maps = [#id, #rowmap], iterator_types = ["parallel", "reduction"]}} '
          f'ins({x} : tensor<{t}x{d}xf32>) outs({i} : tensor<{t}xf32>) {{')
        w('  ^bb0(%a: f32, %acc: f32):')
        w('    %q = arith.mulf %a, %a : f32')
        w('    %r = arith.addf %acc, %q : f32')
        w('    linalg.yield %r : f32')
        w(f'  }} -> tensor<{t}xf32>')
        w(f'  {ye} = tensor.empty() : tensor<{t}x{d}xf32>')
        if gain_key is None:
            w(f'  {y} = linalg.generic {{indexing_maps = [#id, #rowmap, #id], iterator_types = ["parallel", "parallel"]}} '
              f'ins({x}, {ss} : tensor<{t}x{d}xf32>, tensor<{t}xf32>) outs({ye} : tensor<{t}x{d}xf32>) {{')
            w('  ^bb0(%a: f32, %s: f32, %o: f32):')
        else:
            gain, gty = param(gain_key, [d])
            w(f'  {y} = linalg.generic {{indexing_maps = [#id, #rowmap, #colmap, #id], iterator_types = ["parallel", "parallel"]}} '
              f'ins({x}, {ss}, {gain} : tensor<{t}x{d}xf32>, tensor<{t}xf32>, {gty}) outs({ye} : tensor<{t}x{d}xf32>) {{')
            w(f'  ^bb0(%a: f32, %s: f32, %gw: {wdtype}, %o: f32):')
        w('    %m = arith.mulf %s, %invd : f32')
        w('    %me = arith.addf %m, %eps : f32')
        w('    %rs = math.rsqrt %me : f32')
        if gain_key is None:
            w('    %r = arith.mulf %a, %rs : f32')
        else:
            w('    %an = arith.mulf %a, %rs : f32')
            w(f'    %g = arith.extf %gw : {wdtype} to f32' if wdtype != 'f32' else '    %g = arith.addf %gw, %zero : f32')
            w('    %r = arith.mulf %an, %g : f32')
        w('    linalg.yield %r : f32')
        w(f'  }} -> tensor<{t}x{d}xf32>')
        return y

    def linear(x, k, n, name, key=None):
        if a.checkpoint:
            wv, wty = param(key or f'model.{name}.weight', [n, k])
        else:
            sym = f'w{len(mats)}'
            mats.append((name, sym, n, k))
            wv, wty = f'%{sym}', f'tensor<{n}x{k}xf32>'
            w(f'  {wv} = arith.constant dense_resource<{sym}> : {wty}')
        e, i, y = v('le'), v('li'), v('lin')
        w(f'  {e} = tensor.empty() : tensor<{t}x{n}xf32>')
        w(f'  {i} = linalg.fill ins(%zero : f32) outs({e} : tensor<{t}x{n}xf32>) -> tensor<{t}x{n}xf32>')
        w(f'  {y} = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins({x}, {wv} : tensor<{t}x{k}xf32>, '
          f'{wty}) outs({i} : tensor<{t}x{n}xf32>) -> tensor<{t}x{n}xf32> loc("{name}")')
        return y

    def elementwise(a, b, cols, body):
        e, y = v('ee'), v('ew')
        w(f'  {e} = tensor.empty() : tensor<{t}x{cols}xf32>')
        w(f'  {y} = linalg.generic {{indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}} '
          f'ins({a}, {b} : tensor<{t}x{cols}xf32>, tensor<{t}x{cols}xf32>) outs({e} : tensor<{t}x{cols}xf32>) {{')
        w('  ^bb0(%p: f32, %q: f32, %o: f32):')
        for line in body:
            w('    ' + line)
        w(f'  }} -> tensor<{t}x{cols}xf32>')
        return y

    x = '%x'
    logits = None
    for i in range(a.layers):
        p = f'layers.{i}'
        n1 = rmsnorm(x, f'model.{p}.input_layernorm.weight' if a.checkpoint else None)
        q = linear(n1, d, d, f'{p}.self_attn.q_proj')
        k = linear(n1, d, d, f'{p}.self_attn.k_proj')
        vv = linear(n1, d, d, f'{p}.self_attn.v_proj')
        # q.k logits per head (the single key of the token's own position).
        qe, qh, kh, le, li, lg = v('qe'), v('qh'), v('kh'), v('lge'), v('lgi'), v('logit')
        w(f'  {qh} = tensor.expand_shape {q} [[0], [1, 2]] output_shape [{t}, {h}, {hd}] : tensor<{t}x{d}xf32> into tensor<{t}x{h}x{hd}xf32>')
        w(f'  {kh} = tensor.expand_shape {k} [[0], [1, 2]] output_shape [{t}, {h}, {hd}] : tensor<{t}x{d}xf32> into tensor<{t}x{h}x{hd}xf32>')
        w(f'  {le} = tensor.empty() : tensor<{t}x{h}xf32>')
        w(f'  {li} = linalg.fill ins(%zero : f32) outs({le} : tensor<{t}x{h}xf32>) -> tensor<{t}x{h}xf32>')
        w(f'  {lg} = linalg.generic {{indexing_maps = [affine_map<(m, j, c) -> (m, j, c)>, affine_map<(m, j, c) -> (m, j, c)>, '
          f'affine_map<(m, j, c) -> (m, j)>], iterator_types = ["parallel", "parallel", "reduction"]}} '
          f'ins({qh}, {kh} : tensor<{t}x{h}x{hd}xf32>, tensor<{t}x{h}x{hd}xf32>) outs({li} : tensor<{t}x{h}xf32>) {{')
        w('  ^bb0(%p: f32, %q: f32, %acc: f32):')
        w('    %m = arith.mulf %p, %q : f32')
        w('    %ms = arith.mulf %m, %scale : f32')
        w('    %r = arith.addf %acc, %ms : f32')
        w('    linalg.yield %r : f32')
        w(f'  }} -> tensor<{t}x{h}xf32>')
        logits = lg if logits is None else elementwise(logits, lg, h, ['%r = arith.addf %p, %q : f32', 'linalg.yield %r : f32'])
        o = linear(vv, d, d, f'{p}.self_attn.o_proj')
        x = elementwise(x, o, d, ['%r = arith.addf %p, %q : f32', 'linalg.yield %r : f32'])
        n2 = rmsnorm(x, f'model.{p}.post_attention_layernorm.weight' if a.checkpoint else None)
        g = linear(n2, d, ff, f'{p}.mlp.gate_proj')
        u = linear(n2, d, ff, f'{p}.mlp.up_proj')
        act = elementwise(g, u, ff, ['%ng = arith.negf %p : f32', '%ex = math.exp %ng : f32',
                                     '%den = arith.addf %ex, %one : f32', '%sg = arith.divf %p, %den : f32',
                                     '%r = arith.mulf %sg, %q : f32', 'linalg.yield %r : f32'])
        dn = linear(act, ff, d, f'{p}.mlp.down_proj')
        x = elementwise(x, dn, d, ['%r = arith.addf %p, %q : f32', 'linalg.yield %r : f32'])
    if head:
        out = linear(rmsnorm(x, 'model.norm.weight'), d, vocab, 'lm_head', key='lm_head.weight')
        w(f'  return {x}, {logits}, {out} : {results}')
    else:
        w(f'  return {x}, {logits} : {results}')
    w('}')
    if a.checkpoint:
        index = os.path.join(a.checkpoint, 'model.safetensors.index.json')
        with open(a.out, 'w') as f:
            f.write('\n'.join(L[:6]) + '\n')  # attribute aliases precede the module
            f.write(f'module attributes {{quantx.parameters = "{index}"}} {{\n')
            for key, ty in params.items():
                f.write(f'ml_program.global private @"{key}"(#ml_program.extern : {ty}) : {ty}\n')
            f.write('\n'.join(L[6:]) + '\n}\n')
        return
    with open(a.out, 'w') as f:
        f.write('\n'.join(L) + '\n{-#\n  dialect_resources: { builtin: {\n')
        for idx, (_, sym, n, k) in enumerate(mats):
            size = n * k * 4
            shift = (idx * 4099 * 4) % len(block)
            rot = block[shift:] + block[:shift]
            data = (rot * (size // len(rot) + 1))[:size]
            f.write(f'    {sym}: "0x04000000{data.hex().upper()}"{"," if idx + 1 < len(mats) else ""}\n')
        f.write('  } }\n#-}\n')


if __name__ == '__main__':
    main()
