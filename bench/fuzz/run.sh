#!/usr/bin/env bash
# Long libFuzzer run of the image-loader targets (ASan + UBSan): each runs to NI_FUZZ_RUNS executions (libFuzzer
# -runs, default 10 000 000) or until NI_FUZZ_MAX_SECONDS (per target, default 0 = no time cap), whichever comes
# first, then bench/results/fuzz.md gets one row per target: executions, wall time, edges (libFuzzer "cov:"),
# features, corpus, crashes, and the exact command. Written whole (temp file + rename) after every target ended;
# the script exits non-zero when a target crashed (its artifact stays in native-kernels/build/fuzz-long/).
#   NI_FUZZ_TARGETS   default "fuzz_image_open fuzz_image_structure fuzz_image_sections"
#   NI_FUZZ_JOBS      targets run at once (default 1)
#   NI_FUZZ_NICE      nice level of the fuzzers (default 10)
# Seeds: the C image builder's valid images (make_image_corpus) and, when present, the C# ImageWriter's images in
# native-kernels/build/test-images (written by the host ctest fixture image_csharp_write).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
nk="$root/native-kernels"
runs="${NI_FUZZ_RUNS:-10000000}"
max_seconds="${NI_FUZZ_MAX_SECONDS:-0}"
targets="${NI_FUZZ_TARGETS:-fuzz_image_open fuzz_image_structure fuzz_image_sections}"
jobs="${NI_FUZZ_JOBS:-1}"
nice_level="${NI_FUZZ_NICE:-10}"
command -v clang >/dev/null || { echo "bench/fuzz/run.sh: clang not found (scripts/test-native-host.sh installs it)" >&2; exit 1; }

fz="$nk/build/fuzz"
cmake -S "$nk" -B "$fz" -DCMAKE_C_COMPILER=clang -DNI_FUZZ=ON -DNI_BUILD_SHARED=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# shellcheck disable=SC2086
cmake --build "$fz" -j2 --target make_image_corpus $targets >/dev/null
work="$nk/build/fuzz-long"
rm -rf "$work" && mkdir -p "$work/seeds" "$work/bin"
# private copies: a rebuild of build/fuzz during a long run does not swap the binaries under it
# shellcheck disable=SC2086
for t in $targets; do cp "$fz/fuzz/$t" "$work/bin/"; done
"$fz/tests/image/make_image_corpus" "$work/seeds"
cp "$nk/build/test-images/"*.nimg "$work/seeds/" 2>/dev/null || true
seed_count=$(find "$work/seeds" -type f | wc -l)

run_one() { # target: runs it, writes $work/<target>.row and .cmd
  local t="$1" log="$work/$1.log" start end rc=0
  mkdir -p "$work/corpus-$t"
  local cmd=(nice -n "$nice_level" "$work/bin/$t" -runs="$runs" -max_total_time="$max_seconds" -max_len=16384 -seed=1
             -print_final_stats=1 -artifact_prefix="$work/$t-" "$work/corpus-$t" "$work/seeds")
  start=$(date +%s)
  "${cmd[@]}" >"$log" 2>&1 || rc=$?
  end=$(date +%s)
  local execs cov ft crashes
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  crashes=$(find "$work" -maxdepth 1 -name "$t-*" | wc -l)
  [ "$rc" -eq 0 ] || [ "$crashes" -gt 0 ] || crashes="rc $rc"
  local reached="no (time cap)"; [ "$execs" != '?' ] && [ "$execs" -ge "$runs" ] && reached="yes"
  echo "| $t | $execs | $reached | $((end - start)) s | $cov | $ft | $(find "$work/corpus-$t" -type f | wc -l) | $crashes |" >"$work/$t.row"
  echo "${cmd[*]}" | sed "s|$root/||g" >"$work/$t.cmd"
  echo "$t: $execs executions in $((end - start)) s, $cov edges, crashes: $crashes"
  [ "$rc" -eq 0 ]
}

started="$(date -u '+%Y-%m-%d %H:%M UTC')"
status=0
pids=()
for t in $targets; do
  run_one "$t" & pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || status=1; done
done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || status=1; done

out="$root/bench/results/fuzz.md"
mkdir -p "$(dirname "$out")"
{
  echo "# Long fuzz run of the image loader (started $started)"
  echo
  echo "Command: \`NI_FUZZ_RUNS=$runs NI_FUZZ_MAX_SECONDS=$max_seconds NI_FUZZ_JOBS=$jobs NI_FUZZ_NICE=$nice_level bench/fuzz/run.sh\`"
  echo "(ended $(date -u '+%Y-%m-%d %H:%M UTC'))."
  echo "clang $(clang -dumpversion), libFuzzer, ASan + UBSan; $(nproc) cores shared with other work (times are wall clock"
  echo "under that load). Seeds: $seed_count images (make_image_corpus, plus C# test images when present)."
  echo "Edges = libFuzzer's last \"cov:\"; crashes = artifacts written (libFuzzer stops at the first)."
  echo
  echo "| target | executions | reached $runs | time | edges | features | corpus | crashes |"
  echo "|---|---|---|---|---|---|---|---|"
  for t in $targets; do cat "$work/$t.row"; done
  echo
  echo "Commands (from the repository root):"
  echo
  echo '```'
  for t in $targets; do cat "$work/$t.cmd"; done
  echo '```'
} >"$out.tmp"
mv "$out.tmp" "$out" # whole or not at all
cat "$out"
exit $status
