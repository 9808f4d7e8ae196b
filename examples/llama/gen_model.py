#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes the linalg-on-tensors IR of a Llama-architecture decoder from a
Hugging Face checkpoint directory (config.json + safetensors, e.g. from
gen_checkpoint.py), reading every weight by name from the checkpoint
(ml_program parameter globals, docs/Parameters.md):

  python3 examples/llama/gen_model.py CHECKPOINT_DIR OUT.mlir
      [--prefill P] [--max-len S]

Two entry points share one KV cache of S positions per layer, passed in and
returned (f32, L x 2 x S x kv_heads*head_dim; index 0 keys, 1 values):

  @prefill(tokens: tensor<P x i64>, start: tensor<1 x i64>, cache)
      -> (logits: tensor<P x V x f32>, cache)
  @decode(token: tensor<1 x i64>, start: tensor<1 x i64>, cache)
      -> (logits: tensor<1 x V x f32>, cache)

The cache argument is marked {bufferization.writable = true}: the keys and
values are written into its buffer in place and the returned cache is that
buffer (quant-generate passes it from call to call without copying it).

Tokens are placed at positions start, start + 1, ...: their keys and values
are written into the cache there and each attends to the cached positions
up to its own (causal). The model: token embedding, per layer RMSNorm,
q/k/v projections, rotary position embeddings (rotate-half convention,
rope_theta), grouped-query attention (num_key_value_heads <=
num_attention_heads), o projection, residual, RMSNorm, SiLU-gated MLP,
residual; final RMSNorm and lm_head (the embedding when
tie_word_embeddings). Linear layers are linalg.matmul ops in the Linear
(N x K) layout named layers.I.self_attn.q_proj, ..., lm_head, taking the
checkpoint's bf16/f16/f32 weights directly. Standard library only.
"""
import argparse
import json
import os


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('checkpoint')
    ap.add_argument('out')
    ap.add_argument('--prefill', type=int, default=8, help='tokens per prefill call')
    ap.add_argument('--max-len', type=int, default=64, help='KV cache positions')
    a = ap.parse_args()
    cfg = json.load(open(os.path.join(a.checkpoint, 'config.json')))
    d, ff, L = cfg['hidden_size'], cfg['intermediate_size'], cfg['num_hidden_layers']
    H = cfg['num_attention_heads']
    KVH = cfg.get('num_key_value_heads', H)
    V = cfg['vocab_size']
    hd = d // H
    kvd = KVH * hd
    group = H // KVH
    S = a.max_len
    theta = float(cfg.get('rope_theta', 10000.0))
    eps = float(cfg.get('rms_norm_eps', 1e-5))
    tied = bool(cfg.get('tie_word_embeddings', False))
    wdt = {'bfloat16': 'bf16', 'float16': 'f16', 'float32': 'f32'}[cfg.get('torch_dtype', 'float32')]
    if H % KVH or d % H or hd % 2:
        raise SystemExit('gen_model: heads must divide hidden, kv heads must divide heads, head_dim even')
    cache_t = f'tensor<{L}x2x{S}x{kvd}xf32>'
    params = {}
    lines = []
    w = lines.append
    counter = [0]

    def fresh(p):
        counter[0] += 1
        return f'%{p}{counter[0]}'

    def param(key, shape):
        ty = f'tensor<{"x".join(map(str, shape))}x{wdt}>'
        params[key] = ty
        v = fresh('p')
        w(f'  {v} = ml_program.global_load_const @"{key}" : {ty}')
        return v, ty

    def widen(x):
        """Element-type conversion in a generic body."""
        return f'arith.extf {x} : {wdt} to f32' if wdt != 'f32' else None

    def function(name, T):
        counter[0] = 0
        tt = f'tensor<{T}x{d}xf32>'
        w(f'func.func @{name}(%tokens: tensor<{T}xi64>, %start_t: tensor<1xi64>, %cache: {cache_t} {{bufferization.writable = true}}) '
          f'-> (tensor<{T}x{V}xf32>, {cache_t}) {{')
        w('  %zero = arith.constant 0.0 : f32')
        w('  %one = arith.constant 1.0 : f32')
        w('  %ninf = arith.constant -1.0e+30 : f32')
        w(f'  %invd = arith.constant {1.0 / d:e} : f32')
        w(f'  %eps = arith.constant {eps:e} : f32')
        w(f'  %scale = arith.constant {1.0 / hd ** 0.5:e} : f32')
        w(f'  %theta = arith.constant {theta:e} : f32')
        w('  %c0 = arith.constant 0 : index')
        w('  %start64 = tensor.extract %start_t[%c0] : tensor<1xi64>')
        w('  %start = arith.index_cast %start64 : i64 to index')
        # embedding rows
        emb, ety = param('model.embed_tokens.weight', [V, d])
        x = fresh('x')
        w(f'  {x}e = tensor.empty() : {tt}')
        w(f'  {x} = linalg.generic {{indexing_maps = [affine_map<(t, c) -> (t)>, affine_map<(t, c) -> (t, c)>], '
          f'iterator_types = ["parallel", "parallel"]}} ins(%tokens : tensor<{T}xi64>) outs({x}e : {tt}) {{')
        w('  ^bb0(%tok: i64, %o: f32):')
        w('    %row = arith.index_cast %tok : i64 to index')
        w('    %col = linalg.index 1 : index')
        w(f'    %v = tensor.extract {emb}[%row, %col] : {ety}')
        conv = widen('%v')
        if conv:
            w(f'    %f = {conv}')
            w('    linalg.yield %f : f32')
        else:
            w('    linalg.yield %v : f32')
        w(f'  }} -> {tt}')

        def rmsnorm(v, key):
            g, gty = param(key, [d])
            ss0, ssi, ss, y, e = fresh('sse'), fresh('ssi'), fresh('ss'), fresh('rms'), fresh('rmse')
            w(f'  {ss0} = tensor.empty() : tensor<{T}xf32>')
            w(f'  {ssi} = linalg.fill ins(%zero : f32) outs({ss0} : tensor<{T}xf32>) -> tensor<{T}xf32>')
            w(f'  {ss} = linalg.generic {{indexing_maps = [affine_map<(t, c) -> (t, c)>, affine_map<(t, c) -> (t)>], '
              f'iterator_types = ["parallel", "reduction"]}} ins({v} : {tt}) outs({ssi} : tensor<{T}xf32>) {{')
            w('  ^bb0(%a: f32, %acc: f32):')
            w('    %sq = arith.mulf %a, %a : f32')
            w('    %r = arith.addf %acc, %sq : f32')
            w('    linalg.yield %r : f32')
            w(f'  }} -> tensor<{T}xf32>')
            w(f'  {e} = tensor.empty() : {tt}')
            w(f'  {y} = linalg.generic {{indexing_maps = [affine_map<(t, c) -> (t, c)>, affine_map<(t, c) -> (t)>, '
              f'affine_map<(t, c) -> (c)>, affine_map<(t, c) -> (t, c)>], iterator_types = ["parallel", "parallel"]}} '
              f'ins({v}, {ss}, {g} : {tt}, tensor<{T}xf32>, {gty}) outs({e} : {tt}) {{')
            w(f'  ^bb0(%a: f32, %s: f32, %gw: {wdt}, %o: f32):')
            w('    %m = arith.mulf %s, %invd : f32')
            w('    %me = arith.addf %m, %eps : f32')
            w('    %rs = math.rsqrt %me : f32')
            w('    %an = arith.mulf %a, %rs : f32')
            conv = widen('%gw')
            if conv:
                w(f'    %gf = {conv}')
                w('    %r = arith.mulf %an, %gf : f32')
            else:
                w('    %r = arith.mulf %an, %gw : f32')
            w('    linalg.yield %r : f32')
            w(f'  }} -> {tt}')
            return y

        def linear(v, k, n, key, loc):
            wv, wty = param(key, [n, k])
            e, i, y = fresh('le'), fresh('li'), fresh('lin')
            w(f'  {e} = tensor.empty() : tensor<{T}x{n}xf32>')
            w(f'  {i} = linalg.fill ins(%zero : f32) outs({e} : tensor<{T}x{n}xf32>) -> tensor<{T}x{n}xf32>')
            w(f'  {y} = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, '
              f'affine_map<(m, n, k) -> (m, n)>] ins({v}, {wv} : tensor<{T}x{k}xf32>, {wty}) '
              f'outs({i} : tensor<{T}x{n}xf32>) -> tensor<{T}x{n}xf32> loc("{loc}")')
            return y

        def binary(p, q, cols, body):
            e, y = fresh('be'), fresh('bin')
            ty = f'tensor<{T}x{cols}xf32>'
            w(f'  {e} = tensor.empty() : {ty}')
            w(f'  {y} = linalg.generic {{indexing_maps = [affine_map<(t, c) -> (t, c)>, affine_map<(t, c) -> (t, c)>, '
              f'affine_map<(t, c) -> (t, c)>], iterator_types = ["parallel", "parallel"]}} '
              f'ins({p}, {q} : {ty}, {ty}) outs({e} : {ty}) {{')
            w('  ^bb0(%p: f32, %q: f32, %o: f32):')
            for line in body:
                w('    ' + line)
            w(f'  }} -> {ty}')
            return y

        def rope_tables():
            """cos and sin of the rotary angles, T x hd, shared by every layer
            and head: angle (t, j) = (start + t) * theta^(-2 (j mod hd/2) / hd)."""
            ty = f'tensor<{T}x{hd}xf32>'
            half = hd // 2
            tables = []
            for fn in ('cos', 'sin'):
                e, y = fresh('rte'), fresh('rope' + fn)
                w(f'  {e} = tensor.empty() : {ty}')
                w(f'  {y} = linalg.generic {{indexing_maps = [affine_map<(t, j) -> (t, j)>], '
                  f'iterator_types = ["parallel", "parallel"]}} outs({e} : {ty}) {{')
                w('  ^bb0(%o: f32):')
                w('    %t = linalg.index 0 : index')
                w('    %j = linalg.index 1 : index')
                w(f'    %halfc = arith.constant {half} : index')
                w('    %i = arith.remui %j, %halfc : index')
                w('    %pos = arith.addi %start, %t : index')
                w('    %posi = arith.index_cast %pos : index to i64')
                w('    %posf = arith.sitofp %posi : i64 to f32')
                w('    %ii = arith.index_cast %i : index to i64')
                w('    %if = arith.sitofp %ii : i64 to f32')
                w(f'    %twoOverHd = arith.constant {2.0 / hd:e} : f32')
                w('    %ex = arith.mulf %if, %twoOverHd : f32')
                w('    %nex = arith.negf %ex : f32')
                w('    %freq = math.powf %theta, %nex : f32')
                w('    %ang = arith.mulf %posf, %freq : f32')
                w(f'    %r = math.{fn} %ang : f32')
                w('    linalg.yield %r : f32')
                w(f'  }} -> {ty}')
                tables.append((y, ty))
            return tables

        (cos_t, table_t), (sin_t, _) = rope_tables()

        def rope(v, heads):
            """Rotary embedding of T x heads*hd at positions start + t, on a
            T x heads x 2 x hd/2 view: element (t, h, s, j) pairs with
            (t, h, 1 - s, j), so every index is affine in the contiguous
            innermost j and the loop vectorizes."""
            width = heads * hd
            half = hd // 2
            ty = f'tensor<{T}x{width}xf32>'
            ty4 = f'tensor<{T}x{heads}x2x{half}xf32>'
            v4, e, y4, y = fresh('rv'), fresh('re'), fresh('rope4'), fresh('rope')
            w(f'  {v4} = tensor.expand_shape {v} [[0], [1, 2, 3]] output_shape [{T}, {heads}, 2, {half}] : {ty} into {ty4}')
            w(f'  {e} = tensor.empty() : {ty4}')
            w(f'  {y4} = linalg.generic {{indexing_maps = [affine_map<(t, h, s, j) -> (t, h, s, j)>, '
              f'affine_map<(t, h, s, j) -> (t, h, 1 - s, j)>, '
              f'affine_map<(t, h, s, j) -> (t, s * {half} + j)>, affine_map<(t, h, s, j) -> (t, s * {half} + j)>, '
              f'affine_map<(t, h, s, j) -> (t, h, s, j)>], '
              f'iterator_types = ["parallel", "parallel", "parallel", "parallel"]}} '
              f'ins({v4}, {v4}, {cos_t}, {sin_t} : {ty4}, {ty4}, {table_t}, {table_t}) '
              f'outs({e} : {ty4}) {{')
            w('  ^bb0(%a: f32, %b: f32, %cs: f32, %sn: f32, %o: f32):')
            w('    %s = linalg.index 2 : index')
            w('    %s0 = arith.constant 0 : index')
            w('    %first = arith.cmpi eq, %s, %s0 : index')
            w('    %nb = arith.negf %b : f32')
            w('    %rot = arith.select %first, %nb, %b : f32')
            w('    %ra = arith.mulf %a, %cs : f32')
            w('    %rb = arith.mulf %rot, %sn : f32')
            w('    %r = arith.addf %ra, %rb : f32')
            w('    linalg.yield %r : f32')
            w(f'  }} -> {ty4}')
            w(f'  {y} = tensor.collapse_shape {y4} [[0], [1, 2, 3]] : {ty4} into {ty}')
            return y

        cache = '%cache'
        for l in range(L):
            p = f'layers.{l}'
            n1 = rmsnorm(x, f'model.{p}.input_layernorm.weight')
            q = rope(linear(n1, d, d, f'model.{p}.self_attn.q_proj.weight', f'{p}.self_attn.q_proj'), H)
            k = rope(linear(n1, d, kvd, f'model.{p}.self_attn.k_proj.weight', f'{p}.self_attn.k_proj'), KVH)
            v = linear(n1, d, kvd, f'model.{p}.self_attn.v_proj.weight', f'{p}.self_attn.v_proj')
            # write this step's keys and values at positions start..start+T-1
            for idx, src in ((0, k), (1, v)):
                nc = fresh('cache')
                w(f'  {nc} = tensor.insert_slice {src} into {cache}[{l}, {idx}, %start, 0] [1, 1, {T}, {kvd}] [1, 1, 1, 1] '
                  f': tensor<{T}x{kvd}xf32> into {cache_t}')
                cache = nc
            # this layer's keys and values, S x kv_heads x hd
            kvt = f'tensor<{S}x{KVH}x{hd}xf32>'
            kv = []
            for idx in (0, 1):
                sl, ex3 = fresh('kvs'), fresh('kv')
                w(f'  {sl} = tensor.extract_slice {cache}[{l}, {idx}, 0, 0] [1, 1, {S}, {kvd}] [1, 1, 1, 1] '
                  f': {cache_t} to tensor<{S}x{kvd}xf32>')
                w(f'  {ex3} = tensor.expand_shape {sl} [[0], [1, 2]] output_shape [{S}, {KVH}, {hd}] '
                  f': tensor<{S}x{kvd}xf32> into {kvt}')
                kv.append(ex3)
            qh = fresh('qh')
            qt = f'tensor<{T}x{H}x{hd}xf32>'
            w(f'  {qh} = tensor.expand_shape {q} [[0], [1, 2]] output_shape [{T}, {H}, {hd}] '
              f': tensor<{T}x{d}xf32> into {qt}')
            # scores[t, h, s] = q[t, h] . K[s, h / group] * scale, masked s > start + t
            st = f'tensor<{T}x{H}x{S}xf32>'
            se, si, sc = fresh('se'), fresh('si'), fresh('scores')
            w(f'  {se} = tensor.empty() : {st}')
            w(f'  {si} = linalg.fill ins(%zero : f32) outs({se} : {st}) -> {st}')
            w(f'  {sc} = linalg.generic {{indexing_maps = [affine_map<(t, h, s, e) -> (t, h, e)>, '
              f'affine_map<(t, h, s, e) -> (s, h floordiv {group}, e)>, affine_map<(t, h, s, e) -> (t, h, s)>], '
              f'iterator_types = ["parallel", "parallel", "parallel", "reduction"]}} '
              f'ins({qh}, {kv[0]} : {qt}, {kvt}) outs({si} : {st}) {{')
            w('  ^bb0(%x: f32, %y: f32, %acc: f32):')
            w('    %m = arith.mulf %x, %y : f32')
            w('    %r = arith.addf %acc, %m : f32')
            w('    linalg.yield %r : f32')
            w(f'  }} -> {st}')
            id3 = 'affine_map<(t, h, s) -> (t, h, s)>'
            red3 = 'affine_map<(t, h, s) -> (t, h)>'
            rt = f'tensor<{T}x{H}xf32>'
            me, ms = fresh('me'), fresh('masked')
            w(f'  {me} = tensor.empty() : {st}')
            w(f'  {ms} = linalg.generic {{indexing_maps = [{id3}, {id3}], iterator_types = ["parallel", "parallel", "parallel"]}} '
              f'ins({sc} : {st}) outs({me} : {st}) {{')
            w('  ^bb0(%x: f32, %o: f32):')
            w('    %t = linalg.index 0 : index')
            w('    %s = linalg.index 2 : index')
            w('    %pos = arith.addi %start, %t : index')
            w('    %fut = arith.cmpi ugt, %s, %pos : index')
            w('    %sx = arith.mulf %x, %scale : f32')
            w('    %r = arith.select %fut, %ninf, %sx : f32')
            w('    linalg.yield %r : f32')
            w(f'  }} -> {st}')
            mxe, mxi, mx = fresh('mxe'), fresh('mxi'), fresh('mx')
            w(f'  {mxe} = tensor.empty() : {rt}')
            w(f'  {mxi} = linalg.fill ins(%ninf : f32) outs({mxe} : {rt}) -> {rt}')
            w(f'  {mx} = linalg.generic {{indexing_maps = [{id3}, {red3}], iterator_types = ["parallel", "parallel", "reduction"]}} '
              f'ins({ms} : {st}) outs({mxi} : {rt}) {{')
            w('  ^bb0(%x: f32, %acc: f32):')
            w('    %r = arith.maximumf %acc, %x : f32')
            w('    linalg.yield %r : f32')
            w(f'  }} -> {rt}')
            ee, ex = fresh('ee'), fresh('ex')
            w(f'  {ee} = tensor.empty() : {st}')
            w(f'  {ex} = linalg.generic {{indexing_maps = [{id3}, {red3}, {id3}], iterator_types = ["parallel", "parallel", "parallel"]}} '
              f'ins({ms}, {mx} : {st}, {rt}) outs({ee} : {st}) {{')
            w('  ^bb0(%x: f32, %m: f32, %o: f32):')
            w('    %dl = arith.subf %x, %m : f32')
            w('    %r = math.exp %dl : f32')
            w('    linalg.yield %r : f32')
            w(f'  }} -> {st}')
            sme, smi, sm = fresh('sme'), fresh('smi'), fresh('sm')
            w(f'  {sme} = tensor.empty() : {rt}')
            w(f'  {smi} = linalg.fill ins(%zero : f32) outs({sme} : {rt}) -> {rt}')
            w(f'  {sm} = linalg.generic {{indexing_maps = [{id3}, {red3}], iterator_types = ["parallel", "parallel", "reduction"]}} '
              f'ins({ex} : {st}) outs({smi} : {rt}) {{')
            w('  ^bb0(%x: f32, %acc: f32):')
            w('    %r = arith.addf %acc, %x : f32')
            w('    linalg.yield %r : f32')
            w(f'  }} -> {rt}')
            # out[t, h*hd + e] = sum_s probs[t, h, s] V[s, h / group, e]
            oe, oi, o3, o = fresh('oe'), fresh('oi'), fresh('att3'), fresh('att')
            ot = qt
            w(f'  {oe} = tensor.empty() : {ot}')
            w(f'  {oi} = linalg.fill ins(%zero : f32) outs({oe} : {ot}) -> {ot}')
            w(f'  {o3} = linalg.generic {{indexing_maps = [affine_map<(t, h, e, s) -> (t, h, s)>, '
              f'affine_map<(t, h, e, s) -> (t, h)>, '
              f'affine_map<(t, h, e, s) -> (s, h floordiv {group}, e)>, affine_map<(t, h, e, s) -> (t, h, e)>], '
              f'iterator_types = ["parallel", "parallel", "parallel", "reduction"]}} '
              f'ins({ex}, {sm}, {kv[1]} : {st}, {rt}, {kvt}) outs({oi} : {ot}) {{')
            w('  ^bb0(%pe: f32, %z: f32, %vv: f32, %acc: f32):')
            w('    %pr = arith.divf %pe, %z : f32')
            w('    %m = arith.mulf %pr, %vv : f32')
            w('    %r = arith.addf %acc, %m : f32')
            w('    linalg.yield %r : f32')
            w(f'  }} -> {ot}')
            w(f'  {o} = tensor.collapse_shape {o3} [[0], [1, 2]] : {qt} into tensor<{T}x{d}xf32>')
            x = binary(x, linear(o, d, d, f'model.{p}.self_attn.o_proj.weight', f'{p}.self_attn.o_proj'), d,
                       ['%r = arith.addf %p, %q : f32', 'linalg.yield %r : f32'])
            n2 = rmsnorm(x, f'model.{p}.post_attention_layernorm.weight')
            g = linear(n2, d, ff, f'model.{p}.mlp.gate_proj.weight', f'{p}.mlp.gate_proj')
            u = linear(n2, d, ff, f'model.{p}.mlp.up_proj.weight', f'{p}.mlp.up_proj')
            act = binary(g, u, ff, ['%ng = arith.negf %p : f32', '%ex = math.exp %ng : f32',
                                    '%den = arith.addf %ex, %one : f32', '%sg = arith.divf %p, %den : f32',
                                    '%r = arith.mulf %sg, %q : f32', 'linalg.yield %r : f32'])
            x = binary(x, linear(act, ff, d, f'model.{p}.mlp.down_proj.weight', f'{p}.mlp.down_proj'), d,
                       ['%r = arith.addf %p, %q : f32', 'linalg.yield %r : f32'])
        nf = rmsnorm(x, 'model.norm.weight')
        logits = linear(nf, d, V, 'model.embed_tokens.weight' if tied else 'lm_head.weight', 'lm_head')
        w(f'  return {logits}, {cache} : tensor<{T}x{V}xf32>, {cache_t}')
        w('}')

    function('prefill', a.prefill)
    function('decode', 1)
    index = os.path.join(a.checkpoint, 'model.safetensors.index.json')
    if not os.path.exists(index):
        index = os.path.join(a.checkpoint, 'model.safetensors')
    with open(a.out, 'w') as f:
        f.write(f'module attributes {{quantx.parameters = "{index}"}} {{\n')
        for key, ty in params.items():
            f.write(f'ml_program.global private @"{key}"(#ml_program.extern : {ty}) : {ty}\n')
        f.write('\n'.join(lines) + '\n}\n')


if __name__ == '__main__':
    main()
