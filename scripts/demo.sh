#!/usr/bin/env bash
# The main job on the bundled default model (models/snips, trained from SNIPS with models/snips/train_config.json):
#   1. classify a few utterances with the fp32 checkpoint (every exit layer's intent and entropy);
#   2. pack it into an int8 flash image for the ESP32-WROVER profile, calibrate the early-exit thresholds on the
#      validation split, and verify the image (structure, CRCs, embedded test vectors);
#   3. classify the same utterances with the integer runtime and early exit: the arithmetic the device runs;
#   4. run the firmware's host emulator (firmware/NanoIntent.Host.App: the device's C# library and serial console
#      over the C session library) on the bundled image models/snips/snips-int8.nimg, piping a few console commands.
# Data for calibration comes from ../shared/datasets/snips (or $NANO_INTENT_DATASETS/snips).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
datasets="${NANO_INTENT_DATASETS:-$root/../shared/datasets}"
dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
mp() { dotnet tools/ModelPacker/bin/Release/net10.0/modelpacker.dll "$@"; }
utterances=("book a table for two tonight" "will it rain in paris tomorrow" "play the latest album by daft punk"
            "add this song to my workout playlist" "rate this book four out of six stars"
            "find the movie schedule for the nearest cinema")

echo "== fp32 checkpoint models/snips"
for u in "${utterances[@]}"; do mp classify --model models/snips "$u"; echo; done

image="build/demo/snips-int8.nimg"
mkdir -p "$(dirname "$image")"
echo "== int8 flash image for esp32-wrover -> $image"
mp pack --model models/snips --scheme int8 --board esp32-wrover --calibration-data "$datasets/snips" \
   --test-vectors 64 --out "$image"
mp calibrate --image "$image" --data "$datasets/snips"
mp verify "$image"

echo "== integer runtime with early exit ($image)"
for u in "${utterances[@]}"; do mp classify --model "$image" "$u"; echo; done

echo "== firmware host emulator on the bundled image models/snips/snips-int8.nimg"
need=()
command -v cmake >/dev/null || need+=(cmake)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
source scripts/lib/apt-install.sh
apt_install demo "${need[@]}"
cmake -S native-kernels -B native-kernels/build/host -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build native-kernels/build/host -j2 --target nano_intent_interop >/dev/null
dotnet build firmware/NanoIntent.Host.App -c Release -nologo -v quiet >/dev/null
printf '%s\n' "info" "classify ${utterances[3]}" "classify ${utterances[4]}" "threshold 1 0" "classify ${utterances[4]}" \
  "threshold reset" "bench" | dotnet firmware/NanoIntent.Host.App/bin/sdk/Release/net10.0/nano-intent-host.dll
