#!/usr/bin/env bash
# Edges (libFuzzer "cov:") that fuzz_runtime reaches in NI_FUZZ_SECONDS (default 60) from an empty corpus: the
# target at REV (default HEAD~1) and in the work tree, built the same way and run at the same time with the same
# command (so both see the same machine load). Prints one line per build; exits non-zero on a crash.
#   bench/fuzz/runtime-coverage.sh [REV]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rev="${1:-HEAD~1}"
secs="${NI_FUZZ_SECONDS:-60}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$rev" native-kernels | tar -x -C "$work" && mv "$work/native-kernels" "$work/old"
mkdir "$work/new" && tar -C "$root/native-kernels" --exclude=./build -cf - . | tar -x -C "$work/new"
for v in old new; do
  cmake -S "$work/$v" -B "$work/$v/build" -DCMAKE_C_COMPILER=clang -DNI_FUZZ=ON -DNI_BUILD_SHARED=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null 2>&1
  cmake --build "$work/$v/build" -j2 --target fuzz_runtime >/dev/null
  mkdir -p "$work/$v/corpus"
done
status=0
for v in old new; do
  nice -n 10 "$work/$v/build/fuzz/fuzz_runtime" -max_total_time="$secs" -max_len=20000 -seed=1 -print_final_stats=1 \
    "$work/$v/corpus" >"$work/$v.log" 2>&1 &
done
wait %1 || status=1
wait %2 || status=1
for v in old new; do
  label=$([ "$v" = old ] && echo "$rev" || echo "work tree")
  echo "fuzz_runtime ($label): ${secs}s, $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$v.log" | grep -o '[0-9]*$') executions, $(grep -o 'cov: [0-9]*' "$work/$v.log" | tail -1 | grep -o '[0-9]*') edges"
done
if [ "$status" -ne 0 ]; then
  tail -20 "$work/old.log" "$work/new.log"; echo "runtime-coverage: a fuzzer crashed (log tails above)" >&2; exit 1
fi
