// Runs the PlanStore contract suite against the in-memory fake.
#include "libs/store/in_memory_plan_store.h"

#include <memory>

#include "gtest/gtest.h"
#include "libs/store/plan_store_contract_test.h"

namespace backplan::testing {
namespace {

class InMemoryHarness : public StoreHarness {
 public:
  PlanStore& store() override { return store_; }

 private:
  InMemoryPlanStore store_;
};

INSTANTIATE_TEST_SUITE_P(
    InMemory, PlanStoreContractTest,
    ::testing::Values(StoreFactory{
        "InMemory",
        []() -> absl::StatusOr<std::unique_ptr<StoreHarness>> {
          return std::make_unique<InMemoryHarness>();
        }}),
    StoreFactoryName);

}  // namespace
}  // namespace backplan::testing
