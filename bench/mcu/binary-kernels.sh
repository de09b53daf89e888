#!/usr/bin/env bash
# Instruction counts of the 1-bit kernels (native-kernels/include/nano_intent/ni_kernels_b1.h) on Cortex-M4 (QEMU
# netduinoplus2, TIM2), Cortex-M7 (mps2-an500, SysTick: to within 40 instructions) and RV32IMC (riscv32 virt,
# rdinstret), all under -icount shift=0: instructions per binary MAC of the token-batched GEMM at the SNIPS
# model's shapes for 16 and 32 tokens (the kernel each target links, the portable SWAR kernel, and two carry-save
# alternatives measured to see whether they pay), of Bi-Attention, and per element of the bit-packing.
# Prints a table and writes bench/results/mcu-binary-kernels.md. Needs the cross compilers and QEMU
# (scripts/test-native-mcu.sh installs them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

declare -A qemu=(
  [arm-cortex-m4]="qemu-system-arm -M netduinoplus2"
  [arm-cortex-m7]="qemu-system-arm -M mps2-an500"
  [riscv32-rv32imc]="qemu-system-riscv32 -M virt -bios none"
)
run() { # target elf
  ${qemu[$1]} -nographic -monitor none -serial none -icount shift=0 \
    -semihosting-config enable=on,target=native -kernel "$2" 2>&1
}

out="bench/results/mcu-binary-kernels.md"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
{
  echo "# MCU instruction counts of the 1-bit kernels"
  echo
  echo "Measured by \`bench/mcu/binary-kernels.sh\` (program \`native-kernels/mcu/b1_count.c\`) under QEMU 7.2 with"
  echo "\`-icount shift=0\` (one instruction per virtual nanosecond; TIM2 on netduinoplus2, rdinstret on riscv32 virt,"
  echo "SysTick on mps2-an500). These are **instruction counts, not cycles**: QEMU models no pipeline, caches or flash"
  echo "wait states. A binary MAC is one ±1 × ±1 product (one bit of a weight row against one bit of a token);"
  echo "a GEMM of rows × cols over n tokens is rows·cols·n binary MACs, Bi-Attention 2·n²·hidden (scores and context)."
  echo
  echo "GEMM variants: **ni_b1_gemm** is what the library links on that target (the Armv7E-M asm \`ni_b1_gemm_dsp\`"
  echo "on Cortex-M4/M7, the portable \`ni_b1_gemm_swar\` on RV32IMC); **swar** is the portable C kernel;"
  echo "**csa4** (carry-save adders over each 4-word chunk before counting) and **hsrow** (Harley-Seal along a whole"
  echo "row per token) are carry-save alternatives kept in the benchmark only, to measure whether they pay."
  echo
} >"$tmp"

for t in arm-cortex-m4 arm-cortex-m7 riscv32-rv32imc; do
  build="$root/build/bench-b1-$t"
  cmake -S native-kernels -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$root/native-kernels/cmake/$t.cmake" >/dev/null
  cmake --build "$build" -j2 --target ni_b1_count >/dev/null
  log="$(run "$t" "$build/mcu/ni_b1_count")" || { echo "$log"; echo "bench/mcu: ni_b1_count failed on $t" >&2; exit 1; }
  case "$t" in
    arm-cortex-m4) title="Cortex-M4F (QEMU netduinoplus2 = STM32F405; TIM2, exact)"; linked=dsp ;;
    arm-cortex-m7) title="Cortex-M7 (QEMU mps2-an500; SysTick, counts to within 40 instructions)"; linked=dsp ;;
    riscv32-rv32imc) title="RV32IMC (QEMU riscv32 virt, the ESP32-C3 instruction set; rdinstret, exact)"; linked=swar ;;
  esac
  {
    echo "## $title"
    echo
    echo "Binary GEMM, instructions per binary MAC (instructions in parentheses):"
    echo
    echo "| shape (rows x cols) | n | binary MACs | ni_b1_gemm ($linked) | swar | csa4 | hsrow |"
    echo "|---|---|---|---|---|---|---|"
    echo "$log" | awk -v linked="$linked" '
      $1 == "b1" && $2 == "gemm" {
        key = $4 " | " $6 " | " $8
        if (!(key in seen)) { seen[key] = 1; order[++k] = key }
        cell[key, $3] = $12 " (" $10 ")"
      }
      END {
        for (i = 1; i <= k; i++) {
          key = order[i]
          c = (key, "csa4") in cell ? cell[key, "csa4"] : "n/a (cols % 128)"
          printf "| %s | %s | %s | %s | %s |\n", key, cell[key, linked], cell[key, "swar"], c, cell[key, "hsrow"]
        }
      }'
    echo
    echo "| kernel | shape | work | instructions | per unit |"
    echo "|---|---|---|---|---|"
    echo "$log" | awk '$1 == "b1" && $2 == "attention" {
        printf "| ni_b1_attention | n %s, hidden %s, %s heads (threshold 0) | %s binary MACs | %s | %s per MAC |\n", $4, $6, $8, $10, $12, $14 }'
    echo "$log" | awk '$1 == "b1" && $2 == "pack" {
        printf "| ni_b1_pack_s8 | %s tokens x %s | %s elements | %s | %s per element |\n", $4, $6, $8, $10, $12 }'
    echo
  } >>"$tmp"
done

{
  echo "Carry-save (Harley-Seal) accumulation does not pay at these row lengths (3 to 12 words): over a 4-word"
  echo "chunk the adders cost what they save (csa4 is 0 to 9 % slower than swar), and along a row per token it re-reads the"
  echo "weights for every token and pays three final counts per row (hsrow, up to 1.7x swar). The kernels keep the"
  echo "plain SWAR count with its nibble and byte sums deferred across the words of a chunk."
  echo
  echo "Reproduce: \`bench/mcu/binary-kernels.sh\`. The test suites (\`kernels_b1\` on the host and under QEMU) check"
  echo "every variant against an element-by-element ±1 definition; \`ni_b1_count\` itself fails when a variant's"
  echo "output differs from the portable kernel's."
} >>"$tmp"
mv "$tmp" "$out"
trap - EXIT
cat "$out"
