# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# -*- Python -*-
import os
import shutil
import subprocess
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QUANT_OPT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "Inputs", "README.md", "corpus"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.quant_opt_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%quant_opt_src_root", config.quant_opt_src_root))
config.substitutions.append(("%quant_opt_obj_root", config.quant_opt_obj_root))

# Runtime libraries for executed tests.
lib_dir = config.llvm_lib_dir
config.substitutions.append(
    ("%mlir_runner_utils", os.path.join(lib_dir, "libmlir_runner_utils" + ".so")))
config.substitutions.append(
    ("%mlir_c_runner_utils", os.path.join(lib_dir, "libmlir_c_runner_utils" + ".so")))

# FileCheck variables are scoped to CHECK-LABEL blocks, as upstream MLIR does.
config.environment["FILECHECK_OPTS"] = "-enable-var-scope --allow-unused-prefixes=false"

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.quant_opt_tools_dir, config.llvm_tools_dir]
tools = ["quant-opt", "quant-run", "quant-numerics-check", "quant-calibrate", "quant-params", "quant-generate", "quant-import-onnx", "mlir-opt", "mlir-runner", "mlir-translate", "llc", "llvm-objdump", "clang", "not", "FileCheck", "count"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# The build's libraries and plugin, and what the install test builds with.
config.substitutions.append(("%quant_opt_lib_dir", config.quant_opt_lib_dir))
config.substitutions.append(("%cmake", config.cmake))
config.substitutions.append(("%mlir_cmake_dir", config.mlir_cmake_dir))
config.substitutions.append(("%make_program", config.make_program))
config.substitutions.append(("%c_compiler", config.c_compiler))
config.substitutions.append(("%cxx_compiler", config.cxx_compiler))

# PyTorch (Debian's python3-torch) for the tests that compare with it.
if subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode == 0:
    config.available_features.add("torch")
# ONNX (Debian's python3-onnx) for quant-import-onnx.
if subprocess.run(["/usr/bin/python3", "-c", "import onnx, numpy"], capture_output=True).returncode == 0:
    config.available_features.add("onnx")

# matplotlib (Debian's python3-matplotlib) for bench/report's plots.
if subprocess.run(["/usr/bin/python3", "-c", "import matplotlib"], capture_output=True).returncode == 0:
    config.available_features.add("matplotlib")

# C programs that tests compile and link against quant-opt's libraries
# take the sanitizer flags of a sanitizer build (scripts/sanitize.sh).
sanitize_cflags = os.environ.get("QUANT_OPT_SANITIZE_CFLAGS", "")
config.substitutions.append(("%cflags", sanitize_cflags))
if sanitize_cflags:
    # Instrumented libraries cannot be loaded into uninstrumented hosts
    # (the mlir-opt plugin) or linked by plain consumers (the install test).
    config.available_features.add("sanitizer")
    config.environment["QUANT_OPT_SANITIZE_CFLAGS"] = sanitize_cflags
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if var in os.environ:
            config.environment[var] = os.environ[var]

# libFuzzer harnesses (scripts/sanitize.sh builds them).
if getattr(config, "fuzzers", False):
    config.available_features.add("fuzzers")
    config.substitutions.append(("%fuzz_corpus", os.path.join(config.quant_opt_src_root, "test", "Fuzz", "corpus")))
    config.substitutions.append(("%fuzz_seconds", os.environ.get("QUANT_OPT_FUZZ_SECONDS", "30")))
    # A fixed seed keeps the suite's fuzzing runs reproducible; longer runs
    # with other seeds are for finding new inputs (docs/Testing.md).
    config.substitutions.append(("%fuzz_seed", os.environ.get("QUANT_OPT_FUZZ_SEED", "1")))
    fuzzers = ["fuzz-npy", "fuzz-safetensors", "fuzz-stats", "fuzz-recipe", "fuzz-mlir", "fuzz-pipeline"]
    tools.extend(fuzzers)
    llvm_config.add_tool_substitutions(fuzzers, tool_dirs)

# Features gating hardware-dependent tests.
# The host's x86 features (cpu-avx2, cpu-avx512f, cpu-avx512bw,
# cpu-avx512_vnni, cpu-amx_tile, ...) for tests that execute them.
try:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                for flag in line.split(":", 1)[1].split():
                    config.available_features.add("cpu-" + flag)
                break
except OSError:
    pass
if config.ptxas and os.path.exists(config.ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", config.ptxas))

def _cuda_gpu_usable():
    smi = shutil.which("nvidia-smi")
    if not smi:
        return False
    try:
        out = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and "GPU" in out.stdout

if _cuda_gpu_usable():
    config.available_features.add("cuda-gpu")
    # The chip of GPU 0 (e.g. sm_90 for compute capability 9.0): cubins
    # only run on their own major architecture.
    cap = subprocess.run([shutil.which("nvidia-smi"), "--query-gpu=compute_cap",
                          "--format=csv,noheader"], capture_output=True, text=True)
    first = cap.stdout.strip().splitlines()[0] if cap.stdout.strip() else "9.0"
    config.substitutions.append(("%cuda_chip", "sm_" + first.replace(".", "")))
