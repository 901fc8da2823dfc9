# Load testing: the echo baseline server (tests/bench/echo) and the
# backplan-load integration tests (tests/load). Included by
# tests/bench/CMakeLists.txt; needs the services and tools.
if(BACKPLAN_BUILD_SERVICES AND TARGET backplan-load)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/echo
                   ${PROJECT_BINARY_DIR}/tests/bench/echo)
  add_subdirectory(${PROJECT_SOURCE_DIR}/tests/load
                   ${PROJECT_BINARY_DIR}/tests/load)
endif()
