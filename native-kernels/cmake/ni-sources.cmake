# The portable library as one description for every build that links it: native-kernels' own CMake (host, the
# QEMU targets) and the nanoFramework firmware (interop/nanoFramework/FindINTEROP-NanoIntent.cmake). So the firmware
# compiles the same sources with the same kernel selection the tests and benchmarks measure.
#   NI_ROOT             native-kernels/
#   NI_INCLUDE_DIRS     the public headers (include/) and the interop headers (interop/)
#   NI_LIBRARY_SOURCES  every C file under src/ (loader, kernels, runtime, tokenizer, session; src/arm compiles to
#                       nothing where the DSP extension is absent)
#   ni_kernel_definitions(<out-var> <cpu>)  compile definitions that select kernel variants for a CPU (-mcpu name)
include_guard(GLOBAL)
get_filename_component(NI_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
set(NI_INCLUDE_DIRS ${NI_ROOT}/include ${NI_ROOT}/interop)
file(GLOB_RECURSE NI_LIBRARY_SOURCES CONFIGURE_DEPENDS ${NI_ROOT}/src/*.c)

# The SMLAD GEMV (src/arm/gemv_s8_dsp.c) needs the DSP extension: Armv7E-M (Cortex-M4, M7) and Armv8-M Mainline
# with DSP (M33, M55). Elsewhere (Cortex-M0/M3, Xtensa, RISC-V, the host) ni_gemv_s8 is the portable reference.
function(ni_kernel_definitions out cpu)
  set(defs "")
  if(cpu MATCHES "^cortex-m(4|7|33|35p|55|85)")
    list(APPEND defs NI_HAVE_GEMV_S8_DSP)
  endif()
  set(${out} ${defs} PARENT_SCOPE)
endfunction()
