#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Quantizes a Llama-architecture checkpoint (Hugging Face layout) from its
parameter files with quant-opt and runs one decode step of the quantized
model, per scheme: wall time and peak RSS of the quantization, output size
and bits per linear weight, and the decode step's time and weight
bandwidth against the machine's measured read bandwidth.

  bench/quantize_checkpoint.py CHECKPOINT_DIR WORK_DIR
      [--schemes w4a16,w4a16-nf4-dq,w8a16] [--layers N] [--iterations 5]
      (a scheme may carry more --quantx-ptq options after a colon, e.g.
       w4a16:tile-weights=false for the untiled 4-bit layout)
      [--generate 7b|small]   (first write the checkpoint with
                               examples/llama/gen_checkpoint.py)

The model is examples/llm_layer/gen_layer.py --checkpoint --head: all
decoder layers (weights from the checkpoint by name), the final norm and
lm_head, for one token at the first position (attention over its own key:
the KV-cache read is one vector per layer, negligible next to the weights).
Prints a Markdown table; docs/performance.md has the results.
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "bin")
sys.path.insert(0, os.path.join(ROOT, "bench"))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def timed(cmd):
    """Runs cmd under /usr/bin/time -v: (wall s, peak RSS GB, stderr)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(" ".join(cmd) + " failed:\n" + p.stderr[-3000:])
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", p.stderr).group(1)
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return secs, rss / 1e6 * 1.024, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint")
    ap.add_argument("work")
    ap.add_argument("--schemes", default="w4a16,w4a16-nf4-dq,w8a16")
    ap.add_argument("--layers", type=int, default=1000)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--generate", choices=["7b", "small"])
    ap.add_argument("--no-stream", action="store_true", help="skip the bandwidth probe")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    if a.generate:
        secs, rss, _ = timed([sys.executable, os.path.join(ROOT, "examples", "llama", "gen_checkpoint.py"),
                              a.checkpoint, "--config", a.generate])
        print(f"checkpoint written in {secs:.0f} s", file=sys.stderr)
    cfg = json.load(open(os.path.join(a.checkpoint, "config.json")))
    model = os.path.join(a.work, "model.mlir")
    run([sys.executable, os.path.join(ROOT, "examples", "llm_layer", "gen_layer.py"), model,
         "--checkpoint", a.checkpoint, "--layers", str(a.layers), "--tokens", "1", "--head"])
    layers = min(a.layers, cfg["num_hidden_layers"])
    d, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    linear_weights = layers * (4 * d * d + 3 * d * f) + v * d
    x = os.path.join(a.work, "x.npy")
    with open(x, "wb") as fh:
        import struct
        header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, %d), }" % d
        header += " " * (63 - (len(header) + 10) % 64) + "\n"
        fh.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        fh.write(struct.pack("<%df" % d, *[((i * 7919) % 1000) / 1000.0 - 0.5 for i in range(d)]))

    bw = None
    if not a.no_stream:
        from cpu_matmul import stream
        bw = stream(a.work).get("read")
    rows = []
    for entry in a.schemes.split(","):
        scheme, _, options = entry.partition(":")
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", entry)
        out = os.path.join(a.work, name + ".safetensors")
        qmodel = os.path.join(a.work, name + ".mlir")
        extra = " group-size=64" if "nf4" in scheme else ""
        if options:
            extra += " " + options
        secs, rss, _ = timed([os.path.join(BIN, "quant-opt"), model,
                              f"--quantx-ptq=scheme={scheme}{extra} params-out={out}", "-o", qmodel])
        size = os.path.getsize(out)
        summary = run([os.path.join(BIN, "quant-params"), out, "--summary"]).stdout
        data = int(re.search(r"bytes: (\d+)", summary).group(1))
        copied = sum(int(m) for m in re.findall(r"BF16 (\d+)", summary))
        bits = (data - copied) * 8.0 / linear_weights
        runsecs, runrss, err = timed([os.path.join(BIN, "quant-run"), qmodel, "-i", x,
                                      "--iterations", str(a.iterations), "--warmup", "1"])
        ms = float(re.search(r"median ([0-9.]+) ms", err).group(1))
        gbs = (size - copied) / (ms / 1e3) / 1e9
        rows.append((entry, secs, rss, size / 1e9, bits, ms, gbs, runrss))
        print(f"{entry}: {secs:.0f} s, {rss:.2f} GB, {size / 1e9:.2f} GB, {ms:.0f} ms/token",
              file=sys.stderr)
    print(f"| scheme | quantize wall | peak RSS | output | bits/weight (linear) | decode step | weights read | of read bandwidth |")
    print(f"|---|---|---|---|---|---|---|---|")
    for scheme, secs, rss, gb, bits, ms, gbs, runrss in rows:
        frac = f"{gbs / bw * 100:.0f}% of {bw:.1f} GB/s" if bw else "-"
        print(f"| {scheme} | {secs:.0f} s | {rss:.2f} GB | {gb:.2f} GB | {bits:.3f} | "
              f"{ms:.0f} ms ({1e3 / ms:.2f} tokens/s) | {gbs:.1f} GB/s | {frac} |")


if __name__ == "__main__":
    main()
