#!/usr/bin/env bash
# Builds the native kernels for Cortex-M4 (QEMU netduinoplus2), Cortex-M7 (mps2-an500) and RV32IMC (riscv32 virt)
# and runs their ctest suites inside QEMU: the cross-target kernel and loader tests, and the bare-metal harness on
# every int8 flash image (see "flash images" below), bit-exact with the C# reference at every layer.
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
source "$root/scripts/lib/apt-install.sh"
apt_install test-native-mcu "${need[@]}" || exit 1

# ---- flash images ----
# 1. NI_MCU_IMAGES when given; else
# 2. the bundled models (models/snips, models/clinc150) packed to int8 with `modelpacker pack` against the
#    esp32-wrover profile (so packing also proves they fit that board's model partition and arena budget) and
#    given early-exit thresholds with `modelpacker calibrate` on the validation split;
# 3. the other images of the host runtime test (native-kernels/build/test-images/runtime, expected logits from the
#    C# integer reference): random models, written by `dotnet test --filter IntegerImageTests` when none are there
#    yet, and the tiny trained model cli-tiny.nii when PackCommandTests (xunit) has already written it.
images="${NI_MCU_IMAGES:-}"
if [ -z "$images" ]; then
  img_dir="$root/build/images"
  mkdir -p "$img_dir"
  dll="tools/ModelPacker/bin/Release/net10.0/modelpacker.dll"
  datasets="${NANO_INTENT_DATASETS:-$root/../shared/datasets}"
  for model in snips clinc150; do
    out="$img_dir/$model-int8.nimg"
    if [ -d "models/$model" ]; then
      # repacked when the model or the packer changed (a packer from another image version writes other bytes)
      if [ ! -f "$out" ] || [ -n "$(find "models/$model" -newer "$out" -print -quit)" ] || [ "$dll" -nt "$out" ]; then
        [ -f "$dll" ] || dotnet build tools/ModelPacker -c Release -nologo -v quiet >/dev/null || exit 1
        board=(--board esp32-wrover)
        echo "test-native-mcu: packing models/$model -> $out (${board[*]})"
        dotnet "$dll" pack --model "models/$model" --scheme int8 "${board[@]}" --out "$out.tmp" \
          || { echo "test-native-mcu: FAILED: pack models/$model"; exit 1; }
        # early-exit thresholds chosen on the validation split, as a deployed image has them
        dotnet "$dll" calibrate --image "$out.tmp" --data "$datasets/$model" >/dev/null \
          || { echo "test-native-mcu: FAILED: calibrate $model"; exit 1; }
        mv "$out.tmp" "$out"
      fi
      images="${images:+$images;}$model=$out"
    fi
  done
  runtime_dir="$root/native-kernels/build/test-images/runtime"
  # (random-*.nii: the packed models/<name>.nii and cli-tiny.nii in the same directory are not these)
  if ! ls "$runtime_dir"/random-*.nii >/dev/null 2>&1; then
    echo "test-native-mcu: writing the C# test images (dotnet test --filter IntegerImageTests)"
    if [ ! -f native-kernels/build/host/libnano_intent.so ]; then # the tests check the images against the host C runtime
      { cmake -S native-kernels -B native-kernels/build/host -DCMAKE_BUILD_TYPE=Release >/dev/null \
        && cmake --build native-kernels/build/host -j2 --target nano_intent_shared >/dev/null; } \
        || echo "test-native-mcu: could not build the host library native-kernels/build/host"
    fi
    NANO_INTENT_RUNTIME_IMAGES="$runtime_dir" dotnet test tests/ModelPacker.Tests -c Release -nologo -v quiet \
      --filter "FullyQualifiedName~IntegerImageTests" >"$root/build/IntegerImageTests.log" 2>&1 \
      || { tail -30 "$root/build/IntegerImageTests.log"
           echo "test-native-mcu: FAILED: dotnet test --filter IntegerImageTests (writes the random test images)"; exit 1; }
  fi
  for f in "$runtime_dir"/*.nii; do
    [ -f "$f" ] || continue
    # scripts/pack-test-images.sh packs models/<name> there too: the calibrated image above already covers it
    [ -d "models/$(basename "$f" .nii)" ] && continue
    name="runtime-$(basename "$f" .nii)"
    images="${images:+$images;}${name//[^A-Za-z0-9_-]/_}=$f"
  done
fi
if [ -z "$images" ]; then
  echo "test-native-mcu: FAILED: no flash image to run (no models/snips, models/clinc150 or C# test images; set NI_MCU_IMAGES)"
  exit 1
fi
echo "test-native-mcu: images: $images"

# ---- build and run each target ----
targets="${NI_MCU_TARGETS:-arm-cortex-m4 arm-cortex-m7 riscv32-rv32imc}"
mkdir -p "$root/build" # the build logs go there (with NI_MCU_IMAGES set, nothing above created it)
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
