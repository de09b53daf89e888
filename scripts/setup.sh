#!/usr/bin/env bash
# Set-up shared by every test stage: the .NET SDK must be on PATH, and the solution's NuGet packages are restored.
# The native stages install their own Debian packages when missing (scripts/test-native-host.sh: CMake, gcc,
# clang with libFuzzer; scripts/test-native-mcu.sh: the Arm and RISC-V cross compilers, picolibc, QEMU).
set -euo pipefail
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
dotnet restore nano.sln -nologo -v quiet
