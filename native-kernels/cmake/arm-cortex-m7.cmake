# Cross build for Cortex-M7 (STM32F7, e.g. STM32F769) with picolibc, run under QEMU's mps2-an500 (Cortex-M7:
# 4 MB code memory at 0x0, 4 MB SRAM at 0x20000000). Instructions are counted with SysTick, which under -icount
# shift=0 steps once per 40 instructions (QEMU does not model DWT->CYCCNT).
#   cmake -S native-kernels -B build/mcu-m7 -DCMAKE_TOOLCHAIN_FILE=native-kernels/cmake/arm-cortex-m7.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(NI_MCU_TARGET cortex-m7)
set(NI_MCU_CPU_FLAGS "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16")
set(NI_MCU_MACHINE mps2-an500)
set(NI_MCU_COUNTER armv7m-systick)
set(NI_MCU_FLASH 0x00000000)
set(NI_MCU_FLASH_SIZE 0x400000)
set(NI_MCU_RAM 0x20000000)
set(NI_MCU_RAM_SIZE 0x400000)
set(NI_MCU_EMULATOR qemu-system-arm -M mps2-an500)
include(${CMAKE_CURRENT_LIST_DIR}/ni-mcu-common.cmake)
