#!/usr/bin/env bash
# Builds the native kernels for Cortex-M4 (QEMU netduinoplus2), Cortex-M7 (mps2-an500) and RV32IMC (riscv32 virt)
# and runs their ctest suites inside QEMU: the cross-target kernel tests, and the bare-metal harness on every int8
# flash image (SNIPS and CLINC150, packed here from models/ with `modelpacker pack`), bit-exact at every layer.
# Installs the cross compilers and QEMU from apt when missing. Ends with one ctest line per target and exits
# non-zero when anything failed.
#   NI_MCU_IMAGES="snips=path;clinc150=path"  use these images instead of packing
#   NI_MCU_TARGETS="arm-cortex-m4 ..."         a subset of the targets
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# ---- toolchains and QEMU ----
need=()
command -v arm-none-eabi-gcc >/dev/null || need+=(gcc-arm-none-eabi libnewlib-arm-none-eabi)
dpkg -s picolibc-arm-none-eabi >/dev/null 2>&1 || need+=(picolibc-arm-none-eabi)
command -v riscv64-unknown-elf-gcc >/dev/null || need+=(gcc-riscv64-unknown-elf)
dpkg -s picolibc-riscv64-unknown-elf >/dev/null 2>&1 || need+=(picolibc-riscv64-unknown-elf)
command -v qemu-system-arm >/dev/null || need+=(qemu-system-arm)
command -v qemu-system-riscv32 >/dev/null || need+=(qemu-system-misc)
command -v cmake >/dev/null || need+=(cmake make)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-native-mcu: installing ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "test-native-mcu: need root to apt-get install ${need[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq || exit 1
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null || exit 1
fi

# ---- flash images ----
images="${NI_MCU_IMAGES:-}"
if [ -z "$images" ]; then
  img_dir="$root/build/images"
  mkdir -p "$img_dir"
  for model in snips clinc150; do
    out="$img_dir/$model-int8.nimg"
    if [ -d "models/$model" ]; then
      if [ ! -f "$out" ] || [ -n "$(find "models/$model" -newer "$out" -print -quit)" ]; then
        dll="tools/ModelPacker/bin/Release/net10.0/modelpacker.dll"
        [ -f "$dll" ] || dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null || exit 1
        echo "test-native-mcu: packing models/$model -> $out"
        dotnet "$dll" pack --model "models/$model" --scheme int8 --out "$out" || { echo "test-native-mcu: pack $model failed"; exit 1; }
      fi
    fi
    [ -f "$out" ] && images="${images:+$images;}$model=$out"
  done
fi
if [ -z "$images" ]; then
  echo "test-native-mcu: FAILED: no flash image to run (models/snips and models/clinc150 are missing; set NI_MCU_IMAGES)"
  exit 1
fi
echo "test-native-mcu: images: $images"

# ---- build and run each target ----
targets="${NI_MCU_TARGETS:-arm-cortex-m4 arm-cortex-m7 riscv32-rv32imc}"
status=0
summary=()
for t in $targets; do
  build="$root/build/mcu-$t"
  echo "==> $t"
  if ! cmake -S native-kernels -B "$build" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_TOOLCHAIN_FILE="$root/native-kernels/cmake/$t.cmake" -DNI_MCU_IMAGES="$images" >"$build.configure.log" 2>&1; then
    cat "$build.configure.log"; summary+=("$t: configure FAILED"); status=1; continue
  fi
  # keep going: what built still runs, and ctest reports what did not build as failed
  if ! cmake --build "$build" -j2 -- -k >"$build.build.log" 2>&1; then
    grep -E "error|Error" "$build.build.log" | head -20; summary+=("$t: build FAILED (see $build.build.log)"); status=1
  fi
  (cd "$build" && ctest -j2 --output-on-failure) | tee "$build.ctest.log"
  rc=${PIPESTATUS[0]}
  [ "$rc" -ne 0 ] && status=1
  # (worded unlike ctest's own line, which scripts/lib/summary.sh already counts)
  if read -r failed total < <(grep -aoE '[0-9]+ tests failed out of [0-9]+' "$build.ctest.log" | awk '{print $1, $6}'); then
    summary+=("$t: $((total - failed)) of $total passed under QEMU")
  else
    summary+=("$t: ctest did not run"); status=1
  fi
done
echo
printf '%s\n' "${summary[@]}"
exit $status
