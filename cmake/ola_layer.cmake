# ola_add_layer(<target> <dir> DEPS <libs...>)
# One library per folder: every .cpp below <dir> (recursively, except sub-folders that are
# layers of their own) is compiled into <target>; headers are included as "ckks/core/..." etc.
# A folder that has only headers so far becomes an INTERFACE library.
function(ola_add_layer target dir)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${dir}/*.cpp)
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${ARG_DEPS})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

# ola_add_test_suite(<name> <dir> LABEL <label> [TIMEOUT s] [RUN_SERIAL] DEPS <libs...>)
# One GoogleTest executable per test folder (tests/<dir>/*_test.cpp), registered with ctest
# under the label <label> (ctest -L <label>).
function(ola_add_test_suite name dir)
  cmake_parse_arguments(ARG "RUN_SERIAL" "LABEL;TIMEOUT" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/${dir}/*_test.cpp)
  if(NOT sources)
    return()
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 900)
  endif()
  add_executable(${name} ${sources})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest_main)
  set(serial FALSE)
  if(ARG_RUN_SERIAL)
    set(serial TRUE)  # memory-heavy (N = 2^16): never beside another test under ctest -j
  endif()
  gtest_discover_tests(${name}
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT} RUN_SERIAL ${serial}
    DISCOVERY_TIMEOUT 60)
endfunction()
