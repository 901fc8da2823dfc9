# Decomposition benchmark (Google Benchmark): a generated book of 10,000
# recipes whose CHEAPEST breakdown is a plan of about 100,000 goals and tasks.
# A manual tool, not a ctest:
#   ./build/tests/bench/decompose_bench
if(TARGET backplan_decompose)
  add_executable(decompose_bench ${CMAKE_CURRENT_LIST_DIR}/decompose_bench.cc)
  target_compile_options(decompose_bench PRIVATE ${BACKPLAN_WARNINGS})
  target_link_libraries(decompose_bench PRIVATE backplan::decompose
                        benchmark::benchmark benchmark::benchmark_main)
endif()
