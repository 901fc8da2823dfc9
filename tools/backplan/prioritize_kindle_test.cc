// Pins the Kindle example's execution order and reasons, as the README shows
// them: the default method, and WSJF with time criticality from the
// schedule's slack (what `backplan prioritize PLAN --method wsjf --urgency`
// computes on the stored plan after `backplan plan`).
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/convert/plan_convert.h"
#include "libs/prioritize/prioritize.h"
#include "libs/schedule/cpm.h"
#include "tools/backplan/plan_file.h"

namespace backplan {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Plan Kindle() {
  auto proto = cli::LoadPlanFile(std::string(BACKPLAN_SOURCE_DIR) +
                                 "/examples/kindle.yaml");
  EXPECT_TRUE(proto.ok()) << proto.status();
  auto plan = PlanFromProto(*proto);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return *plan;
}

void Print(const Priorities& p) {
  for (const TaskPriority& t : p.tasks) {
    std::printf("%2d %-24s %6.3f  %s\n", t.rank, t.task_id.c_str(), t.own_score,
                t.reason.c_str());
  }
}

TEST(KindleOrder, DefaultMethod) {
  const Plan plan = Kindle();
  PrioritizeOptions options;
  options.method = PrioritizationMethod::kWeighted;  // Default weights.
  ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(plan, options));
  Print(p);
  EXPECT_TRUE(p.exact_order);
  EXPECT_THAT(
      p.execution_order,
      ElementsAre("t-store-backend", "t-one-click", "t-carrier-deal",
                  "t-device-design", "t-publisher-deals", "t-eink-supply",
                  "t-certification", "t-manufacturing", "t-delivery-service",
                  "t-firmware", "t-device-storefront", "t-network-field-test",
                  "t-ebook-format", "t-ingestion", "t-convert-backlist",
                  "t-pricing", "t-metadata-search", "t-press", "t-launch-event",
                  "t-support-training", "t-measure-purchase-time"));
  EXPECT_EQ(p.tasks[0].reason,
            "first of a set of 2 tasks together worth score 0.625 per task: "
            "unlocks t-one-click");
  EXPECT_THAT(p.tasks[0].unlocks, ElementsAre("t-one-click"));
}

TEST(KindleOrder, WsjfWithUrgencyFromTheSchedule) {
  const Plan plan = Kindle();
  ScheduleRequest request;
  request.today = absl::CivilDay(2027, 1, 4);
  ASSERT_OK_AND_ASSIGN(Timeline timeline, Schedule(plan, request));
  PrioritizeOptions options;
  options.method = PrioritizationMethod::kWsjf;
  options.use_schedule_slack = true;
  for (const ScheduledNode& node : timeline.nodes) {
    for (const Task& task : plan.tasks) {
      if (task.id == node.id && task.duration_days > 0) {
        options.slack_days[node.id] = static_cast<int>(node.slack_days);
      }
    }
  }
  ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(plan, options));
  Print(p);
  EXPECT_THAT(
      p.execution_order,
      ElementsAre(
          "t-pricing", "t-store-backend", "t-one-click", "t-ebook-format",
          "t-eink-supply", "t-device-design", "t-certification", "t-ingestion",
          "t-publisher-deals", "t-convert-backlist", "t-metadata-search",
          "t-carrier-deal", "t-delivery-service", "t-network-field-test",
          "t-firmware", "t-device-storefront", "t-manufacturing", "t-press",
          "t-launch-event", "t-support-training", "t-measure-purchase-time"));
  EXPECT_THAT(p.tasks[0].reason,
              HasSubstr("worth 2.4 cost of delay per day on its own"));
  EXPECT_THAT(p.tasks[5].reason,
              HasSubstr("first of a set of 16 tasks together worth 1.12 cost "
                        "of delay per day: unlocks t-certification, "
                        "t-firmware, t-device-storefront"));
}

}  // namespace
}  // namespace backplan
