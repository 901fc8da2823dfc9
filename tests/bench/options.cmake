# Options cut-scope benchmark: the exact branch and bound against the greedy
# on random plans, time per plan and the greedy's value lost as a ratio to
# the exact one's. Not a ctest; run by hand:
#   ./build/tests/bench/options_bench
add_executable(options_bench ${CMAKE_CURRENT_LIST_DIR}/options_bench.cc)
target_compile_options(options_bench PRIVATE ${BACKPLAN_WARNINGS})
target_link_libraries(options_bench PRIVATE backplan::schedule
                      absl::random_random benchmark::benchmark
                      benchmark::benchmark_main)
