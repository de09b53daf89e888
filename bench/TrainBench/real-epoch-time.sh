#!/usr/bin/env bash
# The real epoch time, to set against TrainBench's implied one: runs `modelpacker train` (built with
# `dotnet build nano.sln -c Release`), reads the per-epoch table it prints (cumulative time at the end of each epoch,
# after that epoch's validation pass) and writes bench/results/train-epoch-time.md with the command and the load.
#   bench/TrainBench/real-epoch-time.sh [dataset dir] [config]     (defaults: ../shared/datasets/snips, models/snips/train_config.json: the bundled model's labels-only config)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
data="${1:-${NANO_INTENT_DATASETS:-$root/../shared/datasets}/snips}"
config="${2:-models/snips/train_config.json}"
dll=tools/ModelPacker/bin/Release/net10.0/modelpacker.dll
[[ -f "$dll" ]] || { echo "error: $dll missing: run dotnet build nano.sln -c Release first" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/real-epoch-time.XXXXXX")"
tmp=
pid=
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$work" ${tmp:+"$tmp"}' EXIT
command="dotnet $dll train --data $data --config $config --teacher none --out $work/model"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
# While it runs, note wall time and the process's CPU ticks when each epoch's first progress line appears (after
# the previous epoch's validation pass), so that steady epochs get CPU seconds too.
ticks_per_s=$(getconf CLK_TCK)
: > "$work/marks"
$command > "$work/log" 2>&1 &
pid=$!
t0=$(date +%s.%N)
seen=1
while kill -0 "$pid" 2>/dev/null; do
  e=$(grep -o 'epoch [0-9]*/' "$work/log" | tail -1 | tr -dc 0-9 || true)   # no progress line yet: empty
  if [[ -n "$e" ]] && (( e > seen )); then
    cpu=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true)
    [[ -n "$cpu" ]] && echo "$e $(date +%s.%N) $cpu" >> "$work/marks"
    seen=$e
  fi
  sleep 0.2
done
wait "$pid" || { pid=; cat "$work/log" >&2; exit 1; }
pid=
t1=$(date +%s.%N)
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
wall=$(echo "$t1 - $t0" | bc)

# Epoch rows look like "│ 3 *   │ 1.4521 │ 95.09 % │ 95.57 % │ 1:07 │": epoch number and cumulative m:ss (or h:mm:ss).
awk -F'│' '$2 ~ /^ *[0-9]+( \*)? *$/ { gsub(/[ *]/, "", $2); gsub(/ /, "", $6); n = split($6, p, ":");
        s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print $2, s }' "$work/log" > "$work/epochs"
epochs=$(wc -l < "$work/epochs")
(( epochs >= 2 )) || { echo "error: found $epochs epoch rows in the train output" >&2; cat "$work/log" >&2; exit 1; }

out=bench/results/train-epoch-time.md
tmp="$(mktemp bench/results/.train-epoch-time.XXXXXX)"
{
  echo "# Real training epoch time ($started)"
  echo
  echo "Command (from the repository root): \`bench/TrainBench/real-epoch-time.sh $*\`, which runs"
  echo "\`$command\` (output directory: a temporary one)."
  echo
  echo "Each epoch below is the step loop over the train split plus the validation pass \`train\` runs after it"
  echo "(best-epoch selection). The whole run also builds the vocabulary, writes the checkpoint and evaluates the test split."
  echo
  echo "| metric | value |"
  echo "|---|---|"
  awk 'NR == 1 { t1 = $2 } { last = $2; n = NR }
       END { printf "| epoch 1 (cold: JIT, first allocations) | %d s |\n", t1;
             printf "| mean of epochs 2–%d (steady) | %.1f s |\n", n, (last - t1) / (n - 1);
             printf "| %d epochs (training loop incl. validation) | %d s |\n", n, last }' "$work/epochs"
  # From the first line of epoch 2 to the first line of the last epoch: epochs 2 … N-1, each with its validation.
  awk -v hz="$ticks_per_s" 'NR == 1 { e0 = $1; w0 = $2; c0 = $3 } { e1 = $1; w1 = $2; c1 = $3 }
       END { n = e1 - e0; if (n > 0) printf "| mean of epochs %d–%d, sampled at the progress lines (wall / CPU) | %.1f s / %.1f CPU-s (%.2f cores) |\n",
             e0, e1 - 1, (w1 - w0) / n, (c1 - c0) / hz / n, (c1 - c0) / hz / (w1 - w0) }' "$work/marks"
  printf '| whole command, wall | %.0f s |\n' "$wall"
  echo "| load average (1/5/15 min) at start / end | $load_start / $load_end ($(nproc) cores, shared) |"
  echo
  echo "Per epoch: wall seconds from train's own table (cumulative, 1 s resolution); wall and CPU seconds between the"
  echo "first progress lines of consecutive epochs (sampled every 0.2 s; empty for the first and last epoch)."
  echo
  echo "| epoch | cumulative s | this epoch s | sampled wall s | sampled CPU-s |"
  echo "|---|---|---|---|---|"
  awk -v hz="$ticks_per_s" 'FNR == NR { w[$1] = $2; c[$1] = $3; next }
       { s = ""; if (($1 in w) && (($1 + 1) in w)) s = sprintf("%.1f | %.1f", w[$1 + 1] - w[$1], (c[$1 + 1] - c[$1]) / hz); else s = " | ";
         printf "| %d | %d | %d | %s |\n", $1, $2, $2 - prev, s; prev = $2 }' "$work/marks" "$work/epochs"
} > "$tmp"
mv "$tmp" "$out"
cat "$out"
