// WorkingCalendar: arithmetic in working days.
//
// A working day is a day whose weekday is a working weekday (default Monday
// to Friday) and which is not a holiday. All operations cost O(log holidays),
// never a day-by-day walk, so spans of centuries are as cheap as a week.
//
//   ASSIGN_OR_RETURN(WorkingCalendar cal, WorkingCalendar::Create(spec));
//   absl::CivilDay due = cal.AddWorkingDays(start, 4);  // 5-day task's finish
//
// Every day is mapped to its working-day index: the number of working days
// before it since a fixed epoch. Indices are ordinary integers, so schedulers
// can do their arithmetic on them and convert back once (DayOfIndex).
#ifndef BACKPLAN_LIBS_CORE_CALENDAR_H_
#define BACKPLAN_LIBS_CORE_CALENDAR_H_

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "libs/core/plan.h"

namespace backplan {

class WorkingCalendar {
 public:
  // Builds a calendar. Errors (INVALID_ARGUMENT): no working weekday
  // left, a weekday listed twice. Holidays may repeat, be unsorted or fall on
  // non-working weekdays.
  static absl::StatusOr<WorkingCalendar> Create(const CalendarSpec& spec);

  // Monday to Friday, no holidays.
  static WorkingCalendar Default();

  bool IsWorkingDay(absl::CivilDay day) const;

  // The first working day on or after `day` / the last on or before it.
  absl::CivilDay NextWorkingDayOnOrAfter(absl::CivilDay day) const;
  absl::CivilDay PreviousWorkingDayOnOrBefore(absl::CivilDay day) const;

  // DayOfIndex(IndexOf(day) + n): for a working `day`, the working day `n`
  // working days after it (before it when n < 0). A non-working `day` counts
  // as the gap before the next working day. Examples (Mon-Fri):
  // Fri + 1 = Mon; Sat + 0 = Mon; Sat + 1 = Tue; Sat - 1 = Fri.
  absl::CivilDay AddWorkingDays(absl::CivilDay day, int64_t n) const;

  // Working days in [first, last], both inclusive; 0 when last < first.
  int64_t CountWorkingDays(absl::CivilDay first, absl::CivilDay last) const;

  // Index arithmetic. IndexOf(day) is the number of working days strictly
  // before `day` since the epoch (negative before it); for a working day it is
  // that day's own index. DayOfIndex is its inverse on working days:
  // DayOfIndex(IndexOf(d)) == d for every working d.
  int64_t IndexOf(absl::CivilDay day) const;
  absl::CivilDay DayOfIndex(int64_t index) const;
  // DayOfIndex(i) for every i in first..last (inclusive), in order; empty
  // when last < first. Walks the days once: O(calendar days in the range),
  // where one DayOfIndex per index costs a search and civil-day arithmetic.
  std::vector<absl::CivilDay> DaysOfIndices(int64_t first, int64_t last) const;

  const std::vector<absl::Weekday>& working_weekdays() const {
    return weekdays_;
  }
  // Sorted, unique holidays that fall on working weekdays.
  const std::vector<absl::CivilDay>& effective_holidays() const {
    return holidays_;
  }

 private:
  WorkingCalendar() = default;

  // Working weekdays in [epoch, day), ignoring holidays.
  int64_t WeekdayIndex(absl::CivilDay day) const;
  absl::CivilDay DayOfWeekdayIndex(int64_t index) const;

  std::vector<absl::Weekday> weekdays_;
  std::array<bool, 7> works_{};          // By offset from Monday.
  std::array<int, 8> prefix_{};          // Working weekdays in first r days.
  std::array<int, 7> offset_of_rank_{};  // r-th working weekday's offset.
  int per_week_ = 0;
  std::vector<absl::CivilDay>
      holidays_;  // Sorted, unique, on working weekdays.
  // holiday_slot_[j] = weekday index of holiday j minus j: the working-day
  // index of the first working day after the j-th holiday. Non-decreasing.
  std::vector<int64_t> holiday_slot_;
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_CORE_CALENDAR_H_
