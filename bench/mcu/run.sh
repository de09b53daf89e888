#!/usr/bin/env bash
# Instruction-count benchmark of the int8 SNIPS image on Cortex-M4 (QEMU netduinoplus2, TIM2), RV32IMC (QEMU
# riscv32 virt, rdinstret) and Cortex-M7 (mps2-an500, SysTick: to within 40 instructions), all under
# -icount shift=0 where one virtual nanosecond is one instruction:
# instructions per utterance at full depth and with early exit, instructions per MAC of the token-batched int8 GEMM
# (portable reference vs the Arm DSP kernel, at 1, 12 and 32 tokens), image, arena and code bytes, and latencies
# ESTIMATED from the instruction counts at each board's clock; and, in the same run, the Cortex-M4 instructions of
# the same int8 model under the per-token GEMV runtime of an earlier revision (NI_BENCH_BASELINE, built from a
# temporary git worktree) next to the current token-batched runtime. Prints a table and writes bench/results/mcu.md.
#   NI_BENCH_IMAGE=path      the image to measure (default: build/images/snips-int8.nimg, packed by
#                            scripts/test-native-mcu.sh from models/snips)
#   NI_BENCH_BASELINE=rev    the per-token revision to compare with (default 355e754, the last one before image
#                            format 2; it reads the version-1 twin of the image, bench/mcu/int8-image-version.py)
#   NI_BENCH_W1A1_IMAGE=path the W1A1 image of the same teacher, measured on Cortex-M4 in the same run next to the
#                            int8 one (default: build/images/snips-w1a1.nimg when it exists; pack it as docs/results.md
#                            says: `modelpacker pack --model <w1a1 checkpoint> --scheme w1a1 --board esp32-wrover`,
#                            then `modelpacker calibrate --max-accuracy-drop 1`)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
image="${NI_BENCH_IMAGE:-$root/build/images/snips-int8.nimg}"
if [ ! -f "$image" ]; then
  NI_MCU_TARGETS="arm-cortex-m4" scripts/test-native-mcu.sh >/dev/null || true
fi
[ -f "$image" ] || { echo "bench/mcu: no image at $image (pack models/snips or set NI_BENCH_IMAGE)" >&2; exit 1; }
image_name="$(basename "$image" .nimg)"
image_name="${image_name//[^A-Za-z0-9_-]/_}"
image_bytes=$(stat -c %s "$image")

clock_of() { grep -oE '"clock_hz": *[0-9]+' "boards/$1.json" | grep -oE '[0-9]+$'; }

declare -A qemu=(
  [arm-cortex-m4]="qemu-system-arm -M netduinoplus2"
  [arm-cortex-m7]="qemu-system-arm -M mps2-an500"
  [riscv32-rv32imc]="qemu-system-riscv32 -M virt -bios none"
)
declare -A prefix=([arm-cortex-m4]=arm-none-eabi- [arm-cortex-m7]=arm-none-eabi- [riscv32-rv32imc]=riscv64-unknown-elf-)
run() { # target elf
  ${qemu[$1]} -nographic -monitor none -serial none -icount shift=0 \
    -semihosting-config enable=on,target=native -kernel "$2" 2>&1
}

out="bench/results/mcu.md"
tmp="$(mktemp)"
baseline_tree=""
cleanup() {
  rm -f "$tmp"
  if [ -n "$baseline_tree" ]; then git -C "$root" worktree remove --force "$baseline_tree" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
{
  echo "# MCU instruction counts (int8 image \`$image_name\`, $image_bytes bytes)"
  echo
  echo "Measured by \`bench/mcu/run.sh\` under QEMU 7.2 with \`-icount shift=0\` (one instruction per virtual"
  echo "nanosecond; TIM2 on netduinoplus2, rdinstret on riscv32 virt, SysTick on mps2-an500). These are **instruction counts, not cycles**:"
  echo "QEMU models no pipeline, caches or flash wait states, so every latency below is an **estimate** = instructions"
  echo "/ clock, a lower bound on a real part (flash wait states, cache misses and load-use stalls add to it)."
  echo
} >"$tmp"

for t in arm-cortex-m4 riscv32-rv32imc arm-cortex-m7; do
  build="$root/build/bench-mcu-$t"
  cmake -S native-kernels -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$root/native-kernels/cmake/$t.cmake" -DNI_MCU_IMAGES="$image_name=$image" -DNI_MCU_PROFILE=ON >/dev/null
  cmake --build "$build" -j2 >/dev/null
  harness="$build/mcu/ni_harness_$image_name"
  hlog="$(run "$t" "$harness")" || { echo "$hlog" | tail -5; echo "bench/mcu: harness failed on $t" >&2; exit 1; }
  glog="$(run "$t" "$build/mcu/ni_gemm_count")" || { echo "$glog"; echo "bench/mcu: gemm count failed on $t" >&2; exit 1; }
  plog="$(run "$t" "$build/mcu/ni_profile_$image_name")" || { echo "$plog" | tail -5; echo "bench/mcu: profile failed on $t" >&2; exit 1; }

  line="$(echo "$hlog" | grep '^instructions ')"
  full=$(echo "$line" | sed -E 's/.*full depth mean ([0-9]+).*/\1/')
  early=$(echo "$line" | sed -E 's/.*early exit mean ([0-9]+).*/\1/')
  arena=$(echo "$line" | sed -E 's/.*arena ([0-9]+) bytes.*/\1/')
  summary="$(echo "$hlog" | grep '^summary ')"
  mean_exit=$(echo "$summary" | sed -E 's/.*mean exit layer ([0-9.]+ of [0-9]+).*/\1/')
  utterances=$(echo "$summary" | sed -E 's/.*: ([0-9]+) utterances.*/\1/')
  dims="$(echo "$hlog" | grep '^model: ' | sed -E 's/^model: ([^,]+),.*/\1/')"
  split="$(echo "$hlog" | grep '^full depth ')"
  s_embed=$(echo "$split" | sed -E 's/.*embed ([0-9]+).*/\1/')
  s_layers=$(echo "$split" | sed -E 's/.*layers ([0-9]+).*/\1/')
  s_heads=$(echo "$split" | sed -E 's/.*exit heads ([0-9]+).*/\1/')
  s_macs=$(echo "$split" | sed -E 's/.*; ([0-9]+) MACs.*/\1/')
  s_permac=$(echo "$split" | sed -E 's/.*MACs, ([0-9.]+) instructions per MAC.*/\1/')
  open_n=$(echo "$line" | sed -E 's/.*open ([0-9]+),.*/\1/')
  prof="$(echo "$plog" | grep '^gemm profile ')"
  g_instr=$(echo "$prof" | sed -E 's/.* MACs, ([0-9]+) instructions.*/\1/')
  g_macs=$(echo "$prof" | sed -E 's/.* calls, ([0-9]+) MACs.*/\1/')
  g_calls=$(echo "$prof" | sed -E 's/.*: ([0-9]+) calls.*/\1/')
  g_permac=$(echo "$prof" | sed -E 's/.*\(([0-9.]+) per MAC\).*/\1/')
  lnprof="$(echo "$plog" | grep '^layernorm profile ')"
  ln_instr=$(echo "$lnprof" | sed -E 's/.* elements, ([0-9]+) instructions.*/\1/')
  ln_per=$(echo "$lnprof" | sed -E 's/.*\(([0-9.]+) per element\).*/\1/')
  # code: the linked harness minus the image it carries (kernels + runtime + loader + harness + libc), and the
  # kernel library's own text
  read -r text data bss _ < <("${prefix[$t]}size" "$harness" | tail -1)
  code=$((text - image_bytes))
  lib_text=$("${prefix[$t]}size" -t "$build/libnano_intent"*.a 2>/dev/null | tail -1 | awk '{print $1}')

  case "$t" in
    arm-cortex-m4) title="Cortex-M4F (QEMU netduinoplus2 = STM32F405; TIM2, exact)"; boards="qemu-netduinoplus2 b-l475e-iot01a" ;;
    riscv32-rv32imc) title="RV32IMC (QEMU riscv32 virt, the ESP32-C3 instruction set; rdinstret, exact)"; boards="esp32-c3" ;;
    arm-cortex-m7) title="Cortex-M7 (QEMU mps2-an500; SysTick, counts to within 40 instructions)"; boards="stm32f769i-disco" ;;
  esac
  {
    echo "## $title"
    echo
    echo "| quantity | value |"
    echo "|---|---|"
    echo "| model | $dims |"
    echo "| utterances (test vectors) | $utterances |"
    echo "| instructions / utterance, full depth (mean) | $full |"
    echo "| instructions / utterance, early exit (mean) | $early |"
    echo "| mean exit layer (with the image's thresholds) | $mean_exit |"
    echo "| full depth per utterance: embed / layers / exit heads | $s_embed / $s_layers / $s_heads |"
    echo "| MACs per utterance (linear layers + attention), instructions per MAC overall | $s_macs, $s_permac |"
    awk -v gi="$g_instr" -v gm="$g_macs" -v gc="$g_calls" -v gp="$g_permac" -v u="$utterances" -v f="$full" 'BEGIN {
      per = gi / u   # counted in the full-depth pass of every utterance
      printf "| of which in the GEMM tiles (%d calls per utterance) | %.0f instructions (%.0f%%), %s per MAC |\n", gc / u, per, 100 * per / f, gp }'
    awk -v li="$ln_instr" -v lp="$ln_per" -v u="$utterances" -v f="$full" 'BEGIN {
      per = li / u
      printf "| of which in LayerNorm | %.0f instructions (%.0f%%), %s per element |\n", per, 100 * per / f, lp }'
    echo "| ni_open (validates every byte: CRC-32 + SHA-256) | $open_n instructions, once at boot |"
    echo "| image bytes (flash) | $image_bytes |"
    echo "| arena bytes (RAM) | $arena |"
    echo "| code bytes (linked harness text without the image) | $code |"
    echo "| kernel library text bytes (\`size -t\`, all objects) | $lib_text |"
    for b in $boards; do
      hz=$(clock_of "$b")
      awk -v b="$b" -v hz="$hz" -v f="$full" -v e="$early" 'BEGIN {
        printf "| estimated latency at %s (%d MHz), full / early exit | %.2f ms / %.2f ms |\n", b, hz/1e6, f/hz*1e3, e/hz*1e3 }'
    done
    echo
    echo "Token-batched int8 GEMM, instructions per multiply-accumulate (\`ni_gemm_count\`: every 8-row tile of the layer"
    echo "over the tokens, counter overhead subtracted; \`dispatch\` = what the runtime calls):"
    echo
    echo "| kernel | shape (rows x cols x tokens) | instructions | per MAC |"
    echo "|---|---|---|---|"
    echo "$glog" | grep -E '^gemm (ref|dispatch) ' | awk '{printf "| %s | %s | %s | %s |\n", $2, $3, $7, $9}'
    echo
  } >>"$tmp"
done

# ---- before vs after the token-batched GEMM: the same int8 model, Cortex-M4, one run ----
baseline="${NI_BENCH_BASELINE:-355e754}"
m4_line="$(run arm-cortex-m4 "$root/build/bench-mcu-arm-cortex-m4/mcu/ni_harness_$image_name" | grep '^instructions ')"
if python3 bench/mcu/int8-image-version.py --to 1 "$image" "$root/build/bench-mcu-baseline.nimg" 2>"$root/build/bench-mcu-baseline.err"; then
  baseline_tree="$(mktemp -d)"
  rmdir "$baseline_tree"
  git -C "$root" worktree add --detach "$baseline_tree" "$baseline" >/dev/null 2>&1 \
    || { echo "bench/mcu: cannot check out $baseline" >&2; exit 1; }
  bbuild="$root/build/bench-mcu-baseline-m4"
  rm -rf "$bbuild"   # its cache names the previous run's temporary worktree
  cmake -S "$baseline_tree/native-kernels" -B "$bbuild" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$baseline_tree/native-kernels/cmake/arm-cortex-m4.cmake" \
    -DNI_MCU_IMAGES="$image_name=$root/build/bench-mcu-baseline.nimg" >/dev/null
  cmake --build "$bbuild" -j2 --target "ni_harness_$image_name" >/dev/null
  # The baseline predates the one-reciprocal LayerNorm (docs/numerics.md), so its outputs may differ from the image's
  # test vectors by a step and its harness then reports a mismatch: its instruction counts are still those of the
  # same work, so they are kept (and the table says so); a harness that prints no counts is an error.
  b_ok=1
  blog="$(run arm-cortex-m4 "$bbuild/mcu/ni_harness_$image_name")" || b_ok=0
  # A baseline that cannot open the twin at all (355e754 rejects the NORMALIZER of image format 3 and later, which
  # the version-1 twin carries over) prints no counts: the table says so and the rest of the benchmark runs.
  b_line="$(echo "$blog" | grep '^instructions ')" || b_line=""
  field() { echo "$1" | sed -E "s/.*$2 ([0-9]+).*/\1/"; }
  if [ -z "$b_line" ]; then
    { echo "## Before / after the token-batched GEMM"; echo
      echo "Not measured in this run: the $baseline harness printed no counts ($(echo "$blog" | grep -m1 'FAIL' || echo 'no output'))."
      echo "Its loader predates the NORMALIZER of image format 3; the measurement is in docs/results.md."; echo; } >>"$tmp"
  else
  {
    echo "## Before / after the token-batched GEMM (Cortex-M4, the same int8 model, this run)"
    echo
    echo "\`$baseline\` runs every linear layer as one GEMV per token (each weight row read once per token and layer);"
    echo "the current runtime runs it once over all the utterance's tokens in row tiles (each weight row read and"
    if [ "$b_ok" = 1 ]; then
      echo "expanded once per utterance and layer). Same weights, same test vectors, identical logits."
    else
      echo "expanded once per utterance and layer). Same weights and test vectors; $baseline's LayerNorm (one division"
      echo "per element) differs from the current one by at most a step, so its logits no longer match the image's test"
      echo "vectors exactly and its early-exit count is approximate."
    fi
    echo
    echo "| | $baseline (per-token GEMV) | current (token-batched GEMM) | change |"
    echo "|---|---|---|---|"
    for q in "full depth mean:per utterance full depth mean" "early exit mean:early exit mean" "arena:arena"; do
      label="${q%%:*}"; key="${q#*:}"
      bv=$(field "$b_line" "$key"); cv=$(field "$m4_line" "$key")
      awk -v l="$label" -v b="$bv" -v c="$cv" 'BEGIN { printf "| %s%s | %d | %d | %+.1f%% |\n", l, l == "arena" ? " (bytes)" : " (instructions / utterance)", b, c, 100 * (c - b) / b }'
    done
    echo
  } >>"$tmp"
  fi
else
  { echo "## Before / after the token-batched GEMM"; echo; echo "Not measured: $(cat "$root/build/bench-mcu-baseline.err")"; echo; } >>"$tmp"
fi

# ---- W1A1 next to int8: the binarized model of the same teacher, Cortex-M4, this run ----
w1a1="${NI_BENCH_W1A1_IMAGE:-$root/build/images/snips-w1a1.nimg}"
if [ -f "$w1a1" ]; then
  wname="$(basename "$w1a1" .nimg)"; wname="${wname//[^A-Za-z0-9_-]/_}"
  wbuild="$root/build/bench-mcu-w1a1-m4"
  cmake -S native-kernels -B "$wbuild" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$root/native-kernels/cmake/arm-cortex-m4.cmake" -DNI_MCU_IMAGES="$wname=$w1a1" -DNI_MCU_PROFILE=ON >/dev/null
  cmake --build "$wbuild" -j2 --target "ni_harness_$wname" "ni_profile_$wname" >/dev/null
  wlog="$(run arm-cortex-m4 "$wbuild/mcu/ni_harness_$wname")" || { echo "$wlog" | tail -5; echo "bench/mcu: W1A1 harness failed" >&2; exit 1; }
  wplog="$(run arm-cortex-m4 "$wbuild/mcu/ni_profile_$wname")" || { echo "$wplog" | tail -5; echo "bench/mcu: W1A1 profile failed" >&2; exit 1; }
  m4_prof="$(run arm-cortex-m4 "$root/build/bench-mcu-arm-cortex-m4/mcu/ni_profile_$image_name" | grep '^gemm profile ')"
  m4_sum="$(run arm-cortex-m4 "$root/build/bench-mcu-arm-cortex-m4/mcu/ni_harness_$image_name" | grep '^summary ')"
  w_line="$(echo "$wlog" | grep '^instructions ')"; w_sum="$(echo "$wlog" | grep '^summary ')"; w_prof="$(echo "$wplog" | grep '^gemm profile ')"
  num() { echo "$1" | sed -E "s/.*$2 ([0-9]+).*/\1/"; }
  exitl() { echo "$1" | sed -E 's/.*mean exit layer ([0-9.]+) of ([0-9]+).*/\1 of \2/'; }
  permac() { echo "$1" | sed -E 's/.*\(([0-9.]+) per MAC\).*/\1/'; }
  w_bytes=$(stat -c %s "$w1a1")
  {
    echo "## W1A1 next to int8: the same teacher binarized (Cortex-M4, this run)"
    echo
    echo "\`$wname\` (scheme W1A1: 1-bit weights, activations and embeddings, Bi-Attention, int8 exit classifiers)"
    echo "against \`$image_name\` (int8), both with their own calibrated early-exit thresholds, each over its own"
    echo "test vectors (the same test utterances when both were packed with the default 32)."
    echo
    echo "| | int8 | W1A1 | W1A1 / int8 |"
    echo "|---|---|---|---|"
    for q in "full depth mean:per utterance full depth mean" "early exit mean:early exit mean" "arena:arena"; do
      label="${q%%:*}"; key="${q#*:}"
      iv=$(num "$m4_line" "$key"); wv=$(num "$w_line" "$key")
      awk -v l="$label" -v i="$iv" -v w="$wv" 'BEGIN { printf "| %s%s | %d | %d | %.3f |\n", l, l == "arena" ? " (bytes)" : " (instructions / utterance)", i, w, w / i }'
    done
    echo "| mean exit layer (image thresholds) | $(exitl "$m4_sum") | $(exitl "$w_sum") | |"
    echo "| GEMM tiles, instructions per MAC (binary MAC for W1A1, int8 classifiers included) | $(permac "$m4_prof") | $(permac "$w_prof") | |"
    awk -v i="$image_bytes" -v w="$w_bytes" 'BEGIN { printf "| image bytes (with test vectors) | %d | %d | %.3f |\n", i, w, w / i }'
    echo
  } >>"$tmp"
fi

{
  echo "Cortex-M7 latencies are estimates from instruction counts like the others; its dual-issue pipeline (not"
  echo "modelled) makes the real part faster per instruction than the Cortex-M4."
  echo
  echo "Reproduce: \`bench/mcu/run.sh\` (image: \`NI_BENCH_IMAGE=...\`, default the SNIPS image packed and calibrated by"
  echo "\`scripts/test-native-mcu.sh\`)."
} >>"$tmp"
mv "$tmp" "$out"
cleanup
trap - EXIT
cat "$out"
