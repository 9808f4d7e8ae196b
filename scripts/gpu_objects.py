#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Extracts the objects of `gpu.binary` ops from MLIR text.

Usage: gpu_objects.py [-o DIR] [--list] [FILE]

Each `#gpu.object` of each `gpu.binary @name` is written to DIR as
`name.<chip>.ptx` (format=isa, PTX text) or `name.<chip>.cubin`
(format=bin) or `.fatbin`; `--list` prints one line per object instead.
Reads stdin when FILE is omitted. Used by the lit tests to hand the PTX
to ptxas and by the GPU AOT scripts.
"""
import argparse
import os
import re
import sys

OBJECT = re.compile(
    r'#gpu\.object<#nvvm\.target<(?P<target>[^>]*)>(?:, (?P<kind>bin|fatbin|assembly|offload)|'
    r'(?P<props>, properties = \{[^}]*\}))?(?:, (?P<kind2>bin|fatbin|assembly|offload))? = "')


def parse_string(text, i):
    """Parses an MLIR string body starting at text[i] (after the quote)."""
    out = bytearray()
    while True:
        c = text[i]
        if c == '"':
            return bytes(out), i + 1
        if c == '\\':
            n = text[i + 1]
            if n in '"\\':
                out.append(ord(n))
                i += 2
            elif n == 'n':
                out.append(10)
                i += 2
            elif n == 't':
                out.append(9)
                i += 2
            else:
                out.append(int(text[i + 1:i + 3], 16))
                i += 3
        else:
            out.extend(c.encode('utf-8'))
            i += 1


def objects(text):
    for binary in re.finditer(r'gpu\.binary @(\w+)', text):
        name = binary.group(1)
        end = text.find('\n', binary.end())
        line = text[binary.end():end if end >= 0 else len(text)]
        for obj in OBJECT.finditer(line):
            chip = re.search(r'chip = "(\w+)"', obj.group('target'))
            kind = obj.group('kind') or obj.group('kind2') or 'bin'
            data, _ = parse_string(line, obj.end())
            yield name, chip.group(1) if chip else 'unknown', kind, data


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('file', nargs='?')
    ap.add_argument('-o', '--output-dir', default='.')
    ap.add_argument('--list', action='store_true')
    args = ap.parse_args()
    text = open(args.file).read() if args.file else sys.stdin.read()
    found = False
    for name, chip, kind, data in objects(text):
        found = True
        ext = {'assembly': 'ptx', 'bin': 'cubin', 'fatbin': 'fatbin',
               'offload': 'bc'}[kind]
        if args.list:
            print(f'{name} {chip} {kind} {len(data)} bytes')
            continue
        os.makedirs(args.output_dir, exist_ok=True)
        with open(os.path.join(args.output_dir, f'{name}.{chip}.{ext}'), 'wb') as f:
            f.write(data)
    if not found:
        sys.exit('gpu_objects.py: no gpu.binary object found')


if __name__ == '__main__':
    main()
