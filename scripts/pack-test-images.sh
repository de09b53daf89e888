#!/usr/bin/env bash
# Packs every trained model under models/ (snips, clinc150, snips-w1a1, ...) into a flash image of its own scheme
# (int8 for an fp32 checkpoint, w1a1 for a binarized one) with 64 test vectors, in
# native-kernels/build/test-images/runtime/<name>.nii, calibrates its early-exit thresholds and out-of-scope rejection
# on the dataset's validation split (CLINC150's image then answers unknown; the others never do: their data has no
# out-of-scope utterances), and checks it with `modelpacker verify`. ctest's
# runtime_vectors_<name> (one per models/<name>, failing when the image is missing) then runs those vectors through
# the C step API. Calibration data: ../shared/datasets/<dataset> (or $NANO_INTENT_DATASETS/<dataset>), <dataset>
# being the model's name up to its first '-'. Also checks that the image's test accuracy (integer reference) is
# within 0.5 percentage points of the float checkpoint's (int8), 1 point (w1a1). Packs models/snips in scheme af8 too
# (snips-af8.nii, AdaptivFloat linear weights), checked and within 0.5 points as well, and in scheme int4
# (snips-int4.nii, int4 linear weights, post-training), checked and within 1 point.
# Then trains a tiny w1a1 model on SNIPS (a small teacher, one epoch, binarized for one epoch: about a minute) and
# packs it as tiny-w1a1.nii, so the runtime vectors cover scheme W1A1 with trained weights on every target; and the
# same student with its poolers over the int8 h[CLS] (binarize.pooler_input "int8", encoding binary_s8) as
# tiny-w1a1-s8.nii.
# Exits non-zero when a train, pack, verify or accuracy check fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="native-kernels/build/test-images/runtime"
datasets="${NANO_INTENT_DATASETS:-$root/../shared/datasets}"
dll="tools/ModelPacker/bin/Release/net10.0/modelpacker.dll"
[ -f "$dll" ] || dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
mkdir -p "$out"
packed=0

# check_accuracy name scheme float-model image dataset: the image's test accuracy (integer reference) against the
# float checkpoint's; fails beyond 0.5 pt (int8, af8) or 1 pt (w1a1, int4).
check_accuracy() {
  local float image
  float="$(dotnet "$dll" eval --model "$3" --data "$5" --json)"
  image="$(dotnet "$dll" eval --model "$4" --data "$5" --json)"
  python3 - "$1" "$2" "$float" "$image" <<'PY'
import json, sys
name, scheme = sys.argv[1], sys.argv[2]
fl, im = json.loads(sys.argv[3])["accuracy"] * 100, json.loads(sys.argv[4])["accuracy"] * 100
allowed = 1.0 if scheme in ("w1a1", "int4") else 0.5
print(f"pack-test-images: {name}: test accuracy float {fl:.2f} %, {scheme} image {im:.2f} % ({im - fl:+.2f} pt)")
if im < fl - allowed:
    sys.exit(f"pack-test-images: {name}: the {scheme} image loses more than {allowed} pt against the float checkpoint")
PY
}
for dir in models/*/; do
  [ -f "$dir/config.json" ] || continue
  name="$(basename "$dir")"
  dataset="${name%%-*}"
  if [ ! -d "$datasets/$dataset" ]; then echo "pack-test-images: no dataset $datasets/$dataset to calibrate models/$name on"; exit 1; fi
  echo "pack-test-images: models/$name -> $out/$name.nii"
  dotnet "$dll" pack --model "$dir" --calibration-data "$datasets/$dataset" --test-vectors 64 --out "$out/$name.nii"
  dotnet "$dll" calibrate --image "$out/$name.nii" --data "$datasets/$dataset" | grep -E "^(full depth|out-of-scope rejection)"
  dotnet "$dll" verify "$out/$name.nii"
  scheme=int8; grep -q '"binarization"' "$dir/config.json" && scheme=w1a1
  check_accuracy "$name" "$scheme" "$dir" "$out/$name.nii" "$datasets/$dataset"
  packed=$((packed + 1))
done

# pack_snips scheme encoding: the SNIPS teacher packed post-training in another scheme of an fp32 checkpoint as
# snips-<scheme>.nii (repacked when the packer or the model is newer), verified, holding at least one tensor of
# <encoding>, and within check_accuracy's bound of the float model.
pack_snips() {
  local image="$out/snips-$1.nii"
  if [ ! -f "$image" ] || [ "$dll" -nt "$image" ] || [ -n "$(find models/snips -newer "$image" -print -quit)" ]; then
    echo "pack-test-images: models/snips in scheme $1 -> $image"
    dotnet "$dll" pack --model models/snips --scheme "$1" --calibration-data "$datasets/snips" --test-vectors 64 --out "$image"
  fi
  dotnet "$dll" verify "$image"
  dotnet "$dll" inspect "$image" | grep -q "$2" || { echo "pack-test-images: snips-$1.nii has no $2 tensor"; exit 1; }
  check_accuracy "snips-$1" "$1" models/snips "$image" "$datasets/snips"
  packed=$((packed + 1))
}

# The SNIPS teacher in scheme af8 (AdaptivFloat linear weights, NI_ENC_ADAPTIVFLOAT) as snips-af8.nii, so the runtime
# vectors run its kernels with trained weights on the host and every QEMU target; within 0.5 pt of the float model.
# And in scheme int4 (int4 linear weights, NI_ENC_INT4) as snips-int4.nii, the same way; within 1 pt.
if [ -d models/snips ]; then
  pack_snips af8 adaptivfloat
  pack_snips int4 int4
fi

# A tiny trained w1a1 image (trained weights, not random ones, through the W1A1 runtime on every target).
tiny="$root/build/tiny-w1a1"
if [ ! -f "$out/tiny-w1a1.nii" ] || [ "$dll" -nt "$out/tiny-w1a1.nii" ]; then
  mkdir -p "$tiny"
  cat >"$tiny/teacher.json" <<'JSON'
{ "vocab_size": 500, "embedding_size": 32, "hidden_size": 64, "num_attention_heads": 2, "intermediate_size": 64,
  "num_hidden_layers": 2, "max_length": 24, "epochs": 1, "batch_size": 32 }
JSON
  cat >"$tiny/student.json" <<'JSON'
{ "epochs": 1, "batch_size": 32, "learning_rate": 0.002, "binarize": { "activation_binarizer": "elastic", "calibration_utterances": 64 } }
JSON
  echo "pack-test-images: tiny w1a1 model on snips -> $out/tiny-w1a1.nii"
  dotnet "$dll" train --data "$datasets/snips" --config "$tiny/teacher.json" --teacher none --out "$tiny/teacher" >"$tiny/train.log"
  dotnet "$dll" binarize --teacher "$tiny/teacher" --data "$datasets/snips" --config "$tiny/student.json" --out "$tiny/student" >"$tiny/binarize.log"
  dotnet "$dll" pack --model "$tiny/student" --scheme w1a1 --calibration-data "$datasets/snips" --test-vectors 32 --out "$out/tiny-w1a1.nii"
fi
dotnet "$dll" verify "$out/tiny-w1a1.nii"
packed=$((packed + 1))
if [ ! -f "$out/tiny-w1a1-s8.nii" ] || [ "$dll" -nt "$out/tiny-w1a1-s8.nii" ]; then
  [ -d "$tiny/teacher" ] || dotnet "$dll" train --data "$datasets/snips" --config "$tiny/teacher.json" --teacher none --out "$tiny/teacher" >"$tiny/train.log"
  cat >"$tiny/student-s8.json" <<'JSON'
{ "epochs": 1, "batch_size": 32, "learning_rate": 0.002, "binarize": { "activation_binarizer": "sign", "pooler_input": "int8", "calibration_utterances": 64 } }
JSON
  echo "pack-test-images: tiny w1a1 model with int8-input poolers on snips -> $out/tiny-w1a1-s8.nii"
  rm -rf "$tiny/student-s8"
  dotnet "$dll" binarize --teacher "$tiny/teacher" --data "$datasets/snips" --config "$tiny/student-s8.json" --out "$tiny/student-s8" >"$tiny/binarize-s8.log"
  dotnet "$dll" pack --model "$tiny/student-s8" --scheme w1a1 --calibration-data "$datasets/snips" --test-vectors 32 --out "$out/tiny-w1a1-s8.nii"
fi
dotnet "$dll" verify "$out/tiny-w1a1-s8.nii"
dotnet "$dll" inspect "$out/tiny-w1a1-s8.nii" | grep -q binary_s8 \
  || { echo "pack-test-images: tiny-w1a1-s8.nii has no binary_s8 pooler"; exit 1; }
packed=$((packed + 1))
echo "pack-test-images: $packed model image(s) in $out"
