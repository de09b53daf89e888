# Shared part of the microcontroller toolchain files: the caller sets NI_MCU_CPU_FLAGS, the memory map
# (NI_MCU_FLASH/_SIZE, NI_MCU_RAM/_SIZE), NI_MCU_EMULATOR (the QEMU machine) and optionally NI_MCU_TOOL_PREFIX.
# picolibc's semihost crt0 provides the vector table/startup and turns main's return value into QEMU's exit status;
# its linker script places .text/.rodata in the flash region, so a const array is read in place from flash.
if(NOT DEFINED NI_MCU_TOOL_PREFIX)
  set(NI_MCU_TOOL_PREFIX arm-none-eabi-)
endif()
set(CMAKE_C_COMPILER ${NI_MCU_TOOL_PREFIX}gcc)
set(CMAKE_ASM_COMPILER ${NI_MCU_TOOL_PREFIX}gcc)
set(CMAKE_AR ${NI_MCU_TOOL_PREFIX}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${NI_MCU_TOOL_PREFIX}ranlib CACHE FILEPATH "")
set(CMAKE_OBJCOPY ${NI_MCU_TOOL_PREFIX}objcopy CACHE FILEPATH "")
set(CMAKE_SIZE ${NI_MCU_TOOL_PREFIX}size CACHE FILEPATH "")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# The stack starts at the top of RAM (picolibc's __stack) and may use all RAM above .bss: the 2 KB .stack section
# of picolibc's linker script only checks that much is left.

set(CMAKE_C_FLAGS_INIT "${NI_MCU_CPU_FLAGS} --specs=picolibc.specs -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${NI_MCU_CPU_FLAGS} --specs=picolibc.specs")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "--oslib=semihost --crt0=semihost -Wl,--gc-sections -Wl,--defsym=__flash=${NI_MCU_FLASH},--defsym=__flash_size=${NI_MCU_FLASH_SIZE},--defsym=__ram=${NI_MCU_RAM},--defsym=__ram_size=${NI_MCU_RAM_SIZE}")

# ctest prepends this to every test command; the test executable follows -kernel. -icount shift=0 makes the guest
# clock advance one nanosecond per instruction, which makes the counters exact and repeatable.
set(NI_MCU_QEMU_ARGS -nographic -monitor none -serial none -icount shift=0
    -semihosting-config enable=on,target=native -kernel)
set(CMAKE_CROSSCOMPILING_EMULATOR ${NI_MCU_EMULATOR} ${NI_MCU_QEMU_ARGS})

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
