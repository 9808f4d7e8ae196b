#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Checks a bench/report output directory for presence and consistency of
the numbers (not their values): every field of every row is present and
finite, memory ratios agree with the bits per weight of each scheme, the
Markdown, CSV and SVG hold every row."""
import csv
import json
import math
import os
import sys
import xml.dom.minidom

d = sys.argv[1]
data = json.load(open(os.path.join(d, 'results.json')))
rows = {r['scheme']: r for r in data['rows']}
print('rows: %d' % len(rows))
problems = []
fp32 = rows['FP32']
cfg = data['meta']['lm_config']
for name, r in rows.items():
    for key in ('lm_weight_mb', 'lm_memory_ratio', 'lm_quantize_s', 'lm_jit_s', 'lm_us_per_token',
                'lm_tokens_per_s', 'lm_perplexity', 'lm_perplexity_change_pct', 'mlp_accuracy',
                'mlp_accuracy_change_pts', 'mlp_us_per_sample'):
        if not isinstance(r.get(key), (int, float)) or not math.isfinite(r[key]):
            problems.append('%s: %s missing or not finite' % (name, key))
    if not r['lm_perplexity'] > 1 or not 0 <= r['mlp_accuracy'] <= 1:
        problems.append('%s: perplexity or accuracy out of range' % name)
    # Memory = FP32 memory - f32 bytes of the quantized weights + their bits.
    qw, bits = r['lm_quantized_weights'], r['lm_bits_per_quantized_weight'] or 32
    expect = fp32['lm_weight_bytes'] - 4 * qw + qw * bits / 8
    if abs(r['lm_weight_bytes'] - expect) > 1e-3 * expect:
        problems.append('%s: memory %d does not match bits %.3f' % (name, r['lm_weight_bytes'], bits))
    if abs(r['lm_memory_ratio'] - fp32['lm_weight_bytes'] / r['lm_weight_bytes']) > 1e-6:
        problems.append('%s: ratio inconsistent' % name)


def bits_in(name, lo, hi):
    b = rows[name]['lm_bits_per_quantized_weight']
    ok = b is not None and lo <= b <= hi
    print('%s: bits %s in [%g, %g] %s' % (name, '%.3f' % b if b else None, lo, hi, 'ok' if ok else 'WRONG'))
    if not ok:
        problems.append(name + ' bits')


print('FP32: ratio %.2f' % fp32['lm_memory_ratio'])
# 8-bit codes + one f32 scale per output channel (K >= 256).
bits_in('W8A16', 8.0, 8.2)
bits_in('W8A8 dynamic', 8.0, 8.2)
# 4-bit codes + one f32 scale per 128 weights.
bits_in('W4A16 int4 g128 RTN', 4.25, 4.25)
# NF4 + 8-bit absmax per 64 weights + second-level scales.
bits_in('W4A16 NF4 g64 + DQ', 4.1, 4.3)
bits_in('W4A16 g128 attention only', 4.25, 4.25)
attn = cfg['layers'] * 4 * cfg['dim'] * cfg['dim']
if rows['W4A16 g128 attention only']['lm_quantized_weights'] != attn:
    problems.append('attention-only quantized weights')
md = open(os.path.join(d, 'results.md')).read()
for name in rows:
    if '| %s |' % name not in md:
        problems.append('results.md lacks ' + name)
with open(os.path.join(d, 'results.csv')) as f:
    if len(list(csv.DictReader(f))) != len(rows):
        problems.append('results.csv row count')
svg_path = os.path.join(d, 'results_pareto.svg')
try:
    import matplotlib  # noqa: F401  (the plot is drawn only with it)
except ImportError:
    svg_path = None
svg = xml.dom.minidom.parse(svg_path) if svg_path else xml.dom.minidom.parseString('<svg/>')
labels = {''.join(n.data for n in t.childNodes if n.nodeType == n.TEXT_NODE).strip()
          for t in svg.getElementsByTagName('text')}
for name in rows if svg_path else []:
    if not any(label.split(None, 1)[1:] == [name] for label in labels):
        problems.append('svg has no legend entry for %s' % name)
print('\n'.join(problems) if problems else 'all consistent')
