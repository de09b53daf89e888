#!/usr/bin/env bash
# The main job on the bundled default model (models/snips): classify a few utterances with the fp32 model, then
# pack it into an int8 flash image and classify the same utterances with the integer runtime and early exit —
# the arithmetic the microcontroller runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
mp() { dotnet tools/ModelPacker/bin/Release/net10.0/modelpacker.dll "$@"; }
utterances=("book a table for two tonight" "will it rain in paris tomorrow" "play the latest album by daft punk"
            "add this song to my workout playlist" "rate this book four out of six stars")
for u in "${utterances[@]}"; do mp classify --model models/snips "$u"; echo; done
