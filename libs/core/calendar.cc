#include "libs/core/calendar.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace backplan {
namespace {

// A Monday: weeks are counted from here, so offsets within a week are
// 0 = Monday ... 6 = Sunday.
constexpr absl::CivilDay kEpoch(2000, 1, 3);

int OffsetFromMonday(absl::Weekday weekday) {
  switch (weekday) {
    case absl::Weekday::monday:
      return 0;
    case absl::Weekday::tuesday:
      return 1;
    case absl::Weekday::wednesday:
      return 2;
    case absl::Weekday::thursday:
      return 3;
    case absl::Weekday::friday:
      return 4;
    case absl::Weekday::saturday:
      return 5;
    case absl::Weekday::sunday:
      return 6;
  }
  return 0;
}

// Floor division and the matching non-negative remainder.
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

absl::StatusOr<WorkingCalendar> WorkingCalendar::Create(
    const CalendarSpec& spec) {
  WorkingCalendar cal;
  std::vector<absl::Weekday> weekdays = spec.working_weekdays;
  if (weekdays.empty()) {
    weekdays = {absl::Weekday::monday, absl::Weekday::tuesday,
                absl::Weekday::wednesday, absl::Weekday::thursday,
                absl::Weekday::friday};
  }
  for (absl::Weekday weekday : weekdays) {
    int offset = OffsetFromMonday(weekday);
    if (cal.works_[offset]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "calendar.working_weekdays: weekday ", offset + 1, " listed twice"));
    }
    cal.works_[offset] = true;
  }
  for (int offset = 0; offset < 7; ++offset) {
    cal.prefix_[offset + 1] =
        cal.prefix_[offset] + (cal.works_[offset] ? 1 : 0);
    if (cal.works_[offset]) cal.offset_of_rank_[cal.per_week_++] = offset;
  }
  for (int offset = 0; offset < 7; ++offset) {
    if (cal.works_[offset]) {
      cal.weekdays_.push_back(absl::GetWeekday(kEpoch + offset));
    }
  }
  for (const absl::CivilDay& day : spec.holidays) {
    if (cal.works_[OffsetFromMonday(absl::GetWeekday(day))]) {
      cal.holidays_.push_back(day);
    }
  }
  std::sort(cal.holidays_.begin(), cal.holidays_.end());
  cal.holidays_.erase(std::unique(cal.holidays_.begin(), cal.holidays_.end()),
                      cal.holidays_.end());
  cal.holiday_slot_.reserve(cal.holidays_.size());
  for (size_t j = 0; j < cal.holidays_.size(); ++j) {
    int64_t weekday_index = cal.WeekdayIndex(cal.holidays_[j]);
    cal.holiday_slot_.push_back(weekday_index - static_cast<int64_t>(j));
  }
  return cal;
}

WorkingCalendar WorkingCalendar::Default() { return *Create(CalendarSpec{}); }

int64_t WorkingCalendar::WeekdayIndex(absl::CivilDay day) const {
  const int64_t days = day - kEpoch;
  const int64_t weeks = FloorDiv(days, 7);
  const int64_t rest = days - weeks * 7;
  return weeks * per_week_ + prefix_[rest];
}

absl::CivilDay WorkingCalendar::DayOfWeekdayIndex(int64_t index) const {
  const int64_t weeks = FloorDiv(index, per_week_);
  const int64_t rank = index - weeks * per_week_;
  return kEpoch + (weeks * 7 + offset_of_rank_[rank]);
}

bool WorkingCalendar::IsWorkingDay(absl::CivilDay day) const {
  if (!works_[OffsetFromMonday(absl::GetWeekday(day))]) return false;
  return !std::binary_search(holidays_.begin(), holidays_.end(), day);
}

int64_t WorkingCalendar::IndexOf(absl::CivilDay day) const {
  // Working weekdays before `day`, minus the holidays among them.
  const int64_t weekday_index = WeekdayIndex(day);
  const auto holidays_before =
      std::lower_bound(holidays_.begin(), holidays_.end(), day) -
      holidays_.begin();
  return weekday_index - holidays_before;
}

absl::CivilDay WorkingCalendar::DayOfIndex(int64_t index) const {
  // Holiday j sits at weekday index slot_j + j; the working day with index k
  // is preceded by exactly the holidays with slot_j <= k.
  const auto holidays_before =
      std::upper_bound(holiday_slot_.begin(), holiday_slot_.end(), index) -
      holiday_slot_.begin();
  return DayOfWeekdayIndex(index + holidays_before);
}

std::vector<absl::CivilDay> WorkingCalendar::DaysOfIndices(int64_t first,
                                                           int64_t last) const {
  std::vector<absl::CivilDay> days;
  if (last < first) return days;
  const size_t count = static_cast<size_t>(last - first) + 1;
  days.reserve(count);
  absl::CivilDay day = DayOfIndex(first);
  int weekday = OffsetFromMonday(absl::GetWeekday(day));
  // The first holiday after `day`; Create keeps at least one working weekday,
  // so the walk always finds the next working day.
  auto holiday = std::upper_bound(holidays_.begin(), holidays_.end(), day);
  days.push_back(day);
  while (days.size() < count) {
    ++day;
    weekday = weekday == 6 ? 0 : weekday + 1;
    if (!works_[weekday]) continue;
    if (holiday != holidays_.end() && *holiday == day) {
      ++holiday;
      continue;
    }
    days.push_back(day);
  }
  return days;
}

absl::CivilDay WorkingCalendar::NextWorkingDayOnOrAfter(
    absl::CivilDay day) const {
  return DayOfIndex(IndexOf(day));
}

absl::CivilDay WorkingCalendar::PreviousWorkingDayOnOrBefore(
    absl::CivilDay day) const {
  return DayOfIndex(IndexOf(day + 1) - 1);
}

absl::CivilDay WorkingCalendar::AddWorkingDays(absl::CivilDay day,
                                               int64_t n) const {
  return DayOfIndex(IndexOf(day) + n);
}

int64_t WorkingCalendar::CountWorkingDays(absl::CivilDay first,
                                          absl::CivilDay last) const {
  if (last < first) return 0;
  return IndexOf(last + 1) - IndexOf(first);
}

}  // namespace backplan
