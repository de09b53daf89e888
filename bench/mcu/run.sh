#!/usr/bin/env bash
# Instruction-count benchmark of the int8 SNIPS image on Cortex-M4 (QEMU netduinoplus2, TIM2) and RV32IMC (QEMU
# riscv32 virt, rdinstret), both under -icount shift=0 where one virtual nanosecond is one instruction:
# instructions per utterance at full depth and with early exit, instructions per MAC of the int8 GEMV (portable
# reference vs the Arm DSP kernel), image, arena and code bytes, and latencies ESTIMATED from the instruction counts
# at each board's clock. Prints a table and writes bench/results/mcu.md.
#   NI_BENCH_IMAGE=path   the image to measure (default: build/images/snips-int8.nimg, packed by
#                         scripts/test-native-mcu.sh from models/snips)
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
  [riscv32-rv32imc]="qemu-system-riscv32 -M virt -bios none"
)
declare -A prefix=([arm-cortex-m4]=arm-none-eabi- [riscv32-rv32imc]=riscv64-unknown-elf-)
run() { # target elf
  ${qemu[$1]} -nographic -monitor none -serial none -icount shift=0 \
    -semihosting-config enable=on,target=native -kernel "$2" 2>&1
}

out="bench/results/mcu.md"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
{
  echo "# MCU instruction counts (int8 image \`$image_name\`, $image_bytes bytes)"
  echo
  echo "Measured by \`bench/mcu/run.sh\` under QEMU 7.2 with \`-icount shift=0\` (one instruction per virtual"
  echo "nanosecond; TIM2 on netduinoplus2, rdinstret on riscv32 virt). These are **instruction counts, not cycles**:"
  echo "QEMU models no pipeline, caches or flash wait states, so every latency below is an **estimate** = instructions"
  echo "/ clock, a lower bound on a real part (flash wait states, cache misses and load-use stalls add to it)."
  echo
} >"$tmp"

for t in arm-cortex-m4 riscv32-rv32imc; do
  build="$root/build/bench-mcu-$t"
  cmake -S native-kernels -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$root/native-kernels/cmake/$t.cmake" -DNI_MCU_IMAGES="$image_name=$image" >/dev/null
  cmake --build "$build" -j2 >/dev/null
  harness="$build/mcu/ni_harness_$image_name"
  hlog="$(run "$t" "$harness")" || { echo "$hlog" | tail -5; echo "bench/mcu: harness failed on $t" >&2; exit 1; }
  glog="$(run "$t" "$build/mcu/ni_gemv_count")" || { echo "$glog"; echo "bench/mcu: gemv count failed on $t" >&2; exit 1; }

  line="$(echo "$hlog" | grep '^instructions ')"
  full=$(echo "$line" | sed -E 's/.*full depth mean ([0-9]+).*/\1/')
  early=$(echo "$line" | sed -E 's/.*early exit mean ([0-9]+).*/\1/')
  arena=$(echo "$line" | sed -E 's/.*arena ([0-9]+) bytes.*/\1/')
  summary="$(echo "$hlog" | grep '^summary ')"
  mean_exit=$(echo "$summary" | sed -E 's/.*mean exit layer ([0-9.]+ of [0-9]+).*/\1/')
  utterances=$(echo "$summary" | sed -E 's/.*: ([0-9]+) utterances.*/\1/')
  # code: the linked harness minus the image it carries (kernels + runtime + loader + harness + libc), and the
  # kernel library's own text
  read -r text data bss _ < <("${prefix[$t]}size" "$harness" | tail -1)
  code=$((text - image_bytes))
  lib_text=$("${prefix[$t]}size" -t "$build/libnano_intent"*.a 2>/dev/null | tail -1 | awk '{print $1}')

  if [ "$t" = arm-cortex-m4 ]; then
    title="Cortex-M4F (QEMU netduinoplus2 = STM32F405)"; boards="qemu-netduinoplus2 b-l475e-iot01a"
  else
    title="RV32IMC (QEMU riscv32 virt, the ESP32-C3 instruction set)"; boards="esp32-c3"
  fi
  {
    echo "## $title"
    echo
    echo "| quantity | value |"
    echo "|---|---|"
    echo "| utterances (test vectors) | $utterances |"
    echo "| instructions / utterance, full depth (mean) | $full |"
    echo "| instructions / utterance, early exit (mean) | $early |"
    echo "| mean exit layer | $mean_exit |"
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
    echo "int8 GEMV, instructions per multiply-accumulate (\`ni_gemv_count\`, counter overhead subtracted):"
    echo
    echo "| kernel | shape (rows x cols) | instructions | per MAC |"
    echo "|---|---|---|---|"
    echo "$glog" | grep -E '^gemv (ref|dsp) ' | awk '{printf "| %s | %s | %s | %s |\n", $2, $3, $7, $9}'
    echo
  } >>"$tmp"
done

{
  echo "The same instruction counts hold on the Cortex-M7 (same Thumb-2 + DSP code); the STM32F769I-DISCO at"
  echo "216 MHz would take about $(awk -v f="$(grep -m1 'full depth (mean)' "$tmp" | awk -F'|' '{print $3}')" 'BEGIN{printf "%.2f", f/216e6*1e3}') ms at full depth by the same estimate (before its"
  echo "dual-issue pipeline, which QEMU does not model, shortens it). Reproduce: \`bench/mcu/run.sh\`."
} >>"$tmp"
mv "$tmp" "$out"
trap - EXIT
cat "$out"
