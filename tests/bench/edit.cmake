# Plan-edit benchmark: EditPlan with 60,000 edits on a 60,000-task plan,
# called in-process on the service class over the in-memory store. A manual
# tool, not a ctest:
#   build-dir/tests/bench/edit_bench
if(TARGET backplan_decomposition_service)
  add_executable(edit_bench ${CMAKE_CURRENT_LIST_DIR}/edit_bench.cc)
  target_compile_options(edit_bench PRIVATE ${BACKPLAN_WARNINGS})
  target_link_libraries(edit_bench PRIVATE backplan::decomposition_service
                        benchmark::benchmark_main)
endif()
