#!/usr/bin/env bash
# Packs every trained model under models/ (snips, clinc150, ...) into an int8 flash image with 64 test vectors, in
# native-kernels/build/test-images/runtime/<name>.nii, and checks it with `modelpacker verify`. ctest's
# runtime_vectors then runs those vectors through the C step API. Calibration data: ../shared/datasets/<name>
# (or $NANO_INTENT_DATASETS/<name>). Exits non-zero when a pack or verify fails.
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
  packed=$((packed + 1))
done
echo "pack-test-images: $packed model image(s) in $out"
