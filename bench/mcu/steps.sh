#!/usr/bin/env bash
# Where the instructions of one utterance go, step by step of a layer, on Cortex-M4 (QEMU netduinoplus2, TIM2,
# -icount shift=0: exact instruction counts, not cycles). The profiling harness (native-kernels/mcu/harness.c,
# NI_MCU_PROFILE=ON) runs every test vector of the image at full depth against a library built with the runtime's
# step marks (native-kernels/src/runtime/ni_profile.h) and charges the instructions between two marks to a step,
# the GEMM tiles among them to its GEMM column. The same table for a baseline revision (built from a temporary git
# worktree; it must have the step marks) goes next to it. Prints the table and writes bench/results/mcu-steps.md.
#   NI_STEPS_IMAGE=path     the image (default: build/images/snips-w1a1.nimg)
#   NI_STEPS_BASELINE=rev   the revision to compare with (default: ea47425, the first with the step marks; "none":
#                           no comparison)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
image="$(realpath "${NI_STEPS_IMAGE:-$root/build/images/snips-w1a1.nimg}")"
[ -f "$image" ] || { echo "bench/mcu/steps: no image at $image (set NI_STEPS_IMAGE)" >&2; exit 1; }
name="$(basename "$image" .nimg)"; name="${name//[^A-Za-z0-9_-]/_}"
baseline="${NI_STEPS_BASELINE:-ea47425}"
out="bench/results/mcu-steps.md"
tmp="$(mktemp)"
tree=""
cleanup() {
  rm -f "$tmp"
  if [ -n "$tree" ]; then git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

profile() { # source-tree build-dir -> the profiling harness's step lines and its summary
  cmake -S "$1/native-kernels" -B "$2" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$1/native-kernels/cmake/arm-cortex-m4.cmake" -DNI_MCU_IMAGES="$name=$image" \
    -DNI_MCU_PROFILE=ON >/dev/null
  cmake --build "$2" -j2 --target "ni_profile_$name" "ni_harness_$name" >/dev/null
  local q=(qemu-system-arm -M netduinoplus2 -nographic -monitor none -serial none -icount shift=0
           -semihosting-config enable=on,target=native -kernel)
  "${q[@]}" "$2/mcu/ni_profile_$name" 2>&1 | grep -E '^(step |summary )' \
    || { echo "bench/mcu/steps: the profile of $1 printed no steps" >&2; exit 1; }
  "${q[@]}" "$2/mcu/ni_harness_$name" 2>&1 | grep -E '^instructions ' | sed 's/^/plain /'
}

cur="$(profile "$root" "$root/build/bench-steps-m4")"
base=""
if [ "$baseline" != none ]; then
  tree="$(mktemp -d)"; rmdir "$tree"
  git -C "$root" worktree add --detach "$tree" "$baseline" >/dev/null 2>&1 \
    || { echo "bench/mcu/steps: cannot check out $baseline" >&2; exit 1; }
  rm -rf "$root/build/bench-steps-base-m4"
  base="$(profile "$tree" "$root/build/bench-steps-base-m4")"
fi
grep -q ' 0 mismatches' <<<"$(grep '^summary ' <<<"$cur")" || { echo "bench/mcu/steps: the image's test vectors do not match" >&2; exit 1; }

{
  echo "# Cortex-M4 instructions per step of an utterance (\`$name\`, full depth)"
  echo
  echo "Measured by \`bench/mcu/steps.sh\` under QEMU 7.2 (netduinoplus2, TIM2, \`-icount shift=0\`): exact instruction"
  echo "counts, not cycles. Per utterance at full depth, mean over the image's $(sed -E 's/.*: ([0-9]+) utterances.*/\1/' <<<"$(grep '^summary ' <<<"$cur")") test vectors;"
  echo "every layer step summed over the model's layers. \`GEMM\` = inside the GEMM tiles, \`rest\` = the step's"
  echo "other work (input packing, epilogues, residual, tables). The profiled build counts each GEMM tile, which adds"
  echo "a little to \`rest\`; the last rows give the harness's own totals without any counting."
  echo
  if [ -n "$base" ]; then
    echo "| step | $baseline total | $baseline GEMM | $baseline rest | current total | current GEMM | current rest | change |"
    echo "|---|---|---|---|---|---|---|---|"
  else
    echo "| step | total | GEMM | rest |"
    echo "|---|---|---|---|"
  fi
  awk -v has_base="${base:+1}" -F': ' '
    FNR == 1 { file++ }  # 1 = the baseline (empty without one), 2 = the current tree
    /^step / && NF == 3 { split($3, v, " "); key = $2; if (!(key in seen)) { seen[key] = 1; order[++k] = key }
                          tot[file, key] = v[1]; gem[file, key] = v[2]; sum[file] += v[1]; sg[file] += v[2] }
    /^plain / { match($0, /full depth mean [0-9]+/); plain[file] = substr($0, RSTART + 16, RLENGTH - 16) }
    END {
      for (i = 1; i <= k; i++) {
        key = order[i]
        if (has_base)
          printf "| %s | %d | %d | %d | %d | %d | %d | %+.1f%% |\n", key, tot[1, key], gem[1, key], tot[1, key] - gem[1, key],
                 tot[2, key], gem[2, key], tot[2, key] - gem[2, key], tot[1, key] ? 100 * (tot[2, key] - tot[1, key]) / tot[1, key] : 0
        else
          printf "| %s | %d | %d | %d |\n", key, tot[2, key], gem[2, key], tot[2, key] - gem[2, key]
      }
      if (has_base) {
        printf "| **sum (profiled build)** | %d | %d | %d | %d | %d | %d | %+.1f%% |\n", sum[1], sg[1], sum[1] - sg[1], sum[2], sg[2], sum[2] - sg[2], 100 * (sum[2] - sum[1]) / sum[1]
        printf "| **harness, no counting** | %d | | | %d | | | %+.1f%% |\n", plain[1], plain[2], 100 * (plain[2] - plain[1]) / plain[1]
      } else {
        printf "| **sum (profiled build)** | %d | %d | %d |\n", sum[2], sg[2], sum[2] - sg[2]
        printf "| **harness, no counting** | %d | | |\n", plain[2]
      }
    }' <(echo "$base") <(echo "$cur")
  echo
  echo "Reproduce: \`NI_STEPS_IMAGE=<image> bench/mcu/steps.sh\` (baseline: \`NI_STEPS_BASELINE=<rev>\`)."
} >"$tmp"
mv "$tmp" "$out"
cleanup
trap - EXIT
cat "$out"
