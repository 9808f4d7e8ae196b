#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Runs the command blocks of README.md and docs/*.md marked runnable.

A block is runnable when the line before its ```sh fence is
`<!-- runnable -->`. Each runs with bash -e -o pipefail in a fresh
directory that links the repository's examples, test, docs, scripts and
bench (so the commands' relative paths resolve and outputs stay out of the
tree), with the build's tools, then /usr/bin (Debian's python3), first on PATH and build/ linked as `build`.
Prints one line per block and a summary `N blocks, M failed`; exits 1 when
any failed or none was found.

usage: doc_commands.py SOURCE_ROOT BUILD_ROOT
"""
import glob
import os
import subprocess
import sys
import tempfile

MARK = '<!-- runnable -->'
LINKS = ('examples', 'test', 'docs', 'scripts', 'bench')


def blocks(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        if lines[i].strip() == MARK:
            fence = i + 1
            if fence >= len(lines) or not lines[fence].startswith('```'):
                yield fence + 1, None
                i += 1
                continue
            end = fence + 1
            while end < len(lines) and not lines[end].startswith('```'):
                end += 1
            yield fence + 1, '\n'.join(lines[fence + 1:end])
            i = end
        i += 1


def main():
    src, build = (os.path.abspath(a) for a in sys.argv[1:3])
    files = [os.path.join(src, 'README.md')] + sorted(glob.glob(os.path.join(src, 'docs', '*.md')))
    env = dict(os.environ)
    env['PATH'] = os.pathsep.join([os.path.join(build, 'bin'), '/usr/lib/llvm-22/bin', '/usr/bin', env.get('PATH', '')])
    total = failed = 0
    for path in files:
        rel = os.path.relpath(path, src)
        for line, text in blocks(path):
            total += 1
            if text is None:
                failed += 1
                print('FAIL %s:%d: %s is not followed by a code fence' % (rel, line, MARK))
                continue
            with tempfile.TemporaryDirectory() as work:
                for name in LINKS:
                    os.symlink(os.path.join(src, name), os.path.join(work, name))
                os.symlink(build, os.path.join(work, 'build'))
                p = subprocess.run(['bash', '-e', '-o', 'pipefail', '-c', text], cwd=work, env=env,
                                   capture_output=True, text=True, timeout=600)
            if p.returncode == 0:
                print('ok   %s:%d' % (rel, line))
            else:
                failed += 1
                tail = (p.stderr or p.stdout).strip().splitlines()[-3:]
                print('FAIL %s:%d (exit %d): %s' % (rel, line, p.returncode, ' | '.join(tail)))
    print('%d blocks, %d failed' % (total, failed))
    return 1 if failed or not total else 0


if __name__ == '__main__':
    sys.exit(main())
