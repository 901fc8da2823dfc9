// Internal to libs/schedule: calendars per person (plan.h MemberCalendar,
// ResourceDemand::member) in ScheduleWithResources (rcpsp_plan.h). Not a
// public API.
//
// The RCPSP search (rcpsp.h) sees people only as counts: a pool's capacity
// on a period is lowered to the members available that day
// (AddMemberCapacity). Which member does what is decided afterwards by
// StaffWithCalendars, a serial schedule-generation pass over the search's
// schedule (jobs in order of their start there) that places each job at the
// first period from which its named members and enough other members of
// each pool are free and available on every one of its days; where the
// counts sufficed it keeps the search's start, otherwise the job (and what
// follows it) moves later. So a member never works on a day off or, if
// part-time, outside their weekdays, and is never on two tasks at once.
//
// Periods are those of rcpsp::Problem; `day_of_period` maps a period to its
// working day (the mirror of ScheduleWithResources for kBackward).
#ifndef BACKPLAN_LIBS_SCHEDULE_MEMBER_CALENDAR_H_
#define BACKPLAN_LIBS_SCHEDULE_MEMBER_CALENDAR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/schedule/rcpsp.h"

namespace backplan {
namespace internal {

// True when some pool has a member calendar or some demand names a member.
bool UsesMemberCalendars(const Plan& plan);

// Which members of one pool work on a given working day of the plan.
class MemberAvailability {
 public:
  explicit MemberAvailability(const ResourcePool& pool);
  // `member` indexes pool.members; `day` is a working day of the plan.
  bool Works(int member, absl::CivilDay day) const;
  int Count(absl::CivilDay day) const;  // Members who work on `day`.
  bool has_calendars() const { return !by_member_.empty(); }

 private:
  struct Entry {
    int weekdays = 0x7f;  // Bit (int)absl::Weekday per worked weekday.
    absl::flat_hash_set<absl::CivilDay> days_off;
  };
  int size_ = 0;
  absl::flat_hash_map<int, Entry> by_member_;
};

using DayOfPeriod = absl::FunctionRef<absl::CivilDay(int64_t)>;

// MemberAvailability of every member on every period of [0, horizon),
// evaluated once: for callers that staff many schedules of one problem
// (Simulate's runs). Holds one byte per member and period.
class MemberDays {
 public:
  MemberDays(const Plan& plan, DayOfPeriod day_of_period, int64_t horizon);
  int64_t horizon() const { return horizon_; }
  // Member `member` of pool `pool` works on period p, 0 <= p < horizon().
  bool Works(int pool, int member, int64_t p) const {
    const std::vector<uint8_t>& days = works_[pool];
    return days.empty() || days[member * horizon_ + p] != 0;
  }

 private:
  int64_t horizon_ = 0;
  // Per pool, member-major; empty for a pool without member calendars.
  std::vector<std::vector<uint8_t>> works_;
};

// Appends to problem->reduced, for every pool with member calendars and
// every period in [0, horizon), the members available that day where fewer
// than the pool's capacity (the lowest entry wins in rcpsp.h).
void AddMemberCapacity(const Plan& plan, DayOfPeriod day_of_period,
                       int64_t horizon, rcpsp::Problem* problem);

struct Staffing {
  std::vector<int> start;  // Per job, periods; a feasible schedule.
  // Per job: the members on it, pool by pool in pool order (named members
  // of a pool first).
  std::vector<std::vector<std::string>> assignees;
};

// The pass described above. `units` is job-major num_jobs * pools (the
// people each job needs per pool, including jobs whose demand the problem
// set aside); `search_start` the search's schedule; `first` says which
// jobs go first among equal starts (work in progress); `kept` which members
// a job would rather keep. Honours the problem's precedences, releases and
// reduced capacities. INVALID_ARGUMENT naming the task (and its named
// member) when a job cannot be staffed within the problem's horizon plus
// (its length + 1) * (14 + the plan's days off) periods of its ready time,
// after which nothing would change (e.g. a member who works one day a week
// named on a two-day task). `days`, when given, answers availability for
// the periods it covers (the same answers, faster).
absl::StatusOr<Staffing> StaffWithCalendars(
    const Plan& plan, const PlanGraph& graph, const rcpsp::Problem& problem,
    const std::vector<int>& units, const std::vector<int>& search_start,
    DayOfPeriod day_of_period, absl::FunctionRef<bool(int)> first,
    const absl::flat_hash_map<std::string, std::vector<std::string>>& kept,
    const MemberDays* days = nullptr);

}  // namespace internal
}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_MEMBER_CALENDAR_H_
