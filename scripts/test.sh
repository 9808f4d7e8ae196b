#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Builds quant-opt if needed and runs the whole lit suite (the same tests as
# `ninja check-quant-opt` and `ctest`). Ends with "N passed, M failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"

if [ -z "${QUANT_OPT_SKIP_BUILD:-}" ]; then
  "$root/scripts/build.sh" || { echo "0 passed, 1 failed (build failed)"; exit 1; }
fi

log="$(mktemp)"
/usr/lib/llvm-22/bin/lit -sv "$build/test" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

count() { awk -v k="$1" '$1 == k":" || ($1 == k && $2 == ":") { for (i = 1; i <= NF; ++i) if ($i ~ /^[0-9]+$/) { print $i; exit } }' "$log"; }
passed=$(( $(count Passed || true) + 0 ))
failed=$(( $(count Failed || true) + 0 ))
skipped=$(( $(count Unsupported || true) + 0 ))
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
