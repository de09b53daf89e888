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
# (snips-af8.nii, AdaptivFloat linear weights), checked and within 0.5 points as well, and in scheme gobo3
# (snips-gobo3.nii, GOBO 3-bit linear weights with outliers), checked and within 1 point; and with its word embeddings
# pruned to 40 % (snips-emb40.nii, int8_sparse_embed), within 1 point of the int8 image; and in scheme int4
# (snips-int4.nii, int4 linear weights, post-training), checked and within 1 point; and in scheme ipq (snips-ipq.nii,
# product-quantized linear weights, 256 codewords of 8, post-training), checked and within 2 points; and in scheme
# int8-sparse, pruned to 50 % at pack time (snips-sparse.nii), checked and within 1 point; and made 2:4
# by magnitude in scheme int8-2of4 (snips-2of4.nii), checked and within 0.5 points; and truncated to depth 2
# (snips-depth2.nii, `layer-drop --no-finetune`), checked and within 0.5 points of its truncated checkpoint.
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
# float checkpoint's; fails beyond 0.5 pt (int8, af8), 1 pt (w1a1, gobo3, int4) or 2 pt (ipq, issue 14's bar).
check_accuracy() {
  local float image
  float="$(dotnet "$dll" eval --model "$3" --data "$5" --json)"
  image="$(dotnet "$dll" eval --model "$4" --data "$5" --json)"
  python3 - "$1" "$2" "$float" "$image" <<'PY'
import json, sys
name, scheme = sys.argv[1], sys.argv[2]
fl, im = json.loads(sys.argv[3])["accuracy"] * 100, json.loads(sys.argv[4])["accuracy"] * 100
allowed = 2.0 if scheme == "ipq" else 1.0 if scheme in ("w1a1", "gobo3", "int4", "int8-sparse") else 0.5
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

# pack_snips_scheme scheme tensor-pattern: the SNIPS teacher packed in another post-training scheme as
# snips-<scheme>.nii (repacked when the packer or the model changed), so the runtime vectors run its kernels with
# trained weights on the host and every QEMU target; verified, checked to carry the scheme's encoding (inspect's
# tensor table matches tensor-pattern) and checked against the float model.
pack_snips_scheme() {
  local scheme="$1" image="$out/snips-$1.nii"
  if [ ! -f "$image" ] || [ "$dll" -nt "$image" ] || [ -n "$(find models/snips -newer "$image" -print -quit)" ]; then
    echo "pack-test-images: models/snips in scheme $scheme -> $image"
    dotnet "$dll" pack --model models/snips --scheme "$scheme" --calibration-data "$datasets/snips" --test-vectors 64 --out "$image"
  fi
  dotnet "$dll" verify "$image"
  dotnet "$dll" inspect "$image" | grep -q "$2" || { echo "pack-test-images: snips-$scheme.nii has no $2 tensor"; exit 1; }
  check_accuracy "snips-$scheme" "$scheme" models/snips "$image" "$datasets/snips"
  packed=$((packed + 1))
}
if [ -d models/snips ]; then
  pack_snips_scheme af8 adaptivfloat                 # AdaptivFloat linear weights (NI_ENC_ADAPTIVFLOAT), within 0.5 pt
  pack_snips_scheme gobo3 "AttentionQuery.*gobo3"    # GOBO 3-bit linear weights + outliers (NI_ENC_GOBO3), within 1 pt
  pack_snips_scheme int4 "AttentionQuery.*int4"      # int4 linear weights (NI_ENC_INT4), within 1 pt
  pack_snips_scheme ipq "AttentionQuery.*ipq"        # iPQ linear weights (NI_ENC_IPQ), within 2 pt
fi

# The SNIPS teacher with its word embeddings magnitude-pruned to 40 % (NI_ENC_INT8_SPARSE_EMBED) as snips-emb40.nii, so the
# runtime vectors run the sparse lookup with trained weights on the host and every QEMU target; within 1 pt of the
# unpruned int8 image (docs/results.md, "Pruned word embeddings").
emb40="$out/snips-emb40.nii"
if [ -d models/snips ]; then
  if [ ! -f "$emb40" ] || [ "$dll" -nt "$emb40" ] || [ -n "$(find models/snips -newer "$emb40" -print -quit)" ]; then
    echo "pack-test-images: models/snips with word embeddings pruned to 40 % -> $emb40"
    dotnet "$dll" pack --model models/snips --embedding-density 0.4 --calibration-data "$datasets/snips" --test-vectors 64 --out "$emb40"
  fi
  dotnet "$dll" verify "$emb40"
  dotnet "$dll" inspect "$emb40" | grep -q int8_sparse_embed || { echo "pack-test-images: snips-emb40.nii has no int8_sparse_embed tensor"; exit 1; }
  dense="$(dotnet "$dll" eval --model "$out/snips.nii" --data "$datasets/snips" --json)"
  pruned="$(dotnet "$dll" eval --model "$emb40" --data "$datasets/snips" --json)"
  python3 - "$dense" "$pruned" <<'PY'
import json, sys
de, pr = json.loads(sys.argv[1])["accuracy"] * 100, json.loads(sys.argv[2])["accuracy"] * 100
print(f"pack-test-images: snips-emb40: test accuracy int8 image {de:.2f} %, embeddings at 40 % {pr:.2f} % ({pr - de:+.2f} pt)")
if pr < de - 1.0:
    sys.exit("pack-test-images: snips-emb40: pruning the word embeddings to 40 % loses more than 1 pt against the int8 image")
PY
  packed=$((packed + 1))
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

# models/snips fine-tuned with learned attention spans (`modelpacker span`, one epoch) as snips-span.nii, so the
# runtime vectors run the span windows (ATTENTION_SPAN) with trained spans on the host and every QEMU target; its
# test accuracy within 0.5 pt of the span checkpoint's own fp32 (soft mask).
span_dir="$root/build/snips-span"
if [ -d models/snips ]; then
  if [ ! -f "$out/snips-span.nii" ] || [ "$dll" -nt "$out/snips-span.nii" ]; then
    mkdir -p "$span_dir"
    cat >"$span_dir/span.json" <<'JSON'
{ "epochs": 1, "attention_span": { "ramp": 4, "penalty": 0.0003, "learning_rate": 0.5 } }
JSON
    echo "pack-test-images: models/snips with attention spans -> $out/snips-span.nii"
    rm -rf "$span_dir/model"
    dotnet "$dll" span --model models/snips --data "$datasets/snips" --config "$span_dir/span.json" --out "$span_dir/model" >"$span_dir/span.log"
    tail -n 1 "$span_dir/span.log"
    dotnet "$dll" pack --model "$span_dir/model" --calibration-data "$datasets/snips" --test-vectors 64 --out "$out/snips-span.nii"
  fi
  dotnet "$dll" verify "$out/snips-span.nii"
  dotnet "$dll" inspect "$out/snips-span.nii" | grep -q "^Attention spans (" || { echo "pack-test-images: snips-span.nii has no ATTENTION_SPAN"; exit 1; }
  check_accuracy snips-span int8 "$span_dir/model" "$out/snips-span.nii" "$datasets/snips"
  packed=$((packed + 1))
fi

# models/snips magnitude-pruned to 50 % at pack time (one shot, unstructured: 98.00 %) in scheme int8-sparse as snips-sparse.nii,
# so the runtime vectors run the sparse GEMM (NI_ENC_INT8_SPARSE; blocks of 4 come from the random C# images) with trained weights on the
# host and every QEMU target; within 1 pt of the float checkpoint (docs/results.md, "Unstructured and block pruning").
sparse="$out/snips-sparse.nii"
if [ -d models/snips ]; then
  if [ ! -f "$sparse" ] || [ "$dll" -nt "$sparse" ] || [ -n "$(find models/snips -newer "$sparse" -print -quit)" ]; then
    echo "pack-test-images: models/snips pruned to 50 % in scheme int8-sparse -> $sparse"
    dotnet "$dll" pack --model models/snips --scheme int8-sparse --sparsity 0.5 --calibration-data "$datasets/snips" \
      --test-vectors 64 --out "$sparse"
  fi
  dotnet "$dll" verify "$sparse"
  dotnet "$dll" inspect "$sparse" | grep -q "AttentionQuery.*int8_sparse" || { echo "pack-test-images: snips-sparse.nii has no int8_sparse tensor"; exit 1; }
  check_accuracy snips-sparse int8-sparse models/snips "$sparse" "$datasets/snips"
  packed=$((packed + 1))
fi

# models/snips made 2:4 by magnitude (`modelpacker sparsify --pattern 2:4 --one-shot`, no training) and packed in
# scheme int8-2of4 as snips-2of4.nii, so the runtime vectors run the 2:4 kernel (NI_ENC_INT8_2OF4) with trained
# weights on the host and every QEMU target; its test accuracy within 0.5 pt of the dense float checkpoint's.
nm_dir="$root/build/snips-2of4"
if [ -d models/snips ]; then
  if [ ! -f "$out/snips-2of4.nii" ] || [ "$dll" -nt "$out/snips-2of4.nii" ] || [ -n "$(find models/snips -newer "$out/snips-2of4.nii" -print -quit)" ]; then
    echo "pack-test-images: models/snips 2:4 (one-shot) -> $out/snips-2of4.nii"
    rm -rf "$nm_dir/model"
    dotnet "$dll" sparsify --pattern 2:4 --one-shot --model models/snips --data "$datasets/snips" --out "$nm_dir/model"
    dotnet "$dll" pack --model "$nm_dir/model" --scheme int8-2of4 --calibration-data "$datasets/snips" --test-vectors 64 --out "$out/snips-2of4.nii"
  fi
  dotnet "$dll" verify "$out/snips-2of4.nii"
  dotnet "$dll" inspect "$out/snips-2of4.nii" | grep -q "AttentionQuery.*int8_2of4" || { echo "pack-test-images: snips-2of4.nii has no int8_2of4 query"; exit 1; }
  check_accuracy snips-2of4 int8-2of4 models/snips "$out/snips-2of4.nii" "$datasets/snips"
  packed=$((packed + 1))
fi

# models/snips truncated to 2 applications of its layer (`modelpacker layer-drop --depth 2 --no-finetune`, no training)
# and packed in scheme int8 as snips-depth2.nii, so the runtime vectors run an image of depth 2 (2 layers, 2 exits) on
# the host and every QEMU target; its test accuracy within 0.5 pt of the truncated float checkpoint's.
depth_dir="$root/build/snips-depth2"
if [ -d models/snips ]; then
  if [ ! -f "$out/snips-depth2.nii" ] || [ "$dll" -nt "$out/snips-depth2.nii" ] || [ -n "$(find models/snips -newer "$out/snips-depth2.nii" -print -quit)" ]; then
    echo "pack-test-images: models/snips at depth 2 -> $out/snips-depth2.nii"
    rm -rf "$depth_dir/model"
    dotnet "$dll" layer-drop --model models/snips --depth 2 --no-finetune --out "$depth_dir/model"
    dotnet "$dll" pack --model "$depth_dir/model" --scheme int8 --calibration-data "$datasets/snips" --test-vectors 64 --out "$out/snips-depth2.nii"
  fi
  dotnet "$dll" verify "$out/snips-depth2.nii" | grep -q "at all 2 layers" || { echo "pack-test-images: snips-depth2.nii does not verify at 2 layers"; exit 1; }
  check_accuracy snips-depth2 int8 "$depth_dir/model" "$out/snips-depth2.nii" "$datasets/snips"
  packed=$((packed + 1))
fi
echo "pack-test-images: $packed model image(s) in $out"
