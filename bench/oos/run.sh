#!/usr/bin/env bash
# Out-of-scope rejection on the committed checkpoints: what the threshold `calibrate` stores does on the test split.
#   bench/oos/run.sh            (data from ../shared/datasets or $NANO_INTENT_DATASETS)
# CLINC150 (models/clinc150, fp32 -> int8 image): pack, then calibrate on the validation split with
#   - --reject off (the model's own oos label is all it has: the baseline),
#   - the default (entropy, in-scope accuracy at most 1 point below no threshold),
#   - --reject confidence (the same bound), and the default with bounds of 0.5, 2, 3 and 5 points,
# each with the default early-exit thresholds, and once more with early exit off (--max-accuracy-drop 0 keeps full-depth
# accuracy); then `eval` on the test split reports, for the answers of the exit the device stops at, Larson et al.'s
# in-scope accuracy and out-of-scope recall and the share of in-scope utterances answered unknown.
# SNIPS (no out-of-scope data): the bundled int8 and w1a1 images calibrated with the default (rejection off) and with
# --reject entropy (the bound's point: the most in-scope answers turned unknown within 1 point).
# Writes bench/results/oos.md whole at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
data="${NANO_INTENT_DATASETS:-$root/../shared/datasets}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
mp() { dotnet tools/ModelPacker/bin/Release/net10.0/modelpacker.dll "$@"; }
rows=()
# row <label> <image> <dataset> <calibrate options...>
row() {
  local label="$1" base="$2" dataset="$3"; shift 3
  local img="$work/$(echo "$label" | tr -c 'a-zA-Z0-9' '_').nimg"
  cp "$base" "$img"
  mp calibrate --image "$img" --data "$data/$dataset" "$@" >"$work/cal.log"
  local rule; rule="$(grep '^out-of-scope rejection' "$work/cal.log" | sed -E 's/^out-of-scope rejection: //; s/ \(in-scope accuracy.*//; s/ \(no out-of-scope.*//; s/ \(--reject off.*//')"
  mp eval --model "$img" --data "$data/$dataset" --json >"$work/eval.json"
  rows+=("$(python3 - "$label" "$rule" "$work/eval.json" <<'PY'
import json, sys
label, rule, path = sys.argv[1], sys.argv[2], sys.argv[3]
j = json.load(open(path)); a = j["answers"]
pct = lambda v: "-" if v is None else f"{100 * v:.2f} %"
print(f"| {label} | {rule} | {pct(a['in_scope_accuracy'])} | {pct(a['out_of_scope_recall'])} | {pct(a['in_scope_unknown'])} | {j['mean_layers']:.2f} |")
PY
)")
  echo "${rows[-1]}"
}
mp pack --model models/clinc150 --calibration-data "$data/clinc150" --test-vectors 0 --out "$work/clinc150.nimg" >/dev/null
c="$work/clinc150.nimg"
row "CLINC150 int8, --reject off" "$c" clinc150 --reject off
row "CLINC150 int8, default (entropy, 1 pt)" "$c" clinc150
row "CLINC150 int8, --reject confidence (1 pt)" "$c" clinc150 --reject confidence
for b in 0.5 2 3 5; do row "CLINC150 int8, entropy, $b pt" "$c" clinc150 --max-in-scope-drop "$b"; done
row "CLINC150 int8, no early exit, --reject off" "$c" clinc150 --max-accuracy-drop 0 --reject off
row "CLINC150 int8, no early exit, entropy (1 pt)" "$c" clinc150 --max-accuracy-drop 0
row "CLINC150 int8, no early exit, confidence (1 pt)" "$c" clinc150 --max-accuracy-drop 0 --reject confidence
row "SNIPS int8 (bundled), default" models/snips/snips-int8.nimg snips
row "SNIPS int8 (bundled), --reject entropy (1 pt)" models/snips/snips-int8.nimg snips --reject entropy
row "SNIPS w1a1 (bundled), default" models/snips-w1a1/snips-w1a1.nimg snips
row "SNIPS w1a1 (bundled), --reject entropy (1 pt)" models/snips-w1a1/snips-w1a1.nimg snips --reject entropy
{
  echo "# Out-of-scope rejection (bench/oos/run.sh)"
  echo
  echo "Thresholds chosen by \`modelpacker calibrate\` on the validation split; scores of \`modelpacker eval\` on the test"
  echo "split (CLINC150: 4,500 in-scope and 1,000 out-of-scope utterances; SNIPS: 700, none out of scope), for the answers"
  echo "of the exit the device loop stops at. An unknown answer is wrong in scope and right out of scope (Larson et al. 2019)."
  echo
  echo "| image, calibration | unknown when | in-scope accuracy | out-of-scope recall | in scope answered unknown | mean layers |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >bench/results/oos.md
echo "wrote bench/results/oos.md"
