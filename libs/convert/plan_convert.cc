#include "libs/convert/plan_convert.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/status_macros.h"

namespace backplan {
namespace {

absl::Weekday WeekdayFromProto(v1::Weekday weekday) {
  switch (weekday) {
    case v1::TUESDAY:
      return absl::Weekday::tuesday;
    case v1::WEDNESDAY:
      return absl::Weekday::wednesday;
    case v1::THURSDAY:
      return absl::Weekday::thursday;
    case v1::FRIDAY:
      return absl::Weekday::friday;
    case v1::SATURDAY:
      return absl::Weekday::saturday;
    case v1::SUNDAY:
      return absl::Weekday::sunday;
    default:
      return absl::Weekday::monday;
  }
}

v1::Weekday WeekdayToProto(absl::Weekday weekday) {
  switch (weekday) {
    case absl::Weekday::monday:
      return v1::MONDAY;
    case absl::Weekday::tuesday:
      return v1::TUESDAY;
    case absl::Weekday::wednesday:
      return v1::WEDNESDAY;
    case absl::Weekday::thursday:
      return v1::THURSDAY;
    case absl::Weekday::friday:
      return v1::FRIDAY;
    case absl::Weekday::saturday:
      return v1::SATURDAY;
    case absl::Weekday::sunday:
      return v1::SUNDAY;
  }
  return v1::MONDAY;
}

}  // namespace

bool IsSet(const v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

absl::StatusOr<absl::CivilDay> DayFromProto(const v1::Date& date,
                                            absl::string_view field) {
  if (!IsSet(date)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  }
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %04d-%02d-%02d is not a valid date", field,
                        date.year(), date.month(), date.day()));
  }
  return day;
}

absl::StatusOr<std::optional<absl::CivilDay>> OptionalDayFromProto(
    const v1::Date& date, absl::string_view field) {
  if (!IsSet(date)) return std::optional<absl::CivilDay>();
  ASSIGN_OR_RETURN(absl::CivilDay day, DayFromProto(date, field));
  return std::optional<absl::CivilDay>(day);
}

v1::Date DayToProto(absl::CivilDay day) {
  v1::Date out;
  out.set_year(static_cast<int32_t>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
  return out;
}

absl::StatusOr<CalendarSpec> CalendarFromProto(const v1::Calendar& calendar) {
  CalendarSpec spec;
  for (int i = 0; i < calendar.working_weekdays_size(); ++i) {
    const int value = calendar.working_weekdays(i);
    if (value < v1::MONDAY || value > v1::SUNDAY) {
      return absl::InvalidArgumentError(
          absl::StrCat("calendar.working_weekdays[", i, "]: ", value,
                       " is not a weekday (1 = Monday .. 7 = Sunday)"));
    }
    spec.working_weekdays.push_back(
        WeekdayFromProto(calendar.working_weekdays(i)));
  }
  for (int i = 0; i < calendar.holidays_size(); ++i) {
    ASSIGN_OR_RETURN(absl::CivilDay day,
                     DayFromProto(calendar.holidays(i),
                                  absl::StrCat("calendar.holidays[", i, "]")));
    spec.holidays.push_back(day);
  }
  return spec;
}

void CalendarToProto(const CalendarSpec& spec, v1::Calendar* out) {
  for (absl::Weekday weekday : spec.working_weekdays) {
    out->add_working_weekdays(WeekdayToProto(weekday));
  }
  for (absl::CivilDay day : spec.holidays) {
    *out->add_holidays() = DayToProto(day);
  }
}

absl::StatusOr<TaskProgress> ProgressFromProto(const v1::TaskProgress& in,
                                               absl::string_view field) {
  TaskProgress out;
  switch (in.status()) {
    case v1::TASK_STATUS_UNSPECIFIED:
    case v1::NOT_STARTED:
      out.status = TaskStatus::kNotStarted;
      break;
    case v1::IN_PROGRESS:
      out.status = TaskStatus::kInProgress;
      break;
    case v1::DONE:
      out.status = TaskStatus::kDone;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".status: unknown value ", in.status()));
  }
  out.remaining_days = in.remaining_days();
  ASSIGN_OR_RETURN(out.actual_start,
                   OptionalDayFromProto(in.actual_start(),
                                        absl::StrCat(field, ".actual_start")));
  ASSIGN_OR_RETURN(out.actual_finish,
                   OptionalDayFromProto(in.actual_finish(),
                                        absl::StrCat(field, ".actual_finish")));
  return out;
}

void ProgressToProto(const TaskProgress& in, v1::TaskProgress* out) {
  switch (in.status) {
    case TaskStatus::kNotStarted:
      out->set_status(v1::NOT_STARTED);
      break;
    case TaskStatus::kInProgress:
      out->set_status(v1::IN_PROGRESS);
      break;
    case TaskStatus::kDone:
      out->set_status(v1::DONE);
      break;
  }
  out->set_remaining_days(in.remaining_days);
  if (in.actual_start)
    *out->mutable_actual_start() = DayToProto(*in.actual_start);
  if (in.actual_finish) {
    *out->mutable_actual_finish() = DayToProto(*in.actual_finish);
  }
}

TaskAttributes AttributesFromProto(const v1::TaskAttributes& a) {
  TaskAttributes out;
  out.importance = a.importance();
  out.difficulty = a.difficulty();
  out.business_value = a.business_value();
  out.time_criticality = a.time_criticality();
  out.risk_reduction = a.risk_reduction();
  if (a.has_rice_reach()) out.rice_reach = a.rice_reach();
  if (a.has_rice_impact()) out.rice_impact = a.rice_impact();
  if (a.has_rice_confidence()) out.rice_confidence = a.rice_confidence();
  if (a.has_rice_effort()) out.rice_effort = a.rice_effort();
  return out;
}

void AttributesToProto(const TaskAttributes& in, v1::TaskAttributes* a) {
  a->set_importance(in.importance);
  a->set_difficulty(in.difficulty);
  a->set_business_value(in.business_value);
  a->set_time_criticality(in.time_criticality);
  a->set_risk_reduction(in.risk_reduction);
  if (in.rice_reach) a->set_rice_reach(*in.rice_reach);
  if (in.rice_impact) a->set_rice_impact(*in.rice_impact);
  if (in.rice_confidence) a->set_rice_confidence(*in.rice_confidence);
  if (in.rice_effort) a->set_rice_effort(*in.rice_effort);
}

absl::StatusOr<Task> TaskFromProto(const v1::Task& in,
                                   absl::string_view field) {
  Task out;
  out.id = in.id();
  out.title = in.title();
  out.duration_days = in.duration_days();
  if (in.has_optimistic_days()) out.optimistic_days = in.optimistic_days();
  if (in.has_pessimistic_days()) out.pessimistic_days = in.pessimistic_days();
  out.attributes = AttributesFromProto(in.attributes());
  ASSIGN_OR_RETURN(
      out.fixed_deadline,
      OptionalDayFromProto(in.fixed_deadline(),
                           absl::StrCat(field, ".fixed_deadline")));
  out.flagged = in.flagged();
  out.optional = in.optional();
  for (const v1::ResourceDemand& demand : in.demands()) {
    out.demands.push_back({demand.pool(),
                           demand.units() == 0 ? 1 : demand.units(),
                           demand.member()});
  }
  ASSIGN_OR_RETURN(
      out.progress,
      ProgressFromProto(in.progress(), absl::StrCat(field, ".progress")));
  return out;
}

void TaskToProto(const Task& in, v1::Task* out) {
  out->set_id(in.id);
  out->set_title(in.title);
  out->set_duration_days(in.duration_days);
  if (in.optimistic_days) out->set_optimistic_days(*in.optimistic_days);
  if (in.pessimistic_days) out->set_pessimistic_days(*in.pessimistic_days);
  AttributesToProto(in.attributes, out->mutable_attributes());
  if (in.fixed_deadline) {
    *out->mutable_fixed_deadline() = DayToProto(*in.fixed_deadline);
  }
  out->set_flagged(in.flagged);
  out->set_optional(in.optional);
  for (const ResourceDemand& demand : in.demands) {
    v1::ResourceDemand* d = out->add_demands();
    d->set_pool(demand.pool);
    d->set_units(demand.units);
    d->set_member(demand.member);
  }
  if (in.progress.status != TaskStatus::kNotStarted) {
    ProgressToProto(in.progress, out->mutable_progress());
  }
}

Goal GoalFromProto(const v1::Goal& in) {
  Goal out;
  out.id = in.id();
  out.title = in.title();
  out.sub_goal_ids.assign(in.sub_goal_ids().begin(), in.sub_goal_ids().end());
  out.task_ids.assign(in.task_ids().begin(), in.task_ids().end());
  switch (in.state()) {
    case v1::OPEN:
      out.state = GoalState::kOpen;
      break;
    case v1::FACT:
      out.state = GoalState::kFact;
      break;
    default:
      out.state = GoalState::kBrokenDown;
  }
  out.recipe = in.recipe();
  out.optional = in.optional();
  return out;
}

void GoalToProto(const Goal& in, v1::Goal* out) {
  out->set_id(in.id);
  out->set_title(in.title);
  for (const std::string& id : in.sub_goal_ids) out->add_sub_goal_ids(id);
  for (const std::string& id : in.task_ids) out->add_task_ids(id);
  switch (in.state) {
    case GoalState::kBrokenDown:
      out->set_state(v1::BROKEN_DOWN);
      break;
    case GoalState::kOpen:
      out->set_state(v1::OPEN);
      break;
    case GoalState::kFact:
      out->set_state(v1::FACT);
      break;
  }
  out->set_recipe(in.recipe);
  out->set_optional(in.optional);
}

absl::StatusOr<Plan> PlanFromProto(const v1::Plan& in) {
  Plan out;
  out.id = in.id();
  out.tenant = in.tenant();
  out.version = in.version();
  out.outcome.title = in.outcome().title();
  out.outcome.success_criteria.assign(in.outcome().success_criteria().begin(),
                                      in.outcome().success_criteria().end());
  ASSIGN_OR_RETURN(
      out.outcome.target_date,
      DayFromProto(in.outcome().target_date(), "outcome.target_date"));
  ASSIGN_OR_RETURN(
      out.outcome.start_date,
      OptionalDayFromProto(in.outcome().start_date(), "outcome.start_date"));
  out.outcome.facts.assign(in.outcome().facts().begin(),
                           in.outcome().facts().end());
  out.outcome_goal_id = in.outcome_goal_id();
  out.goals.reserve(in.goals_size());
  for (const v1::Goal& goal : in.goals())
    out.goals.push_back(GoalFromProto(goal));
  out.tasks.reserve(in.tasks_size());
  for (int i = 0; i < in.tasks_size(); ++i) {
    ASSIGN_OR_RETURN(
        Task task, TaskFromProto(in.tasks(i), absl::StrCat("tasks[", i, "]")));
    out.tasks.push_back(std::move(task));
  }
  out.dependencies.reserve(in.dependencies_size());
  for (const v1::Dependency& dep : in.dependencies()) {
    out.dependencies.push_back(
        {dep.predecessor_id(), dep.successor_id(), dep.lag_days()});
  }
  ASSIGN_OR_RETURN(out.calendar, CalendarFromProto(in.calendar()));
  for (int i = 0; i < in.resources_size(); ++i) {
    const v1::ResourcePool& pool = in.resources(i);
    ResourcePool p;
    p.name = pool.name();
    p.capacity = pool.capacity();
    p.members.assign(pool.members().begin(), pool.members().end());
    for (int r = 0; r < pool.reduced_days_size(); ++r) {
      ASSIGN_OR_RETURN(
          absl::CivilDay day,
          DayFromProto(
              pool.reduced_days(r).day(),
              absl::StrCat("resources[", i, "].reduced_days[", r, "].day")));
      p.reduced_days.push_back({day, pool.reduced_days(r).capacity()});
    }
    for (int c = 0; c < pool.member_calendars_size(); ++c) {
      const v1::MemberCalendar& in_calendar = pool.member_calendars(c);
      const std::string field =
          absl::StrCat("resources[", i, "].member_calendars[", c, "]");
      MemberCalendar calendar;
      calendar.member = in_calendar.member();
      for (int w = 0; w < in_calendar.working_weekdays_size(); ++w) {
        const int value = in_calendar.working_weekdays(w);
        if (value < v1::MONDAY || value > v1::SUNDAY) {
          return absl::InvalidArgumentError(absl::StrCat(
              field, ".working_weekdays[", w, "]: member \"", calendar.member,
              "\": ", value, " is not a weekday (1 = Monday .. 7 = Sunday)"));
        }
        calendar.working_weekdays.push_back(
            WeekdayFromProto(in_calendar.working_weekdays(w)));
      }
      for (int d = 0; d < in_calendar.days_off_size(); ++d) {
        ASSIGN_OR_RETURN(
            absl::CivilDay day,
            DayFromProto(in_calendar.days_off(d),
                         absl::StrCat(field, ".days_off[", d, "]")));
        calendar.days_off.push_back(day);
      }
      p.member_calendars.push_back(std::move(calendar));
    }
    out.resources.push_back(std::move(p));
  }
  return out;
}

void PlanToProto(const Plan& in, v1::Plan* out) {
  out->set_id(in.id);
  out->set_tenant(in.tenant);
  out->set_version(in.version);
  v1::Outcome* outcome = out->mutable_outcome();
  outcome->set_title(in.outcome.title);
  for (const std::string& c : in.outcome.success_criteria) {
    outcome->add_success_criteria(c);
  }
  *outcome->mutable_target_date() = DayToProto(in.outcome.target_date);
  if (in.outcome.start_date) {
    *outcome->mutable_start_date() = DayToProto(*in.outcome.start_date);
  }
  for (const std::string& fact : in.outcome.facts) outcome->add_facts(fact);
  out->set_outcome_goal_id(in.outcome_goal_id);
  for (const Goal& goal : in.goals) GoalToProto(goal, out->add_goals());
  for (const Task& task : in.tasks) TaskToProto(task, out->add_tasks());
  for (const Dependency& dep : in.dependencies) {
    v1::Dependency* d = out->add_dependencies();
    d->set_predecessor_id(dep.predecessor_id);
    d->set_successor_id(dep.successor_id);
    d->set_lag_days(dep.lag_days);
  }
  CalendarToProto(in.calendar, out->mutable_calendar());
  for (const ResourcePool& pool : in.resources) {
    v1::ResourcePool* p = out->add_resources();
    p->set_name(pool.name);
    p->set_capacity(pool.capacity);
    for (const std::string& m : pool.members) p->add_members(m);
    for (const CapacityException& e : pool.reduced_days) {
      v1::CapacityException* r = p->add_reduced_days();
      *r->mutable_day() = DayToProto(e.day);
      r->set_capacity(e.capacity);
    }
    for (const MemberCalendar& calendar : pool.member_calendars) {
      v1::MemberCalendar* c = p->add_member_calendars();
      c->set_member(calendar.member);
      for (absl::Weekday weekday : calendar.working_weekdays) {
        c->add_working_weekdays(WeekdayToProto(weekday));
      }
      for (absl::CivilDay day : calendar.days_off) {
        *c->add_days_off() = DayToProto(day);
      }
    }
  }
}

}  // namespace backplan
