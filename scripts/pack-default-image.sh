#!/usr/bin/env bash
# Packs the bundled default image models/snips/snips-int8.nimg from the bundled model models/snips, as scripts/demo.sh
# does: int8 for esp32-wrover, early-exit thresholds calibrated on SNIPS validation, 64 test vectors. The host
# emulator (firmware/NanoIntent.Host.App) opens it by default; tests/NanoIntent.Tests checks that the committed file
# equals what this script produces. Usage: scripts/pack-default-image.sh [out.nimg]  (default: the committed path)
# Calibration data: ../shared/datasets/snips (or $NANO_INTENT_DATASETS/snips).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-models/snips/snips-int8.nimg}"
datasets="${NANO_INTENT_DATASETS:-$root/../shared/datasets}"
[ -d "$datasets/snips" ] || { echo "pack-default-image: no dataset $datasets/snips (set NANO_INTENT_DATASETS)" >&2; exit 1; }
dll="tools/ModelPacker/bin/Release/net10.0/modelpacker.dll"
[ -f "$dll" ] || dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
dotnet "$dll" pack --model models/snips --scheme int8 --board esp32-wrover --calibration-data "$datasets/snips" \
  --test-vectors 64 --out "$out"
dotnet "$dll" calibrate --image "$out" --data "$datasets/snips"
dotnet "$dll" verify "$out"
