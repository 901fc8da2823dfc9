# PSPLIB harness (RCPSP): solves every instance, re-checks each schedule with
# the independent checker, prints one summary line. By hand, e.g.:
#   ./build/tests/bench/psplib_bench --dir ../shared/psplib/j30 \
#       --budget 1000 --opt ../shared/psplib/j30opt.sm
# The ctest below runs it on a handful of j30 files with a small budget so
# the checker runs in CI; it is skipped when ../shared/psplib is missing.
add_executable(psplib_bench ${CMAKE_CURRENT_LIST_DIR}/psplib/psplib_bench.cc)
target_compile_options(psplib_bench PRIVATE ${BACKPLAN_WARNINGS})
target_link_libraries(psplib_bench PRIVATE backplan::schedule
                      backplan::schedule_psplib absl::time
                      absl::strings absl::str_format)

set(BACKPLAN_PSPLIB_DIR "${PROJECT_SOURCE_DIR}/../shared/psplib")
if(BACKPLAN_BUILD_TESTS AND EXISTS "${BACKPLAN_PSPLIB_DIR}/j30opt.sm")
  set(psplib_smoke_dir "${PROJECT_BINARY_DIR}/tests/bench/psplib_smoke")
  file(MAKE_DIRECTORY "${psplib_smoke_dir}")
  foreach(instance j301_1 j301_2 j3013_1 j3029_5 j3045_10 j3048_3)
    if(EXISTS "${BACKPLAN_PSPLIB_DIR}/j30/${instance}.sm")
      configure_file("${BACKPLAN_PSPLIB_DIR}/j30/${instance}.sm"
                     "${psplib_smoke_dir}/${instance}.sm" COPYONLY)
    endif()
  endforeach()
  add_test(NAME psplib_bench_j30_smoke
           COMMAND psplib_bench --dir "${psplib_smoke_dir}" --budget 50
                   --seed 1 --opt "${BACKPLAN_PSPLIB_DIR}/j30opt.sm")
  set_tests_properties(psplib_bench_j30_smoke PROPERTIES LABELS "bench"
                       TIMEOUT 120)
endif()
