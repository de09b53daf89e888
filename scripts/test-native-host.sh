#!/usr/bin/env bash
# Host build and tests of native-kernels: configure + build + ctest (gcc), the same tests under ASan + UBSan,
# valgrind over the loader tests, then a bounded libFuzzer run of the image loader and the runtime (clang, ASan +
# UBSan). The long run (10 M executions per loader target) is bench/fuzz/run.sh.
#   NI_FUZZ_SECONDS  total fuzzing time (default 60; 0 skips fuzzing)
#   NI_FUZZ_RUNTIME_SECONDS  fuzzing of the integer runtime (fuzz_runtime, default 20; 0 skips it)
# Installs clang, libFuzzer (Debian's libclang-rt) and valgrind when missing (as root). Exits non-zero on the first
# failure, including a tool that is still missing after that.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nk="$root/native-kernels"
fuzz_seconds="${NI_FUZZ_SECONDS:-60}"
jobs="${NI_JOBS:-2}"

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v gcc >/dev/null || need+=(gcc)
command -v g++ >/dev/null || need+=(g++)   # the nanoFramework glue test (C++)
if ! command -v clang >/dev/null; then
  need+=(clang libclang-rt-14-dev)
elif [ ! -f "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
  need+=(libclang-rt-14-dev)   # libFuzzer and the sanitizer runtimes of Debian's clang
fi
command -v valgrind >/dev/null || need+=(valgrind)
source "$root/scripts/lib/apt-install.sh"
apt_install test-native-host "${need[@]}" || exit 1

echo "== host build (static + shared nano_intent, tests)"
cmake -S "$nk" -B "$nk/build/host" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$nk/build/host" -j"$jobs"
# image_csharp_write (a fixture) writes build/test-images with the C# ImageWriter before image_csharp_images runs.
ctest --test-dir "$nk/build/host" --output-on-failure

echo "== ASan + UBSan build"
cmake -S "$nk" -B "$nk/build/asan" -DCMAKE_BUILD_TYPE=Debug -DNI_SANITIZE=ON -DNI_BUILD_SHARED=OFF >/dev/null
cmake --build "$nk/build/asan" -j"$jobs"
# the C# images are already written: skip their setup fixture, load them under the sanitizers
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$nk/build/asan" --output-on-failure -E image_csharp_write -FA csharp_images

# installed above: a missing valgrind is a failure, not a skipped stage
if ! command -v valgrind >/dev/null; then echo "test-native-host: FAILED: valgrind not found after installing it" >&2; exit 1; fi
echo "== valgrind (loader tests)"
for t in test_image_valid test_image_tamper test_image_truncation; do
  valgrind -q --error-exitcode=1 --leak-check=full "$nk/build/host/tests/image/$t" >/dev/null
done
valgrind -q --error-exitcode=1 "$nk/build/host/tests/image/test_image_files" "$nk/build/test-images" >/dev/null
echo "valgrind: clean"

if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== libFuzzer (ASan + UBSan), ${fuzz_seconds}s"
  fz="$nk/build/fuzz"
  cmake -S "$nk" -B "$fz" -DCMAKE_C_COMPILER=clang -DNI_FUZZ=ON -DNI_BUILD_SHARED=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$fz" -j"$jobs" --target fuzz_image_open fuzz_image_structure fuzz_image_sections make_image_corpus
  rm -rf "$fz/seeds" && mkdir -p "$fz/seeds" "$fz/corpus"
  "$fz/tests/image/make_image_corpus" "$fz/seeds"
  cp "$nk/build/test-images/"*.nimg "$fz/seeds/" 2>/dev/null || true
  # 40 % on the structure (checksums not compared), 40 % on the shipped loader with checksums recomputed after
  # mutation (reaches the section parsers), 20 % on the shipped loader as is
  t_structure=$(( fuzz_seconds * 2 / 5 )); t_sections=$(( fuzz_seconds * 2 / 5 ))
  t_open=$(( fuzz_seconds - t_structure - t_sections ))
  for spec in "fuzz_image_structure:$t_structure" "fuzz_image_sections:$t_sections" "fuzz_image_open:$t_open"; do
    target="${spec%%:*}"; secs="${spec##*:}"
    [ "$secs" -gt 0 ] || continue
    mkdir -p "$fz/corpus/$target"
    log="$fz/$target.log"
    if ! "$fz/fuzz/$target" -max_total_time="$secs" -max_len=16384 -print_final_stats=1 -artifact_prefix="$fz/$target-" \
         "$fz/corpus/$target" "$fz/seeds" >"$log" 2>&1; then
      tail -40 "$log"; echo "test-native-host: $target found a crash (artifact in $fz)" >&2; exit 1
    fi
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
    echo "$target: ${secs}s, $execs executions, coverage $cov edges, corpus $(ls "$fz/corpus/$target" | wc -l) inputs, no crash"
  done
  runtime_secs="${NI_FUZZ_RUNTIME_SECONDS:-20}"
  if [ "$runtime_secs" -gt 0 ]; then
    # kernels and step API on input-chosen, validated params: no overflow (UBSan), no out-of-bounds access (ASan)
    cmake --build "$fz" -j"$jobs" --target fuzz_runtime
    mkdir -p "$fz/corpus/fuzz_runtime"
    log="$fz/fuzz_runtime.log"
    if ! "$fz/fuzz/fuzz_runtime" -max_total_time="$runtime_secs" -max_len=20000 -print_final_stats=1 \
         -artifact_prefix="$fz/fuzz_runtime-" "$fz/corpus/fuzz_runtime" >"$log" 2>&1; then
      tail -40 "$log"; echo "test-native-host: fuzz_runtime found a crash (artifact in $fz)" >&2; exit 1
    fi
    echo "fuzz_runtime: ${runtime_secs}s, $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') executions, coverage $(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?') edges, no crash"
  fi
fi
echo "test-native-host: ok"
