# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes statistics for observer fc1.input whose histogram holds all its
mass in [1, 1.5) (range [-4, 4]), for the per-rule method test."""
import json
import sys

counts = [0] * 4096
counts[2048 + 512:2048 + 768] = [1] * 256   # bins of width 1/512 from 1.0
json.dump({"format": "quant-opt-calibration", "version": 1, "samples": 1,
           "observers": [{"name": "fc1.input", "count": 256, "min": -4.0, "max": 4.0,
                          "axis": None,
                          "histogram": {"limit": 4.0, "bins": 4096, "counts": counts}}]},
          open(sys.argv[1], "w"))
