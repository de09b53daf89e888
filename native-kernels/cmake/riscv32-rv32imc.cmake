# Cross build for RV32IMC / ilp32 (the ESP32-C3's instruction set: no FPU, no atomics needed) with picolibc, run
# under QEMU's riscv32 `virt` machine (RAM at 0x80000000; the first 2 MB play the flash, the next 2 MB the SRAM).
# Debian ships no rv32imc multilib: picolibc's rv32im one links, which only lacks compressed instructions in libc.
# Under -icount shift=0, rdinstret counts retired instructions exactly.
#   cmake -S native-kernels -B build/mcu-rv32 -DCMAKE_TOOLCHAIN_FILE=native-kernels/cmake/riscv32-rv32imc.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(NI_MCU_TARGET rv32imc)
set(NI_MCU_CPU_FLAGS "-march=rv32imc -mabi=ilp32")
set(NI_MCU_MACHINE riscv32-virt)
set(NI_MCU_COUNTER rv32-instret)
set(NI_MCU_FLASH 0x80000000)
set(NI_MCU_FLASH_SIZE 0x200000)
set(NI_MCU_RAM 0x80200000)
set(NI_MCU_RAM_SIZE 0x200000)
set(NI_MCU_EMULATOR qemu-system-riscv32 -M virt -bios none)
set(NI_MCU_TOOL_PREFIX riscv64-unknown-elf-)
include(${CMAKE_CURRENT_LIST_DIR}/ni-mcu-common.cmake)
