# RedisPlanStore write latency (issue 28): standalone Redis, with
# --redis_wait_replicas=1 (a real replica), and on a Redis Cluster when
# BACKPLAN_TEST_REDIS_CLUSTER names one. Starts its own redis-servers. Not a
# ctest; run by hand:
#   ./build/tests/bench/store_bench --benchmark_min_time=2
add_executable(store_bench ${CMAKE_CURRENT_LIST_DIR}/store_bench.cc)
target_compile_options(store_bench PRIVATE ${BACKPLAN_WARNINGS})
target_link_libraries(store_bench PRIVATE backplan::store_redis
                      backplan::testing_redis PkgConfig::hiredis benchmark::benchmark
                      benchmark::benchmark_main)
