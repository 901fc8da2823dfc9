# Prioritization benchmarks (Google Benchmark): a manual tool, not a ctest.
#   build-dir/tests/bench/prioritize_bench
if(TARGET backplan_prioritize)
  add_executable(prioritize_bench ${CMAKE_CURRENT_LIST_DIR}/prioritize_bench.cc)
  target_compile_options(prioritize_bench PRIVATE ${BACKPLAN_WARNINGS})
  target_link_libraries(prioritize_bench
                        PRIVATE backplan::prioritize benchmark::benchmark_main)
endif()
