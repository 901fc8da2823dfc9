#include "libs/core/calendar.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/random/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;

// Reference implementation: walks day by day.
class DayWalk {
 public:
  explicit DayWalk(const WorkingCalendar& cal) : cal_(cal) {}
  bool Works(absl::CivilDay d) const {
    bool weekday = false;
    for (absl::Weekday w : cal_.working_weekdays()) {
      weekday |= absl::GetWeekday(d) == w;
    }
    for (absl::CivilDay h : cal_.effective_holidays()) {
      if (h == d) return false;
    }
    return weekday;
  }
  absl::CivilDay Add(absl::CivilDay d, int n) const {
    if (n >= 0) {
      while (!Works(d)) ++d;
      for (int i = 0; i < n; ++i) {
        do ++d;
        while (!Works(d));
      }
      return d;
    }
    for (int i = 0; i < -n; ++i) {
      do --d;
      while (!Works(d));
    }
    return d;
  }
  int Count(absl::CivilDay first, absl::CivilDay last) const {
    int n = 0;
    for (absl::CivilDay d = first; d <= last; ++d) n += Works(d) ? 1 : 0;
    return n;
  }

 private:
  const WorkingCalendar& cal_;
};

TEST(WorkingCalendar, DefaultIsMondayToFriday) {
  WorkingCalendar cal = WorkingCalendar::Default();
  EXPECT_TRUE(cal.IsWorkingDay(absl::CivilDay(2026, 11, 27)));   // Friday.
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2026, 11, 28)));  // Saturday.
  EXPECT_EQ(cal.AddWorkingDays(absl::CivilDay(2026, 11, 27), 1),
            absl::CivilDay(2026, 11, 30));
  EXPECT_EQ(cal.AddWorkingDays(absl::CivilDay(2026, 11, 28), 0),
            absl::CivilDay(2026, 11, 30));
  EXPECT_EQ(cal.AddWorkingDays(absl::CivilDay(2026, 11, 28), 1),
            absl::CivilDay(2026, 12, 1));
  EXPECT_EQ(cal.AddWorkingDays(absl::CivilDay(2026, 11, 28), -1),
            absl::CivilDay(2026, 11, 27));
  EXPECT_EQ(cal.PreviousWorkingDayOnOrBefore(absl::CivilDay(2026, 11, 29)),
            absl::CivilDay(2026, 11, 27));
  EXPECT_EQ(cal.NextWorkingDayOnOrAfter(absl::CivilDay(2026, 11, 29)),
            absl::CivilDay(2026, 11, 30));
  EXPECT_EQ(cal.CountWorkingDays(absl::CivilDay(2026, 11, 23),
                                 absl::CivilDay(2026, 11, 29)),
            5);
}

TEST(WorkingCalendar, SkipsHolidaysAcrossYearEnd) {
  ASSERT_OK_AND_ASSIGN(
      WorkingCalendar cal,
      WorkingCalendar::Create(
          {{}, {absl::CivilDay(2026, 12, 25), absl::CivilDay(2027, 1, 1)}}));
  // Thu 2026-12-24 + 1 skips Christmas (Fri) and the weekend.
  EXPECT_EQ(cal.AddWorkingDays(absl::CivilDay(2026, 12, 24), 1),
            absl::CivilDay(2026, 12, 28));
  // Thu 2026-12-31 + 1 skips New Year (Fri) and the weekend.
  EXPECT_EQ(cal.AddWorkingDays(absl::CivilDay(2026, 12, 31), 1),
            absl::CivilDay(2027, 1, 4));
  EXPECT_EQ(cal.AddWorkingDays(absl::CivilDay(2027, 1, 4), -1),
            absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(cal.CountWorkingDays(absl::CivilDay(2026, 12, 21),
                                 absl::CivilDay(2027, 1, 3)),
            8);
}

TEST(WorkingCalendar, HandlesLeapDay) {
  WorkingCalendar cal = WorkingCalendar::Default();
  // 2028-02-28 is a Monday; 2028-02-29 exists.
  EXPECT_EQ(cal.AddWorkingDays(absl::CivilDay(2028, 2, 28), 1),
            absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(cal.AddWorkingDays(absl::CivilDay(2028, 2, 28), 3),
            absl::CivilDay(2028, 3, 2));
}

TEST(WorkingCalendar, SupportsOtherWorkingWeeks) {
  ASSERT_OK_AND_ASSIGN(WorkingCalendar cal,
                       WorkingCalendar::Create(
                           {{absl::Weekday::sunday, absl::Weekday::monday,
                             absl::Weekday::tuesday, absl::Weekday::wednesday,
                             absl::Weekday::thursday},
                            {}}));
  EXPECT_TRUE(cal.IsWorkingDay(absl::CivilDay(2026, 11, 29)));   // Sunday.
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2026, 11, 27)));  // Friday.
  EXPECT_EQ(cal.AddWorkingDays(absl::CivilDay(2026, 11, 26), 1),
            absl::CivilDay(2026, 11, 29));
}

TEST(WorkingCalendar, RefusesBadSpecs) {
  EXPECT_THAT(WorkingCalendar::Create(
                  {{absl::Weekday::monday, absl::Weekday::monday}, {}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("calendar.working_weekdays")));
}

TEST(WorkingCalendar, HandlesSpansOfCenturiesWithoutWalking) {
  WorkingCalendar cal = WorkingCalendar::Default();
  absl::CivilDay far = cal.AddWorkingDays(absl::CivilDay(2026, 1, 1), 52180);
  EXPECT_EQ(cal.CountWorkingDays(absl::CivilDay(2026, 1, 2), far), 52180);
  EXPECT_EQ(cal.AddWorkingDays(far, -52180), absl::CivilDay(2026, 1, 1));
}

TEST(WorkingCalendar, MatchesDayWalkOnRandomCalendarsAndRanges) {
  std::seed_seq seed{20261128};
  absl::InsecureBitGen seeded(seed);
  const absl::CivilDay base(2023, 12, 1);
  for (int round = 0; round < 200; ++round) {
    CalendarSpec spec;
    for (int offset = 0; offset < 7; ++offset) {
      if (absl::Bernoulli(seeded, 0.7)) {
        spec.working_weekdays.push_back(absl::GetWeekday(base + offset));
      }
    }
    if (spec.working_weekdays.empty()) {
      spec.working_weekdays.push_back(absl::Weekday::wednesday);
    }
    const int holidays = absl::Uniform(seeded, 0, 40);
    for (int i = 0; i < holidays; ++i) {
      spec.holidays.push_back(base + absl::Uniform(seeded, 0, 1500));
    }
    ASSERT_OK_AND_ASSIGN(WorkingCalendar cal, WorkingCalendar::Create(spec));
    DayWalk walk(cal);
    for (int probe = 0; probe < 20; ++probe) {
      absl::CivilDay from = base + absl::Uniform(seeded, 0, 1400);
      absl::CivilDay to = from + absl::Uniform(seeded, -30, 400);
      ASSERT_EQ(cal.CountWorkingDays(from, to), walk.Count(from, to))
          << from << " .. " << to;
      ASSERT_EQ(cal.IsWorkingDay(from), walk.Works(from)) << from;
      int n = absl::Uniform(seeded, -60, 120);
      ASSERT_EQ(cal.AddWorkingDays(from, n), walk.Add(from, n))
          << from << " + " << n;
      const int64_t first = cal.IndexOf(from);
      const int64_t last = first + absl::Uniform(seeded, -2, 300);
      const std::vector<absl::CivilDay> days = cal.DaysOfIndices(first, last);
      ASSERT_EQ(days.size(),
                static_cast<size_t>(std::max<int64_t>(0, last - first + 1)));
      for (size_t i = 0; i < days.size(); ++i) {
        ASSERT_EQ(days[i], cal.DayOfIndex(first + static_cast<int64_t>(i)))
            << "index " << first + static_cast<int64_t>(i);
        ASSERT_TRUE(walk.Works(days[i])) << days[i];
      }
    }
  }
}

}  // namespace
}  // namespace backplan
