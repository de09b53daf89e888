#!/usr/bin/env bash
# Set-up shared by every test stage: the .NET SDK must be on PATH, python3 is installed when missing, and the
# solution's NuGet packages are restored.
# The native stages install their own Debian packages when missing (scripts/test-native-host.sh: CMake, gcc,
# clang with libFuzzer; scripts/test-native-mcu.sh: the Arm and RISC-V cross compilers, picolibc, QEMU).
set -euo pipefail
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
# python3 reads eval's JSON in scripts/pack-test-images.sh and bench/runtime/run.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"
command -v python3 >/dev/null || apt_install setup python3-minimal
dotnet restore nano.sln -nologo -v quiet
