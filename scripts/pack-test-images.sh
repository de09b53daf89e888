#!/usr/bin/env bash
# Packs every trained model under models/ (snips, clinc150, ...) into an int8 flash image with 64 test vectors, in
# native-kernels/build/test-images/runtime/<name>.nii, and checks it with `modelpacker verify`. ctest's
# runtime_vectors_<name> (one per models/<name>, failing when the image is missing) then runs those vectors through
# the C step API. Calibration data: ../shared/datasets/<name>
# (or $NANO_INTENT_DATASETS/<name>). Also checks that the int8 image's test accuracy (integer reference) is within
# 0.5 percentage points of the fp32 checkpoint's. Exits non-zero when a pack, verify or accuracy check fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="native-kernels/build/test-images/runtime"
datasets="${NANO_INTENT_DATASETS:-$root/../shared/datasets}"
dll="tools/ModelPacker/bin/Release/net10.0/modelpacker.dll"
[ -f "$dll" ] || dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
mkdir -p "$out"
packed=0
for dir in models/*/; do
  [ -f "$dir/config.json" ] || continue
  name="$(basename "$dir")"
  if [ ! -d "$datasets/$name" ]; then echo "pack-test-images: no dataset $datasets/$name to calibrate models/$name on"; exit 1; fi
  echo "pack-test-images: models/$name -> $out/$name.nii"
  dotnet "$dll" pack --model "$dir" --scheme int8 --calibration-data "$datasets/$name" --test-vectors 64 --out "$out/$name.nii"
  dotnet "$dll" verify "$out/$name.nii"
  fp32="$(dotnet "$dll" eval --model "$dir" --data "$datasets/$name" --json)"
  int8="$(dotnet "$dll" eval --model "$out/$name.nii" --data "$datasets/$name" --json)"
  python3 - "$name" "$fp32" "$int8" <<'PY'
import json, sys
name, fp32, int8 = sys.argv[1], json.loads(sys.argv[2])["accuracy"] * 100, json.loads(sys.argv[3])["accuracy"] * 100
print(f"pack-test-images: {name}: test accuracy fp32 {fp32:.2f} %, int8 {int8:.2f} % ({int8 - fp32:+.2f} pt)")
if int8 < fp32 - 0.5:
    sys.exit(f"pack-test-images: {name}: int8 loses more than 0.5 pt against fp32")
PY
  packed=$((packed + 1))
done
echo "pack-test-images: $packed model image(s) in $out"
