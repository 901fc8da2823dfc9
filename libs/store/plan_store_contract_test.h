// The PlanStore contract suite, shared by every implementation. Each test
// binary instantiates it with a factory for its store:
//
//   INSTANTIATE_TEST_SUITE_P(
//       InMemory, PlanStoreContractTest,
//       ::testing::Values(StoreFactory{"InMemory", [] { ... }}),
//       StoreFactoryName);
//
// A factory returns a fresh, empty store (and whatever backs it) per test.
#ifndef BACKPLAN_LIBS_STORE_PLAN_STORE_CONTRACT_TEST_H_
#define BACKPLAN_LIBS_STORE_PLAN_STORE_CONTRACT_TEST_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "libs/store/plan_store.h"

namespace backplan::testing {

// The tenant the contract suites store under.
inline constexpr absl::string_view kTenant = "acme";

// Owns a store under test and what backs it (e.g. a redis-server).
class StoreHarness {
 public:
  virtual ~StoreHarness() = default;
  virtual PlanStore& store() = 0;
};

struct StoreFactory {
  std::string name;
  std::function<absl::StatusOr<std::unique_ptr<StoreHarness>>()> make;
};

inline void PrintTo(const StoreFactory& factory, std::ostream* os) {
  *os << factory.name;
}

inline std::string StoreFactoryName(
    const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

class PlanStoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<StoreHarness>> harness = GetParam().make();
    ASSERT_TRUE(harness.ok()) << harness.status();
    harness_ = std::move(harness).value();
  }

  PlanStore& store() { return harness_->store(); }

 private:
  std::unique_ptr<StoreHarness> harness_;
};

}  // namespace backplan::testing

#endif  // BACKPLAN_LIBS_STORE_PLAN_STORE_CONTRACT_TEST_H_
