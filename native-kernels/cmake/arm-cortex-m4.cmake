# Cross build for Cortex-M4F (STM32F4, e.g. STM32F405 / STM32L475) with picolibc, run under QEMU's netduinoplus2
# (STM32F405: 1 MB flash at 0x08000000, 128 KB SRAM at 0x20000000). Tests exit through semihosting, so ctest runs
# them in QEMU unchanged. -icount shift=0 makes one virtual nanosecond one instruction: the harness reads TIM2.
#   cmake -S native-kernels -B build/mcu-m4 -DCMAKE_TOOLCHAIN_FILE=native-kernels/cmake/arm-cortex-m4.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(NI_MCU_TARGET cortex-m4)
set(NI_MCU_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(NI_MCU_MACHINE netduinoplus2)
set(NI_MCU_COUNTER stm32-tim2)
set(NI_MCU_FLASH 0x08000000)
set(NI_MCU_FLASH_SIZE 0x100000)
set(NI_MCU_RAM 0x20000000)
set(NI_MCU_RAM_SIZE 0x20000)
set(NI_MCU_EMULATOR qemu-system-arm -M netduinoplus2)
# An image too large for the netduinoplus2's 1 MB flash runs on mps2-an386 (Cortex-M4F, 4 MB code memory at 0x0,
# 4 MB SRAM), same code, counted with SysTick (one step per 40 instructions).
set(NI_MCU_LARGE_MACHINE mps2-an386)
set(NI_MCU_LARGE_COUNTER armv7m-systick)
set(NI_MCU_LARGE_FLASH 0x00000000)
set(NI_MCU_LARGE_FLASH_SIZE 0x400000)
set(NI_MCU_LARGE_RAM 0x20000000)
set(NI_MCU_LARGE_RAM_SIZE 0x400000)
set(NI_MCU_LARGE_EMULATOR qemu-system-arm -M mps2-an386)
include(${CMAKE_CURRENT_LIST_DIR}/ni-mcu-common.cmake)
