# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# How quant-opt's libraries are declared, exported and installed.
#
# Every library is an `add_mlir_library` (static, with the `obj.NAME` object
# library MLIR creates) that is also:
#   - usable as `QuantOpt::SHORT` both from the build tree (an ALIAS, for
#     projects that `add_subdirectory` quant-opt) and from an install prefix
#     (the exported `QuantOptTargets` set read by QuantOptConfig.cmake);
#   - carrying its include directories as usage requirements (source and
#     generated headers in the build tree, `include/` when installed);
#   - listed in the global property QUANT_OPT_LIBRARIES, from which the shared
#     `libQuantOpt` and the mlir-opt plugin are aggregated.

include(GNUInstallDirs)

set(QUANT_OPT_INSTALL_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/QuantOpt" CACHE STRING
  "Where QuantOptConfig.cmake is installed, relative to the prefix")

# Usage requirements and install rules shared by every exported target.
function(quant_opt_export_target target export_name)
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "MODULE_LIBRARY")
    target_include_directories(${target} PUBLIC
      $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
      $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    # MLIR's imported targets carry no include directories (QuantOptConfig
    # adds them for installed packages).
    foreach(dir IN LISTS MLIR_INCLUDE_DIRS LLVM_INCLUDE_DIRS)
      target_include_directories(${target} SYSTEM PUBLIC $<BUILD_INTERFACE:${dir}>)
    endforeach()
    add_library(QuantOpt::${export_name} ALIAS ${target})
  endif()
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${export_name})
  install(TARGETS ${target} EXPORT QuantOptTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT quant-opt-dev
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT quant-opt
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT quant-opt)
endfunction()

# add_quant_opt_library(NAME EXPORT_NAME SHORT <add_mlir_library arguments>)
function(add_quant_opt_library name)
  cmake_parse_arguments(ARG "" "EXPORT_NAME" "" ${ARGN})
  if(NOT ARG_EXPORT_NAME)
    message(FATAL_ERROR "add_quant_opt_library(${name}): EXPORT_NAME is required")
  endif()
  add_mlir_library(${name} DISABLE_INSTALL ${ARG_UNPARSED_ARGUMENTS})
  quant_opt_export_target(${name} ${ARG_EXPORT_NAME})
  set_property(GLOBAL APPEND PROPERTY QUANT_OPT_LIBRARIES ${name})
endfunction()

# The object files of every quant-opt library, for aggregate shared
# libraries (libQuantOpt, the mlir-opt plugin).
function(quant_opt_aggregate_objects out)
  get_property(libs GLOBAL PROPERTY QUANT_OPT_LIBRARIES)
  set(objects)
  foreach(lib IN LISTS libs)
    list(APPEND objects $<TARGET_OBJECTS:obj.${lib}>)
  endforeach()
  set(${out} ${objects} PARENT_SCOPE)
endfunction()

# The build dependencies of the aggregated object libraries (generated
# headers), so that an aggregate does not build before them.
function(quant_opt_aggregate_dependencies target)
  get_property(libs GLOBAL PROPERTY QUANT_OPT_LIBRARIES)
  foreach(lib IN LISTS libs)
    add_dependencies(${target} obj.${lib})
  endforeach()
endfunction()
