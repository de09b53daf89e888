#!/usr/bin/env bash
# Vocabulary pruning (pack --prune-vocabulary): image bytes by section and the image's accuracy on the test and
# validation splits (integer reference, full depth: thresholds 0) without pruning and at each min-count given.
#   bench/vocabulary-pruning/run.sh <model dir> <dataset dir> [min-count ...]   (default min-counts: 1 2 3 5)
# The image's share is of $TEACHER_SAFETENSORS (default: the model's own model.safetensors; for a w1a1 student, give
# its fp32 teacher's).
# Images are packed without test vectors, so the bytes are the model's. Writes
# bench/results/vocabulary-pruning-<model name>.md whole, after every step succeeded.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
model="${1:?model dir}"; data="${2:?dataset dir}"; shift 2
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(1 2 3 5)
name="$(basename "$model")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
dll="tools/ModelPacker/bin/Release/net10.0/modelpacker.dll"
teacher="${TEACHER_SAFETENSORS:-$model/model.safetensors}"
teacher_bytes="$(stat -c %s "$teacher")"
rows="$work/rows.tsv"
for c in none "${counts[@]}"; do
  opt=(); [ "$c" = none ] || opt=(--prune-vocabulary "$c")
  dotnet "$dll" pack --model "$model" --calibration-data "$data" --test-vectors 0 "${opt[@]}" --out "$work/$c.nimg" > "$work/$c.pack"
  dotnet "$dll" verify "$work/$c.nimg" >/dev/null
  test="$(dotnet "$dll" eval --model "$work/$c.nimg" --data "$data" --split test --json)"
  val="$(dotnet "$dll" eval --model "$work/$c.nimg" --data "$data" --split validation --json)"
  python3 - "$c" "$work/$c.pack" "$test" "$val" "$teacher_bytes" >> "$rows" <<'PY'
import json, re, sys
c, pack, test, val, teacher = sys.argv[1], open(sys.argv[2]).read(), json.loads(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5])
size = {m[0]: int(m[1].replace(",", "")) for m in re.findall(r"│ (\w+)\s*│[\s\d,]*│\s*([\d,]+) │", pack)}
v = re.search(r"V=(\d+)", pack).group(1)
image = size["image"]
other = image - sum(size[s] for s in ("EMBEDDINGS", "LAYER", "EXIT_HEADS", "QUANT_PARAMS", "VOCABULARY", "NORMALIZER"))
cells = [c, v] + [f"{size[s]:,}" for s in ("EMBEDDINGS", "VOCABULARY", "NORMALIZER")] + [f"{other + size['LAYER'] + size['EXIT_HEADS'] + size['QUANT_PARAMS']:,}",
         f"**{image:,}** (1/{teacher / image:.2f})", f"{test['accuracy'] * 100:.2f} %", f"{val['accuracy'] * 100:.2f} %"]
print("| " + " | ".join(cells) + " |")
PY
  tail -1 "$rows"
done
mkdir -p bench/results
out="bench/results/vocabulary-pruning-$name.md"
{
  echo "# Vocabulary pruning: $model on $data"
  echo
  echo "\`bench/vocabulary-pruning/run.sh $model $data ${counts[*]}\`, $(date -u +%Y-%m-%d). Images without test vectors;"
  echo "accuracy of the image (integer reference, every layer, no early exit). Share of $teacher: $teacher_bytes bytes."
  echo
  echo "| min-count | V | EMBEDDINGS | VOCABULARY | NORMALIZER | rest | image (share) | test | validation |"
  echo "|---|---|---|---|---|---|---|---|---|"
  cat "$rows"
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
