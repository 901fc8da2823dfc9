#include "libs/convert/plan_convert.h"

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;

v1::Plan Parse(const char* text) {
  v1::Plan plan;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &plan));
  return plan;
}

constexpr char kPlan[] = R"pb(
  id: "p1"
  tenant: "acme"
  version: 3
  outcome {
    title: "ship"
    success_criteria: "buyers happy"
    target_date { year: 2027 month: 6 day: 30 }
    start_date { year: 2027 month: 1 day: 4 }
    facts: "we have a team"
  }
  outcome_goal_id: "g"
  goals { id: "g" title: "goal" task_ids: "t" state: BROKEN_DOWN }
  goals { id: "o" title: "open" state: OPEN recipe: "r" optional: true }
  tasks {
    id: "t"
    title: "task"
    duration_days: 3
    optimistic_days: 2
    pessimistic_days: 6
    attributes {
      importance: 8
      difficulty: 3
      business_value: 1
      time_criticality: 2
      risk_reduction: 4
      rice_reach: 2000
      rice_impact: 2
      rice_confidence: 0.8
      rice_effort: 4
    }
    fixed_deadline { year: 2027 month: 3 day: 1 }
    flagged: true
    optional: true
    demands { pool: "dev" units: 2 }
    demands { pool: "dev" units: 1 member: "bob" }
    progress {
      status: DONE
      remaining_days: 0
      actual_start { year: 2027 month: 1 day: 4 }
      actual_finish { year: 2027 month: 1 day: 6 }
    }
  }
  dependencies { predecessor_id: "t" successor_id: "o" lag_days: 2 }
  calendar {
    working_weekdays: [ MONDAY, TUESDAY ]
    holidays { year: 2027 month: 1 day: 1 }
  }
  resources {
    name: "dev"
    capacity: 2
    members: [ "ann", "bob" ]
    reduced_days {
      day { year: 2027 month: 2 day: 1 }
      capacity: 1
    }
    member_calendars {
      member: "bob"
      working_weekdays: [ MONDAY, THURSDAY ]
      days_off { year: 2027 month: 2 day: 4 }
      days_off { year: 2027 month: 2 day: 8 }
    }
  }
)pb";

TEST(PlanConvert, RoundTripsEveryField) {
  const v1::Plan in = Parse(kPlan);
  ASSERT_OK_AND_ASSIGN(Plan plan, PlanFromProto(in));
  EXPECT_EQ(plan.tasks[0].attributes.rice_reach, 2000);
  EXPECT_EQ(plan.tasks[0].fixed_deadline, absl::CivilDay(2027, 3, 1));
  EXPECT_EQ(plan.calendar.working_weekdays[1], absl::Weekday::tuesday);
  EXPECT_TRUE(plan.tasks[0].optional);
  EXPECT_TRUE(plan.goals[1].optional);
  EXPECT_EQ(plan.tasks[0].demands[1].member, "bob");
  ASSERT_EQ(plan.resources[0].member_calendars.size(), 1u);
  EXPECT_EQ(plan.resources[0].member_calendars[0].working_weekdays[1],
            absl::Weekday::thursday);
  EXPECT_EQ(plan.resources[0].member_calendars[0].days_off[1],
            absl::CivilDay(2027, 2, 8));
  v1::Plan out;
  PlanToProto(plan, &out);
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(in, out)) << diff;
}

TEST(PlanConvert, NamesMemberOfInvalidCalendar) {
  v1::Plan in = Parse(kPlan);
  in.mutable_resources(0)->mutable_member_calendars(0)->set_working_weekdays(
      0, static_cast<v1::Weekday>(9));
  EXPECT_THAT(PlanFromProto(in),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("resources[0].member_calendars[0]."
                                 "working_weekdays[0]: member \"bob\": 9")));
  in = Parse(kPlan);
  in.mutable_resources(0)
      ->mutable_member_calendars(0)
      ->mutable_days_off(0)
      ->set_day(31);
  EXPECT_THAT(PlanFromProto(in),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("resources[0].member_calendars[0].days_off[0]:"
                                 " 2027-02-31 is not a valid date")));
}

TEST(PlanConvert, RequiresTargetDate) {
  v1::Plan in = Parse(kPlan);
  in.mutable_outcome()->clear_target_date();
  EXPECT_THAT(PlanFromProto(in),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("outcome.target_date: required")));
}

TEST(PlanConvert, NamesFieldOfInvalidDate) {
  v1::Plan in = Parse(kPlan);
  in.mutable_tasks(0)->mutable_fixed_deadline()->set_day(30);
  in.mutable_tasks(0)->mutable_fixed_deadline()->set_month(2);
  EXPECT_THAT(PlanFromProto(in),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[0].fixed_deadline: 2027-02-30 is not "
                                 "a valid date")));
}

TEST(PlanConvert, RefusesUnknownWeekday) {
  v1::Plan in = Parse(kPlan);
  in.mutable_calendar()->set_working_weekdays(0, static_cast<v1::Weekday>(9));
  EXPECT_THAT(PlanFromProto(in),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("calendar.working_weekdays[0]")));
}

}  // namespace
}  // namespace backplan
