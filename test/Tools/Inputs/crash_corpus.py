# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Runs MLIR files through quant-opt's pipelines and fails on any crash.

  crash_corpus.py QUANT_OPT FILE_OR_DIR...

Every .mlir file found is run (with -split-input-file and
--allow-unregistered-dialect) through --quantx-lower-to-linalg,
--quantx-cpu-pipeline and --quantx-gpu-pipeline=format=isa. Errors are
fine -- much of the corpus is invalid on purpose -- but a signal, a
"PLEASE submit a bug report" or a time-out is a failure. Prints one line
per failure and a summary.
"""
import concurrent.futures
import os
import subprocess
import sys

PIPELINES = ["--quantx-lower-to-linalg", "--quantx-cpu-pipeline",
             "--quantx-gpu-pipeline=format=isa"]
TIMEOUT_S = 120


def files(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                for name in sorted(names):
                    if name.endswith(".mlir"):
                        yield os.path.join(root, name)
        else:
            yield path


def run(quant_opt, path, pipeline):
    cmd = [quant_opt, path, "-split-input-file", "--allow-unregistered-dialect",
           pipeline, "-o", os.devnull]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return "time-out after %d s" % TIMEOUT_S
    if proc.returncode < 0:
        return "signal %d" % -proc.returncode
    if "PLEASE submit a bug report" in proc.stderr or "Stack dump" in proc.stderr:
        return "crash report (exit %d)" % proc.returncode
    return None


def main():
    quant_opt, paths = sys.argv[1], sys.argv[2:]
    jobs = [(path, p) for path in sorted(set(files(paths))) for p in PIPELINES]
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = pool.map(lambda job: (job, run(quant_opt, *job)), jobs)
        for (path, pipeline), problem in results:
            if problem:
                failures.append("%s %s: %s" % (path, pipeline, problem))
    for line in failures:
        print("CRASH: " + line)
    print("crash corpus: %d files, %d runs, %d crashes" % (
        len(jobs) // len(PIPELINES), len(jobs), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
