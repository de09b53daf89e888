#!/usr/bin/env bash
# Runtime benchmark on the SNIPS test split, one section per model: accuracy of its image (int8 for an fp32
# checkpoint, W1A1 for a binarized one) with and without early exit (C# integer reference), mean layers executed,
# and utterances/s of the C# reference and of the host C runtime.
#   bench/runtime/run.sh [model dir (default models/snips)] [dataset dir (default ../shared/datasets/snips)] [more model dirs...]
# e.g. bench/runtime/run.sh models/snips ../shared/datasets/snips models/snips-w1a1 (the int8 and the W1A1 image of
# the same teacher). Early-exit thresholds: calibrated on validation, at most 0.5 pt lost (int8) or 1 pt (W1A1).
# Writes bench/results/runtime.md (whole, after every step succeeded). Each image holds every test utterance as a test
# vector, so the C runtime runs the same utterances (and checks every logit it computes against the C# reference).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
models=("${1:-models/snips}")
data="${2:-${NANO_INTENT_DATASETS:-$root/../shared/datasets}/snips}"
[ $# -gt 2 ] && models+=("${@:3}")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dll="tools/ModelPacker/bin/Release/net10.0/modelpacker.dll"
dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
cmake -S native-kernels -B native-kernels/build/host -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build native-kernels/build/host -j2 --target bench_runtime >/dev/null
py() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print($2)" "$1"; }
mkdir -p bench/results
out="bench/results/runtime.md"
echo "# Runtime benchmark (SNIPS test, $(date -u +%Y-%m-%d))" >"$work/runtime.md"
for model in "${models[@]}"; do
  scheme=int8; drop=0.5
  grep -q '"binarization"' "$model/config.json" && { scheme=w1a1; drop=1; }
  image="$work/$(basename "$model").nii"
  dotnet "$dll" pack --model "$model" --scheme "$scheme" --calibration-data "$data" --test-vectors 1000 --out "$image" >/dev/null
  full_json="$(dotnet "$dll" eval --model "$image" --data "$data" --json)"
  dotnet "$dll" calibrate --image "$image" --data "$data" --max-accuracy-drop "$drop" >"$work/calibrate.txt"
  early_json="$(dotnet "$dll" eval --model "$image" --data "$data" --json)"
  verify="$(dotnet "$dll" verify "$image")"
  crt="$(native-kernels/build/host/bench/bench_runtime "$image" 3)"
  float_json="$(dotnet "$dll" eval --model "$model" --data "$data" --json)"
  {
    echo
    echo "## $model: $scheme image, calibrated thresholds (max accuracy drop $drop pt on validation)"
    echo
    echo "| | accuracy | mean layers |"
    echo "|---|---|---|"
    echo "| float checkpoint$([ $scheme = w1a1 ] && echo ' (binarized forward)'), full depth | $(py "$float_json" "f\"{d['accuracy']*100:.2f} %\"") | - |"
    echo "| $scheme image, full depth | $(py "$full_json" "f\"{d['accuracy']*100:.2f} %\"") | $(py "$full_json" "d['mean_layers']") |"
    echo "| $scheme image, early exit | $(py "$early_json" "f\"{d['early_exit_accuracy']*100:.2f} %\"") | $(py "$early_json" "f\"{d['mean_layers']:.2f}\"") |"
    echo
    echo '```'
    echo "$verify" | tail -1
    echo "$crt"
    grep -E '^full depth: .*thresholds' "$work/calibrate.txt"
    echo '```'
  } >>"$work/runtime.md"
done
mv "$work/runtime.md" "$out.tmp" && mv "$out.tmp" "$out" # whole or not at all
cat "$out"
