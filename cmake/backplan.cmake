# Shared CMake helpers: warnings for project code, test registration and the
# one function that generates protobuf/gRPC code.

set(BACKPLAN_WARNINGS -Wall -Wextra -Werror -Wno-unused-parameter
    -Wno-missing-field-initializers)

# backplan_library(NAME SRCS ... DEPS ...): a static library target
# `backplan_<NAME>` with alias `backplan::<NAME>`, project warnings on.
function(backplan_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(backplan_${name} STATIC ${ARG_SRCS})
  add_library(backplan::${name} ALIAS backplan_${name})
  target_include_directories(backplan_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(backplan_${name} PRIVATE ${BACKPLAN_WARNINGS})
  target_link_libraries(backplan_${name} PUBLIC ${ARG_DEPS})
endfunction()

# backplan_test(NAME SRCS ... DEPS ... [LABELS ...]): one gtest binary,
# discovered test by test, each test named after its binary
# (prioritize_test.Prioritize.DiamondTakesTheBestBranch) so `ctest -R <area>`
# selects an area's tests.
function(backplan_test name)
  if(NOT BACKPLAN_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${BACKPLAN_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  if(ARG_LABELS)
    gtest_discover_tests(${name} TEST_PREFIX "${name}."
                         PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
  else()
    gtest_discover_tests(${name} TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 60)
  endif()
endfunction()

# backplan_proto_library(NAME PROTOS ... [GRPC] DEPS ...): generates C++ (and,
# with GRPC, the gRPC stubs) at build time into the binary dir; generated
# headers are SYSTEM includes so their warnings never fail the build.
function(backplan_proto_library name)
  cmake_parse_arguments(ARG "GRPC" "" "PROTOS;DEPS" ${ARGN})
  add_library(backplan_${name} STATIC ${ARG_PROTOS})
  add_library(backplan::${name} ALIAS backplan_${name})
  target_link_libraries(backplan_${name} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  target_include_directories(backplan_${name} SYSTEM PUBLIC ${PROJECT_BINARY_DIR}/proto)
  protobuf_generate(TARGET backplan_${name} LANGUAGE cpp
                    IMPORT_DIRS ${PROJECT_SOURCE_DIR}/proto
                    PROTOC_OUT_DIR ${PROJECT_BINARY_DIR}/proto)
  if(ARG_GRPC)
    target_link_libraries(backplan_${name} PUBLIC gRPC::grpc++)
    protobuf_generate(TARGET backplan_${name} LANGUAGE grpc
                      GENERATE_EXTENSIONS .grpc.pb.h .grpc.pb.cc
                      PLUGIN protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>
                      IMPORT_DIRS ${PROJECT_SOURCE_DIR}/proto
                      PROTOC_OUT_DIR ${PROJECT_BINARY_DIR}/proto)
  endif()
endfunction()
