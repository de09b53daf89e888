#!/usr/bin/env bash
# Set-up shared by every test stage: the .NET SDK must be on PATH, python3 is installed when missing, and the
# solution's NuGet packages are restored.
# The native stages install their own Debian packages when missing (scripts/test-native-host.sh: CMake, gcc,
# clang with libFuzzer; scripts/test-native-mcu.sh: the Arm and RISC-V cross compilers, picolibc, QEMU).
set -euo pipefail
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
# python3 reads eval's JSON in scripts/pack-test-images.sh and bench/runtime/run.sh
if ! command -v python3 >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then echo "setup: python3 is missing and apt-get needs root" >&2; exit 1; fi
  echo "setup: installing python3"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends python3-minimal >/dev/null
fi
dotnet restore nano.sln -nologo -v quiet
