#!/usr/bin/env bash
# Runs every test of the project from a fresh clone: installs what is missing, restores and builds the .NET
# solution, builds the native kernels for the host and the microcontroller targets, packs the bundled models into
# flash images, and runs xunit, ctest (host) and ctest under QEMU (Cortex-M4, Cortex-M7, RV32IMC).
# Ends with one line "tests: N passed, N failed"; exits non-zero when anything failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/lib/summary.sh

scripts/setup.sh || { echo "setup failed"; exit 1; }

stage "dotnet build" dotnet build nano.sln -c Release -nologo -v quiet
stage "pack test images" scripts/pack-test-images.sh
stage "native host (ctest, fuzz)" scripts/test-native-host.sh
stage "dotnet test" dotnet test nano.sln -c Release --no-build -nologo --logger "console;verbosity=normal"
stage "native on MCUs under QEMU (ctest)" scripts/test-native-mcu.sh

finish
