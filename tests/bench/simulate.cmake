# Monte Carlo benchmark: 10,000 runs of a 1,000-task plan against 10,000 bare
# forward passes, and with one pool of 10 people. Not a ctest; run by hand:
#   ./build/tests/bench/simulate_bench
add_executable(simulate_bench ${CMAKE_CURRENT_LIST_DIR}/simulate_bench.cc)
target_compile_options(simulate_bench PRIVATE ${BACKPLAN_WARNINGS})
target_link_libraries(simulate_bench PRIVATE backplan::schedule
                      benchmark::benchmark benchmark::benchmark_main)
