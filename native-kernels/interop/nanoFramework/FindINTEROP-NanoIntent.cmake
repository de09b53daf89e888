#
# nf-interpreter interop module for the NanoIntent assembly (firmware/NanoIntent): copy this file to
# nf-interpreter/CMake/Modules (or add this folder to CMAKE_MODULE_PATH) and add "NanoIntent" to NF_INTEROP_ASSEMBLIES.
# nf-interpreter then calls find_package(INTEROP-NanoIntent) and compiles NanoIntent_SOURCES into its
# NF_NativeAssemblies library. See README.md here and docs/firmware.md.
#
# Cache variables (set them in the preset next to NF_INTEROP_ASSEMBLIES):
#   NANO_INTENT_ROOT        path to this repository's native-kernels/ (found automatically when this file is used
#                           from the repository itself)
#   NANO_INTENT_STUBS_DIR   the stubs the MetadataProcessor generated (NanoIntent.h/.cpp, *_mshl.cpp); default
#                           nf-interpreter/InteropAssemblies/NanoIntent, as in nanoFramework's interop samples
#   NANO_INTENT_ARENA_BYTES static arena (boards/<board>.json ram_budget_bytes), default 40960 (esp32-wroom)
#   NANO_INTENT_BOARD_ID    the board id images must carry (boards/<board>.json id; 0 accepts any image)
#   NANO_INTENT_PROVIDER    esp32 | stm32 | posix; default from nf-interpreter's RTOS (ESP32 / ChibiOS / other)
#   NANO_INTENT_CPU         -mcpu name selecting kernel variants; default from TARGET_SERIES

set(NANO_INTENT_ROOT "" CACHE PATH "nano-intent's native-kernels/ directory")
if(NOT NANO_INTENT_ROOT AND EXISTS ${CMAKE_CURRENT_LIST_DIR}/../../cmake/ni-sources.cmake)
    get_filename_component(NANO_INTENT_ROOT ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
endif()
if(NOT EXISTS ${NANO_INTENT_ROOT}/cmake/ni-sources.cmake)
    message(FATAL_ERROR "INTEROP-NanoIntent: set NANO_INTENT_ROOT to nano-intent's native-kernels/ directory")
endif()
include(${NANO_INTENT_ROOT}/cmake/ni-sources.cmake)

# nf-interpreter's root: PROJECT_SOURCE_DIR in its main build; the posix target (targets/posix) is a CMake project of
# its own, whose nanoCLR build sets REPO_ROOT; otherwise two levels up from targets/posix.
if(DEFINED REPO_ROOT AND EXISTS ${REPO_ROOT}/src/CLR/Include)
    set(ni_nf_root ${REPO_ROOT})
elseif(EXISTS ${PROJECT_SOURCE_DIR}/src/CLR/Include)
    set(ni_nf_root ${PROJECT_SOURCE_DIR})
else()
    get_filename_component(ni_nf_root ${PROJECT_SOURCE_DIR}/../.. ABSOLUTE)
endif()

set(NANO_INTENT_STUBS_DIR ${ni_nf_root}/InteropAssemblies/NanoIntent CACHE PATH "generated NanoIntent stubs")
set(NANO_INTENT_ARENA_BYTES 40960 CACHE STRING "static arena of the nano-intent session")
set(NANO_INTENT_BOARD_ID 0 CACHE STRING "board id of the images this firmware accepts (0: any)")

# the platform's model-partition provider
if(NOT NANO_INTENT_PROVIDER)
    if(RTOS STREQUAL "ESP32" OR RTOS_ESP32_CHECK)
        set(NANO_INTENT_PROVIDER esp32)
    elseif(RTOS STREQUAL "ChibiOS")
        set(NANO_INTENT_PROVIDER stm32)
    else()
        set(NANO_INTENT_PROVIDER posix)
    endif()
endif()
set(NANO_INTENT_PROVIDER ${NANO_INTENT_PROVIDER} CACHE STRING "nano-intent partition provider: esp32, stm32 or posix")

# the CPU, for the kernel selection the benchmarks measure (the DSP GEMM on Cortex-M4/M7)
if(NOT NANO_INTENT_CPU)
    if(TARGET_SERIES MATCHES "^STM32(F7|H7)")
        set(NANO_INTENT_CPU cortex-m7)
    elseif(TARGET_SERIES MATCHES "^STM32(F4|L4|G4|F3)")
        set(NANO_INTENT_CPU cortex-m4)
    else()
        set(NANO_INTENT_CPU "${TARGET_SERIES}")   # ESP32 (Xtensa), ESP32_C3 (RISC-V), ...: the portable kernels
    endif()
endif()
ni_kernel_definitions(ni_kernel_defs "${NANO_INTENT_CPU}")

# our C, each wrapped so the definitions reach it inside nf-interpreter's library
ni_wrap_sources(ni_wrapped ${CMAKE_BINARY_DIR}/NanoIntent
    DEFINITIONS ${ni_kernel_defs} NI_SESSION_ARENA_BYTES=${NANO_INTENT_ARENA_BYTES}u
                NI_SESSION_BOARD_ID=${NANO_INTENT_BOARD_ID}u
    SOURCES ${NI_LIBRARY_SOURCES} ${NI_ROOT}/interop/ni_interop.c ${NI_ROOT}/interop/partition_${NANO_INTENT_PROVIDER}.c)

# include directories: nanoCLR's, the generated stubs, ours
list(APPEND NanoIntent_INCLUDE_DIRS ${ni_nf_root}/src/CLR/Core)
list(APPEND NanoIntent_INCLUDE_DIRS ${ni_nf_root}/src/CLR/Include)
list(APPEND NanoIntent_INCLUDE_DIRS ${ni_nf_root}/src/HAL/Include)
list(APPEND NanoIntent_INCLUDE_DIRS ${ni_nf_root}/src/PAL/Include)
if(EXISTS ${ni_nf_root}/targets/posix/Include AND NANO_INTENT_PROVIDER STREQUAL "posix")
    list(APPEND NanoIntent_INCLUDE_DIRS ${ni_nf_root}/targets/posix/Include)   # nanoCLR_PlatformDef.h's target headers
endif()
list(APPEND NanoIntent_INCLUDE_DIRS ${NANO_INTENT_STUBS_DIR})
list(APPEND NanoIntent_INCLUDE_DIRS ${NI_ROOT}/interop/nanoFramework)
list(APPEND NanoIntent_INCLUDE_DIRS ${NI_INCLUDE_DIRS})

# generated stubs (method table, marshalling) from the stubs folder, our implementation from this folder
set(NanoIntent_SOURCES "")
foreach(SRC_FILE NanoIntent.cpp NanoIntent_NanoIntent_NativeSession_mshl.cpp)
    set(NanoIntent_SRC_FILE SRC_FILE-NOTFOUND)
    find_file(NanoIntent_SRC_FILE ${SRC_FILE} PATHS ${NANO_INTENT_STUBS_DIR} NO_DEFAULT_PATH CMAKE_FIND_ROOT_PATH_BOTH)
    if(NOT NanoIntent_SRC_FILE)
        message(FATAL_ERROR "INTEROP-NanoIntent: ${SRC_FILE} not in ${NANO_INTENT_STUBS_DIR}: generate the stubs "
                            "(docs/firmware.md) or set NANO_INTENT_STUBS_DIR")
    endif()
    list(APPEND NanoIntent_SOURCES ${NanoIntent_SRC_FILE})
endforeach()
unset(NanoIntent_SRC_FILE CACHE)
list(APPEND NanoIntent_SOURCES ${NI_ROOT}/interop/nanoFramework/NanoIntent_NanoIntent_NativeSession.cpp ${ni_wrapped})

if(NANO_INTENT_PROVIDER STREQUAL "stm32")
    message(STATUS "INTEROP-NanoIntent: INCLUDE ${NI_ROOT}/interop/stm32/nano_intent_model.ld in the target's linker script")
endif()

include(FindPackageHandleStandardArgs)
FIND_PACKAGE_HANDLE_STANDARD_ARGS(NanoIntent REQUIRED_VARS NanoIntent_INCLUDE_DIRS NanoIntent_SOURCES NAME_MISMATCHED)
