#!/usr/bin/env bash
# Installs what the build and the tests need and is missing on a fresh machine (Debian, root): CMake and a C
# compiler for the host kernels, clang with libFuzzer for the loader fuzz target, the Arm and RISC-V cross
# compilers with picolibc, and QEMU. The .NET SDK must already be there (restore fetches the NuGet packages).
set -euo pipefail
need=()
command -v cmake >/dev/null || need+=(cmake)
command -v gcc >/dev/null || need+=(gcc)
command -v clang >/dev/null || need+=(clang)
dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
command -v arm-none-eabi-gcc >/dev/null || need+=(gcc-arm-none-eabi libnewlib-arm-none-eabi)
dpkg -s picolibc-arm-none-eabi >/dev/null 2>&1 || need+=(picolibc-arm-none-eabi)
command -v riscv64-unknown-elf-gcc >/dev/null || need+=(gcc-riscv64-unknown-elf)
dpkg -s picolibc-riscv64-unknown-elf >/dev/null 2>&1 || need+=(picolibc-riscv64-unknown-elf)
command -v qemu-system-arm >/dev/null || need+=(qemu-system-arm)
command -v qemu-system-riscv32 >/dev/null || need+=(qemu-system-misc)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "setup: need root to apt-get install ${need[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
dotnet restore nano.sln -nologo -v quiet
