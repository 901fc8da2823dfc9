# Scheduling benchmark: backward + forward CPM over 100,000 tasks against a
# bare longest-path loop over the same arrays. Not a ctest; run by hand:
#   ./build/tests/bench/schedule_bench
add_executable(schedule_bench ${CMAKE_CURRENT_LIST_DIR}/schedule_bench.cc)
target_compile_options(schedule_bench PRIVATE ${BACKPLAN_WARNINGS})
target_link_libraries(schedule_bench PRIVATE backplan::schedule
                      benchmark::benchmark benchmark::benchmark_main)
