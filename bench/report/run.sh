#!/usr/bin/env bash
# The compression report (issue 13): for one dataset and its teacher, packs every variant of bench/report/variants.tsv
# (every scheme that exists, from models/<dataset>, its binarized student models/<dataset>-w1a1 and its adaptive-span
# fine-tunes, Quant-Noise fine-tunes, pruned fine-tunes, 2:4 fine-tune, head-pruned and LayerDrop fine-tunes, trained here
# once into build/report/<dataset>/span-<penalty>, qn-<scheme>-<rate>, prune-<method>-<sparsity>-<block>, 2of4, heads-<k>,
# layerdrop-0.5 and its truncations depth-<k>), calibrates each
# image's early exits, evaluates it with the integer reference (= the device), counts its Cortex-M4 instructions per
# utterance under QEMU (-icount shift=0, the mcu harness on its 32 test vectors, full depth and early exit), and writes
#   bench/results/report-<dataset>.md  the table: accuracy (fp32 checkpoint, image at full depth, with early exit),
#                                      mean exit layer, image / embedding / weight / arena bytes, Cortex-M4 instructions
#   docs/report/<dataset>.png          accuracy against image bytes, the Pareto front marked (gnuplot)
# and puts the table and the plot into docs/results.md between the markers <!-- report:<dataset>:begin/end -->.
#   bench/report/run.sh snips|clinc150|<dataset dir name> [variant ...]   (default: every variant for the dataset)
# Naming variants re-runs only those; the table keeps the rows of the others from the results an earlier run left in
# the work directory.
# Images and logs stay in build/report/<dataset>/. Prints one progress line per step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
[ $# -ge 1 ] || { echo "usage: bench/report/run.sh <dataset> [variant ...]" >&2; exit 2; }
dataset="$1"; shift
only=("$@")
data="${NANO_INTENT_DATASETS:-$root/../shared/datasets}/$dataset"
[ -d "$data" ] || { echo "bench/report: no dataset at $data" >&2; exit 1; }
[ -d "models/$dataset" ] || { echo "bench/report: no teacher at models/$dataset" >&2; exit 1; }
source scripts/lib/apt-install.sh
need=()
command -v gnuplot >/dev/null || need+=(gnuplot-nox)
command -v arm-none-eabi-gcc >/dev/null || need+=(gcc-arm-none-eabi libnewlib-arm-none-eabi)
dpkg -s picolibc-arm-none-eabi >/dev/null 2>&1 || need+=(picolibc-arm-none-eabi)
command -v qemu-system-arm >/dev/null || need+=(qemu-system-arm)
command -v cmake >/dev/null || need+=(cmake make)
apt_install bench/report "${need[@]}"

work="$root/build/report/$dataset"
mkdir -p "$work"
progress() { echo "[report $dataset $(date -u +%H:%M:%S)] $*"; }
progress "building modelpacker"
dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null
mp=(dotnet "$root/tools/ModelPacker/bin/Release/net10.0/modelpacker.dll")

# the variants for this dataset
names=(); checkpoints=(); drops=(); options=(); table=()
while IFS=$'\t' read -r name checkpoint sets drop opts; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [[ "$sets" == "*" || ",$sets," == *",$dataset,"* ]] || continue
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then
    # not re-run: its row keeps the results an earlier run left in the work directory, if any
    [ -f "$work/$name.eval.json" ] && [ -f "$work/$name.m4.log" ] && table+=("$name")
    continue
  fi
  table+=("$name")
  case "$checkpoint" in
    teacher) dir="models/$dataset" ;;
    w1a1) dir="models/$dataset-w1a1" ;;
    span-*) # the teacher fine-tuned with learned attention spans at this L1 penalty (modelpacker span), kept for later runs
      dir="$work/$checkpoint"
      if [ ! -f "$dir/config.json" ]; then
        progress "$name: span fine-tuning of models/$dataset (penalty ${checkpoint#span-})"
        echo "{\"attention_span\": {\"ramp\": 4, \"penalty\": ${checkpoint#span-}, \"learning_rate\": 0.2}}" >"$work/$checkpoint.json"
        rm -rf "$dir"
        "${mp[@]}" span --model "models/$dataset" --data "$data" --config "$work/$checkpoint.json" --out "$dir" >"$work/$checkpoint.log"
      fi ;;
    qn-*) # the teacher fine-tuned one epoch with Quant-Noise for a scheme at a noise rate (finetune-int8), kept for later runs
      dir="$work/$checkpoint"
      if [ ! -f "$dir/config.json" ]; then
        qn="${checkpoint#qn-}"
        progress "$name: Quant-Noise fine-tuning of models/$dataset (scheme ${qn%-*}, rate ${qn##*-})"
        rm -rf "$dir"
        "${mp[@]}" finetune-int8 --model "models/$dataset" --data "$data" --out "$dir" --epochs 1 --scheme "${qn%-*}" \
          --noise-rate "${qn##*-}" >"$work/$checkpoint.log"
      fi ;;
    prune-*) # the teacher pruned by `modelpacker prune` (prune-<method>-<sparsity>-<block>), kept for later runs
      dir="$work/$checkpoint"
      if [ ! -f "$dir/config.json" ]; then
        IFS=- read -r _ method sparsity block <<<"$checkpoint"
        progress "$name: $method pruning of models/$dataset to $sparsity (blocks of $block)"
        rm -rf "$dir"
        "${mp[@]}" prune --model "models/$dataset" --data "$data" --method "$method" --sparsity "$sparsity" --block "$block" \
          --out "$dir" >"$work/$checkpoint.log"
      fi ;;
    2of4) # the teacher made 2:4 sparse by fine-tuning with magnitude masks (modelpacker sparsify), kept for later runs
      dir="$work/$checkpoint"
      if [ ! -f "$dir/config.json" ]; then
        progress "$name: 2:4 fine-tuning of models/$dataset"
        rm -rf "$dir"
        "${mp[@]}" sparsify --pattern 2:4 --model "models/$dataset" --data "$data" --out "$dir" >"$work/$checkpoint.log"
      fi ;;
    heads-*) # the teacher with its k least important heads pruned and fine-tuned one epoch (modelpacker prune-heads), kept
      dir="$work/$checkpoint"
      if [ ! -f "$dir/config.json" ]; then
        progress "$name: pruning ${checkpoint#heads-} heads of models/$dataset"
        echo '{"epochs": 1}' >"$work/epochs1.json"
        rm -rf "$dir"
        "${mp[@]}" prune-heads --model "models/$dataset" --data "$data" --heads "${checkpoint#heads-}" --config "$work/epochs1.json" \
          --out "$dir" >"$work/$checkpoint.log"
      fi ;;
    depth-*) # the teacher fine-tuned once with LayerDrop at rate 0.5 (modelpacker layer-drop; 3 epochs, CLINC150 1), then
      # truncated to k applications of the layer; both kept for later runs
      dir="$work/$checkpoint"; ld="$work/layerdrop-0.5"
      if [ ! -f "$ld/config.json" ]; then
        progress "$name: LayerDrop fine-tuning of models/$dataset (rate 0.5)"
        epochs=(); if [ "$dataset" = clinc150 ]; then echo '{"epochs": 1}' >"$work/epochs1.json"; epochs=(--config "$work/epochs1.json"); fi
        rm -rf "$ld"
        "${mp[@]}" layer-drop --model "models/$dataset" --data "$data" --rate 0.5 "${epochs[@]}" --out "$ld" >"$work/layerdrop-0.5.log"
      fi
      if [ ! -f "$dir/config.json" ]; then
        rm -rf "$dir"
        "${mp[@]}" layer-drop --model "$ld" --data "$data" --depth "${checkpoint#depth-}" --no-finetune --out "$dir" >"$work/$checkpoint.log"
      fi ;;
    *) echo "bench/report: variants.tsv: $name: unknown checkpoint '$checkpoint'" >&2; exit 1 ;;
  esac
  names+=("$name"); checkpoints+=("$dir"); drops+=("$drop"); options+=("$opts")
done < bench/report/variants.tsv
[ ${#names[@]} -gt 0 ] || { echo "bench/report: no variant of bench/report/variants.tsv applies to $dataset" >&2; exit 1; }

# pack, calibrate, evaluate, inspect
mcu_images=()
for i in "${!names[@]}"; do
  name="${names[$i]}"; dir="${checkpoints[$i]}"; v="$work/$name"
  rm -f "$v".*
  if [ ! -d "$dir" ]; then
    progress "$name: skipped, no checkpoint at $dir"
    echo "$dir" >"$v.missing"
    continue
  fi
  progress "$name: pack ${options[$i]}"
  # shellcheck disable=SC2086 # the options column is a list of arguments
  "${mp[@]}" pack --model "$dir" ${options[$i]} --calibration-data "$data" --test-vectors 32 --out "$v.nimg" >"$v.pack.log"
  progress "$name: calibrate early exits (max drop ${drops[$i]} pt)"
  "${mp[@]}" calibrate --image "$v.nimg" --data "$data" --max-accuracy-drop "${drops[$i]}" >"$v.calibrate.log"
  progress "$name: eval (integer reference)"
  "${mp[@]}" eval --model "$v.nimg" --data "$data" --json >"$v.eval.json"
  # the fp32 score is cached per checkpoint directory and weights (a re-trained checkpoint in the same place is new)
  ckey="$(echo "$dir" | tr '/' '_')-$(sha256sum "$dir/model.safetensors" | cut -c1-16)"
  if [ ! -f "$work/$ckey.float.json" ]; then
    progress "$name: eval $dir (fp32)"
    "${mp[@]}" eval --model "$dir" --data "$data" --json >"$work/$ckey.float.json"
  fi
  cp "$work/$ckey.float.json" "$v.float.json"
  "${mp[@]}" inspect "$v.nimg" >"$v.inspect.txt"
  mcu_images+=("${dataset}_${name}=$v.nimg")
done

# Cortex-M4 instruction counts: one harness per image
if [ ${#mcu_images[@]} -gt 0 ]; then
  m4="$work/m4"
  progress "Cortex-M4: building ${#mcu_images[@]} harnesses"
  cmake -S native-kernels -B "$m4" -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE="$root/native-kernels/cmake/arm-cortex-m4.cmake" \
    -DNI_MCU_IMAGES="$(IFS=';'; echo "${mcu_images[*]}")" >"$work/m4-configure.log"
  targets=(); for e in "${mcu_images[@]}"; do targets+=("ni_harness_${e%%=*}"); done
  cmake --build "$m4" -j2 --target "${targets[@]}" >"$work/m4-build.log"
  for e in "${mcu_images[@]}"; do
    n="${e%%=*}"
    progress "Cortex-M4: ${n#"${dataset}_"} under QEMU"
    ctest --test-dir "$m4" -R "^mcu_cortex-m4_image_${n}\$" -V --timeout 1800 >"$work/${n#"${dataset}_"}.m4.log" ||
      { tail -20 "$work/${n#"${dataset}_"}.m4.log"; echo "bench/report: the Cortex-M4 harness of $n failed" >&2; exit 1; }
  done
fi

progress "writing bench/results/report-$dataset.md, docs/report/$dataset.png and docs/results.md"
mkdir -p docs/report bench/results
python3 bench/report/compose.py "$dataset" "$work" "${table[@]}"
gnuplot -e "points='$work/points.dat'; front='$work/front.dat'; out='$work/plot.png'; title='$dataset'" bench/report/plot.gp
{ cat "$work/report.md"; echo; echo "![$dataset: accuracy against image bytes](report/$dataset.png)"; } >"$work/for-results.md"
{ echo "# Compression report: $dataset ($(date -u +%Y-%m-%d), bench/report/run.sh $dataset)"; echo
  cat "$work/report.md"; echo; echo "![$dataset: accuracy against image bytes](../../docs/report/$dataset.png)"; } >"$work/bench.md"
mv "$work/plot.png" "docs/report/$dataset.png.tmp" && mv "docs/report/$dataset.png.tmp" "docs/report/$dataset.png"
mv "$work/bench.md" "bench/results/report-$dataset.md.tmp" && mv "bench/results/report-$dataset.md.tmp" "bench/results/report-$dataset.md"
python3 bench/report/splice.py docs/results.md "$dataset" "$work/for-results.md"
cat "bench/results/report-$dataset.md"
