# Checks of the firmware glue that need the Arm toolchain, registered in the Cortex-M builds (interop/tests/
# CMakeLists.txt): they run on the build machine, with this build's CPU flags.
set(ni_nf ${PROJECT_SOURCE_DIR}/interop/nanoFramework)
set(ni_glue ${ni_nf}/NanoIntent.cpp ${ni_nf}/NanoIntent_NanoIntent_NativeSession_mshl.cpp
            ${ni_nf}/NanoIntent_NanoIntent_NativeSession.cpp)
separate_arguments(ni_cpu_flags UNIX_COMMAND "${NI_MCU_CPU_FLAGS}")
set(ni_prefix mcu_${NI_MCU_TARGET}_)
get_filename_component(ni_toolchain ${CMAKE_TOOLCHAIN_FILE} ABSOLUTE BASE_DIR ${CMAKE_BINARY_DIR})

# The glue with the Cortex-M g++, where int32_t is `long`, not the CLR arrays' `int` (as on ESP-IDF 5 Xtensa): the
# explicit casts must be there, and -Wconversion -Werror holds.
find_program(NI_ARM_GXX arm-none-eabi-g++)
add_test(NAME ${ni_prefix}nanoframework_glue_compile
         COMMAND ${NI_ARM_GXX} -fsyntax-only -std=c++11 ${ni_cpu_flags} -Wall -Wextra -Wconversion -Werror
                 -I${CMAKE_CURRENT_SOURCE_DIR}/nanoclr_mock -I${ni_nf} -I${PROJECT_SOURCE_DIR}/interop
                 -I${PROJECT_SOURCE_DIR}/include ${ni_glue})

# FindINTEROP-NanoIntent.cmake as nf-interpreter uses it, for a ChibiOS STM32 target of this CPU (STM32F7xx for the
# M7, STM32F4xx for the M4): configure and build findinterop/ with this toolchain file. MinSizeRel (-Os) as
# nanoFramework's release builds: at -O0 the frame pointer takes r7 and src/arm/gemm_s8_dsp.c's asm no longer finds its
# registers ("impossible constraints"); -Og and up, or -fomit-frame-pointer, compile.
if(NI_MCU_TARGET STREQUAL "cortex-m7")
  set(ni_series STM32F7xx)
else()
  set(ni_series STM32F4xx)
endif()
add_test(NAME ${ni_prefix}findinterop_${ni_series}
         COMMAND ${CMAKE_CTEST_COMMAND} --build-and-test ${CMAKE_CURRENT_SOURCE_DIR}/findinterop
                 ${CMAKE_CURRENT_BINARY_DIR}/findinterop-${ni_series} --build-generator ${CMAKE_GENERATOR}
                 --build-options -DCMAKE_TOOLCHAIN_FILE=${ni_toolchain} -DCMAKE_BUILD_TYPE=MinSizeRel
                                 -DTARGET_SERIES=${ni_series})
set_tests_properties(${ni_prefix}findinterop_${ni_series} PROPERTIES TIMEOUT 600)

# The STM32 linker fragment refuses a model region overlapping nanoFramework's deployment region (symbols from
# rules_clr.ld, here --defsym before the fragment as in a target script that INCLUDEs it last) and accepts an
# adjacent one. Deployment as nf-interpreter's ST_STM32F769I_DISCOVERY lays it out (nanoCLR/STM32F76xx_CLR.ld:
# 0x08180000 + 512 KB): the old profile's region in internal flash (0x08140000 + 768 KB) is refused, the default
# region (Quad-SPI, 0x90000000 + 2 MB, boards/stm32f769i-disco.json) links, and so does an internal-flash region that
# ends where a deployment region starts.
set(ni_frag_link ${CMAKE_C_COMPILER} --specs=picolibc.specs --oslib=semihost --crt0=semihost ${ni_cpu_flags}
    -Wl,--defsym=__flash=0x08000000,--defsym=__flash_size=0x100000,--defsym=__ram=0x20000000,--defsym=__ram_size=0x20000)
set(ni_f769_deploy -Wl,--defsym=__deployment_start__=0x08180000,--defsym=__deployment_end__=0x08200000)
set(ni_old_region -Wl,--defsym=NANO_INTENT_MODEL_ORIGIN=0x08140000,--defsym=NANO_INTENT_MODEL_LENGTH=0xC0000)
add_test(NAME ${ni_prefix}stm32_fragment_overlap
         COMMAND ${ni_frag_link} ${ni_f769_deploy} ${ni_old_region}
                 ${CMAKE_CURRENT_SOURCE_DIR}/stm32_fragment_main.c -o ${CMAKE_CURRENT_BINARY_DIR}/fragment_overlap.elf
                 -Wl,-T,${PROJECT_SOURCE_DIR}/interop/stm32/nano_intent_model.ld)
set_tests_properties(${ni_prefix}stm32_fragment_overlap PROPERTIES
                     PASS_REGULAR_EXPRESSION "overlaps nanoFramework's deployment region")
add_test(NAME ${ni_prefix}stm32_fragment_qspi_default
         COMMAND ${ni_frag_link} ${ni_f769_deploy} -Wl,--defsym=NI_EXPECT_LENGTH=0x200000
                 ${CMAKE_CURRENT_SOURCE_DIR}/stm32_fragment_main.c -o ${CMAKE_CURRENT_BINARY_DIR}/fragment_qspi.elf
                 -Wl,-T,${PROJECT_SOURCE_DIR}/interop/stm32/nano_intent_model.ld
                 -Wl,--defsym=NI_EXPECT_ORIGIN=0x90000000 -Wl,-T,${CMAKE_CURRENT_SOURCE_DIR}/stm32_fragment_expect.ld)
add_test(NAME ${ni_prefix}stm32_fragment_adjacent
         COMMAND ${ni_frag_link} -Wl,--defsym=__deployment_start__=0x08080000,--defsym=__deployment_end__=0x08140000
                 ${ni_old_region}
                 ${CMAKE_CURRENT_SOURCE_DIR}/stm32_fragment_main.c -o ${CMAKE_CURRENT_BINARY_DIR}/fragment_adjacent.elf
                 -Wl,-T,${PROJECT_SOURCE_DIR}/interop/stm32/nano_intent_model.ld)
