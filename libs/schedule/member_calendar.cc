#include "libs/schedule/member_calendar.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/schedule/rcpsp_engine.h"

namespace backplan {
namespace internal {

bool UsesMemberCalendars(const Plan& plan) {
  for (const ResourcePool& pool : plan.resources) {
    if (!pool.member_calendars.empty()) return true;
  }
  for (const Task& task : plan.tasks) {
    for (const ResourceDemand& demand : task.demands) {
      if (!demand.member.empty()) return true;
    }
  }
  return false;
}

MemberAvailability::MemberAvailability(const ResourcePool& pool)
    : size_(static_cast<int>(pool.members.size())) {
  for (const MemberCalendar& calendar : pool.member_calendars) {
    const int m = static_cast<int>(
        std::find(pool.members.begin(), pool.members.end(), calendar.member) -
        pool.members.begin());
    if (m == size_) continue;  // Refused by validation (plan_graph.h).
    Entry& entry = by_member_[m];
    if (!calendar.working_weekdays.empty()) {
      entry.weekdays = 0;
      for (absl::Weekday w : calendar.working_weekdays) {
        entry.weekdays |= 1 << static_cast<int>(w);
      }
    }
    entry.days_off.insert(calendar.days_off.begin(), calendar.days_off.end());
  }
}

bool MemberAvailability::Works(int member, absl::CivilDay day) const {
  auto it = by_member_.find(member);
  if (it == by_member_.end()) return true;
  if ((it->second.weekdays & (1 << static_cast<int>(absl::GetWeekday(day)))) ==
      0) {
    return false;
  }
  return !it->second.days_off.contains(day);
}

int MemberAvailability::Count(absl::CivilDay day) const {
  int count = size_;
  for (const auto& [member, entry] : by_member_) count -= !Works(member, day);
  return count;
}

MemberDays::MemberDays(const Plan& plan, DayOfPeriod day_of_period,
                       int64_t horizon)
    : horizon_(horizon), works_(plan.resources.size()) {
  std::vector<absl::CivilDay> day(horizon);
  for (int64_t p = 0; p < horizon; ++p) day[p] = day_of_period(p);
  for (size_t r = 0; r < plan.resources.size(); ++r) {
    const ResourcePool& pool = plan.resources[r];
    if (pool.member_calendars.empty()) continue;
    const MemberAvailability available(pool);
    std::vector<uint8_t>& works = works_[r];
    works.resize(pool.members.size() * horizon);
    for (size_t m = 0; m < pool.members.size(); ++m) {
      for (int64_t p = 0; p < horizon; ++p) {
        works[m * horizon + p] = available.Works(static_cast<int>(m), day[p]);
      }
    }
  }
}

void AddMemberCapacity(const Plan& plan, DayOfPeriod day_of_period,
                       int64_t horizon, rcpsp::Problem* problem) {
  for (size_t r = 0; r < plan.resources.size(); ++r) {
    const ResourcePool& pool = plan.resources[r];
    if (pool.member_calendars.empty()) continue;
    const MemberAvailability available(pool);
    for (int64_t p = 0; p < horizon; ++p) {
      const int count = available.Count(day_of_period(p));
      if (count < pool.capacity) {
        problem->reduced.push_back(
            {static_cast<int>(r), static_cast<int>(p), count});
      }
    }
  }
}

namespace {

// Per-period counters that grow on demand.
class Timeline {
 public:
  int at(int64_t p) const {
    return p < static_cast<int64_t>(v_.size()) ? v_[p] : 0;
  }
  void add(int64_t from, int64_t to, int delta) {
    if (to > static_cast<int64_t>(v_.size())) v_.resize(to, 0);
    for (int64_t p = from; p < to; ++p) v_[p] += delta;
  }

 private:
  std::vector<int> v_;
};

}  // namespace

absl::StatusOr<Staffing> StaffWithCalendars(
    const Plan& plan, const PlanGraph& graph, const rcpsp::Problem& problem,
    const std::vector<int>& units, const std::vector<int>& search_start,
    DayOfPeriod day_of_period, absl::FunctionRef<bool(int)> first,
    const absl::flat_hash_map<std::string, std::vector<std::string>>& kept,
    const MemberDays* days) {
  const int n = problem.num_jobs();
  const int k = problem.num_resources();
  // Past the horizon nobody is busy, and only the weekly patterns and the
  // days off still block a start; each day off blocks at most a job's
  // length + 1 of them, and a weekly pattern that allows a job at all
  // allows it within two weeks.
  const int64_t horizon = rcpsp::internal::HorizonOf(problem);
  int64_t days_off = 0;
  for (const ResourcePool& pool : plan.resources) {
    for (const MemberCalendar& c : pool.member_calendars) {
      days_off += static_cast<int64_t>(c.days_off.size());
    }
  }
  std::vector<MemberAvailability> available;
  for (const ResourcePool& pool : plan.resources) available.emplace_back(pool);
  absl::flat_hash_map<std::pair<int, int64_t>, int> cap;  // (pool, period).
  for (const rcpsp::ReducedCapacity& rc : problem.reduced) {
    auto [it, inserted] =
        cap.try_emplace({rc.resource, rc.period}, rc.capacity);
    if (!inserted) it->second = std::min(it->second, rc.capacity);
  }
  auto capacity_at = [&](int r, int64_t p) {
    auto it = cap.find({r, p});
    return it == cap.end() ? problem.capacity[r]
                           : std::min(it->second, problem.capacity[r]);
  };
  std::vector<Timeline> used(k);
  std::vector<std::vector<Timeline>> busy(k);
  for (int r = 0; r < k; ++r) busy[r].resize(plan.resources[r].members.size());

  std::vector<std::vector<rcpsp::Precedence>> succ(n);
  std::vector<int> indegree(n, 0);
  for (const rcpsp::Precedence& pr : problem.precedences) {
    succ[pr.from].push_back(pr);
    ++indegree[pr.to];
  }
  std::vector<int64_t> ready(n, 0);
  for (int j = 0; j < n && !problem.release.empty(); ++j) {
    ready[j] = problem.release[j];
  }
  using Key = std::tuple<int, bool, int>;  // (search start, !first, job).
  std::priority_queue<Key, std::vector<Key>, std::greater<Key>> eligible;
  for (int j = 0; j < n; ++j) {
    if (indegree[j] == 0) eligible.push({search_start[j], !first(j), j});
  }

  Staffing out;
  out.start.assign(n, 0);
  out.assignees.assign(n, {});
  while (!eligible.empty()) {
    const int j = std::get<2>(eligible.top());
    eligible.pop();
    const int d = problem.duration[j];
    const Task* task = graph.nodes[j].kind == PlanGraph::Kind::kTask
                           ? &plan.tasks[graph.nodes[j].source_index]
                           : nullptr;
    auto kept_it = task ? kept.find(task->id) : kept.end();
    // Members tried for pool r, in order: named ones (required), then the
    // kept ones, then by index.
    std::vector<std::vector<int>> named(k), preferred(k);
    for (int r = 0; r < k && task && d > 0; ++r) {
      if (units[static_cast<size_t>(j) * k + r] == 0) continue;
      const std::vector<std::string>& members = plan.resources[r].members;
      auto index_of = [&](const std::string& name) {
        return static_cast<int>(
            std::find(members.begin(), members.end(), name) - members.begin());
      };
      for (const ResourceDemand& demand : task->demands) {
        if (demand.member.empty() || demand.pool != plan.resources[r].name) {
          continue;
        }
        const int m = index_of(demand.member);
        if (m < static_cast<int>(members.size())) named[r].push_back(m);
      }
      if (kept_it != kept.end()) {
        for (const std::string& name : kept_it->second) {
          const int m = index_of(name);
          if (m < static_cast<int>(members.size())) preferred[r].push_back(m);
        }
      }
      for (int m = 0; m < static_cast<int>(members.size()); ++m) {
        preferred[r].push_back(m);
      }
    }
    // The first period of [t, t + d) on which member m of pool r is busy or
    // off, or -1.
    auto blocked_at = [&](int r, int m, int64_t t) -> int64_t {
      for (int64_t p = t; p < t + d; ++p) {
        if (busy[r][m].at(p) > 0) return p;
        if (days != nullptr && p < days->horizon()
                ? !days->Works(r, m, p)
                : !available[r].Works(m, day_of_period(p))) {
          return p;
        }
      }
      return -1;
    };
    // Fills `chosen` for a start at t and returns -1, or returns the next
    // start worth trying: a start at or before a blocked period p inside
    // [t, t + d) is blocked for the same reason, so the next is past p (for
    // too few free members, past the earliest block among the others).
    std::vector<std::vector<int>> chosen(k);
    auto fits = [&](int64_t t) -> int64_t {
      for (int r = 0; r < k; ++r) {
        chosen[r].clear();
        const int need = d > 0 ? units[static_cast<size_t>(j) * k + r] : 0;
        if (need == 0) continue;
        for (int64_t p = t; p < t + d; ++p) {
          if (used[r].at(p) + need > capacity_at(r, p)) return p + 1;
        }
        if (plan.resources[r].members.empty()) continue;
        for (const int m : named[r]) {
          const int64_t p = blocked_at(r, m, t);
          if (p >= 0) return p + 1;
          chosen[r].push_back(m);
        }
        int64_t next = std::numeric_limits<int64_t>::max();
        for (const int m : preferred[r]) {
          if (static_cast<int>(chosen[r].size()) >= need) break;
          if (std::find(chosen[r].begin(), chosen[r].end(), m) !=
              chosen[r].end()) {
            continue;
          }
          const int64_t p = blocked_at(r, m, t);
          if (p < 0) {
            chosen[r].push_back(m);
          } else {
            next = std::min(next, p + 1);
          }
        }
        if (static_cast<int>(chosen[r].size()) < need) return next;
      }
      return -1;
    };
    int64_t t = ready[j];
    const int64_t last =
        ready[j] + horizon + (static_cast<int64_t>(d) + 1) * (14 + days_off);
    for (int64_t next = fits(t); next >= 0; next = fits(t)) {
      t = next;
      if (t > last) {
        std::string who;
        for (int r = 0; r < k && who.empty(); ++r) {
          if (!named[r].empty()) {
            who = absl::StrCat(", with member \"",
                               plan.resources[r].members[named[r][0]], "\"");
          }
        }
        return absl::InvalidArgumentError(
            absl::StrCat("task \"", graph.nodes[j].id, "\": no ", d,
                         " working days in a row from ",
                         absl::FormatCivilTime(day_of_period(ready[j])),
                         " on which its pools have the people it needs", who,
                         " (member calendars)"));
      }
    }
    out.start[j] = static_cast<int>(t);
    for (int r = 0; r < k; ++r) {
      const int need = d > 0 ? units[static_cast<size_t>(j) * k + r] : 0;
      if (need == 0) continue;
      used[r].add(t, t + d, need);
      for (const int m : chosen[r]) {
        busy[r][m].add(t, t + d, 1);
        out.assignees[j].push_back(plan.resources[r].members[m]);
      }
    }
    for (const rcpsp::Precedence& pr : succ[j]) {
      ready[pr.to] = std::max<int64_t>(ready[pr.to], t + d + pr.lag);
      if (--indegree[pr.to] == 0) {
        eligible.push({search_start[pr.to], !first(pr.to), pr.to});
      }
    }
  }
  return out;
}

}  // namespace internal
}  // namespace backplan
