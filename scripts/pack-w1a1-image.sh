#!/usr/bin/env bash
# Packs the bundled W1A1 (BiBERT) image models/snips-w1a1/snips-w1a1.nimg from the bundled 1-bit student
# models/snips-w1a1 (trained from models/snips by the two binarize steps in docs/results.md, "The W1A1 image at the
# issue's bars"): w1a1 for esp32-wrover, the vocabulary pruned to the pieces the SNIPS training split produces at
# least 7 times, early-exit thresholds calibrated on SNIPS validation, 32 test vectors. tests/NanoIntent.Tests checks
# that the committed file equals what this script produces.
# Usage: scripts/pack-w1a1-image.sh [out.nimg]  (default: the committed path)
# Calibration data: ../shared/datasets/snips (or $NANO_INTENT_DATASETS/snips).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-models/snips-w1a1/snips-w1a1.nimg}"
datasets="${NANO_INTENT_DATASETS:-$root/../shared/datasets}"
[ -d "$datasets/snips" ] || { echo "pack-w1a1-image: no dataset $datasets/snips (set NANO_INTENT_DATASETS)" >&2; exit 1; }
dll="tools/ModelPacker/bin/Release/net10.0/modelpacker.dll"
[ -f "$dll" ] || dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
dotnet "$dll" pack --model models/snips-w1a1 --scheme w1a1 --board esp32-wrover --calibration-data "$datasets/snips" \
  --prune-vocabulary 7 --test-vectors 32 --out "$out"
dotnet "$dll" calibrate --image "$out" --data "$datasets/snips" --max-accuracy-drop 1
dotnet "$dll" verify "$out"
