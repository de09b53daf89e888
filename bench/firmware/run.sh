#!/usr/bin/env bash
# Firmware benchmark on the SNIPS test split: managed bytes allocated per Classify after warm-up (must be 0) and
# time per utterance of the host emulator's library (bench/FirmwareBench: the C# early-exit loop over P/Invoke into
# libnano_intent_interop, tokenizer included) next to the C runtime's (native-kernels/bench/bench_runtime: the same
# image's test vectors, token ids given, no tokenizer), early exit and full depth.
#   bench/firmware/run.sh [model dir (default models/snips)] [dataset dir (default ../shared/datasets/snips)]
# Writes bench/results/firmware.md whole, after every step succeeded; exits non-zero when bytes/Classify is not 0.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
model="${1:-models/snips}"
data="${2:-${NANO_INTENT_DATASETS:-$root/../shared/datasets}/snips}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
dotnet build bench/FirmwareBench -c Release -nologo -v quiet >/dev/null
cmake -S native-kernels -B native-kernels/build/host -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build native-kernels/build/host -j2 --target bench_runtime nano_intent_interop >/dev/null
dll="tools/ModelPacker/bin/Release/net10.0/modelpacker.dll"
image="$work/snips.nii"
# every test utterance as a test vector, so bench_runtime runs the same utterances
dotnet "$dll" pack --model "$model" --scheme int8 --calibration-data "$data" --test-vectors 1000 --out "$image" >/dev/null
dotnet "$dll" calibrate --image "$image" --data "$data" >/dev/null
host="$(NANO_INTENT_INTEROP_LIB="$root/native-kernels/build/host/libnano_intent_interop.so" \
  dotnet bench/FirmwareBench/bin/Release/net10.0/firmware-bench.dll "$image" "$data" 3)"
crt="$(native-kernels/build/host/bench/bench_runtime "$image" 3 |
  awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "utterances/s") $0 = $0 sprintf("  = %.1f us/utterance", 1e6 / $i); print }')"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p bench/results
out="bench/results/firmware.md"
{
  echo "# Firmware benchmark (SNIPS test, $(date -u +%Y-%m-%d))"
  echo
  echo "model: $model; image: int8, calibrated thresholds; host $(nproc) cores, $(uname -m). Command: bench/firmware/run.sh"
  echo "The host emulator's times include the tokenizer and P/Invoke; the C runtime's start from token ids."
  echo "Load average when the C runtime finished: $load (other jobs share the machine: compare rows, not runs)."
  echo
  echo '```'
  echo "$host"
  echo "$crt"
  echo '```'
} >"$work/firmware.md"
mv "$work/firmware.md" "$out.tmp" && mv "$out.tmp" "$out" # whole or not at all
cat "$out"
grep -q '^managed bytes per Classify after warm-up: 0 ' "$out" || { echo "firmware bench: Classify allocates managed memory" >&2; exit 1; }
