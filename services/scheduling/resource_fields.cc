// The people side of resource-constrained timelines in protobuf: resource
// slack, what each task waits for, how the search ended, and the stored
// assignees a progress re-plan keeps (scheduling_internal.h).
#include <string>
#include <vector>

#include "libs/convert/plan_convert.h"
#include "services/scheduling/scheduling_internal.h"

namespace backplan::scheduling_internal {

void SearchToProto(const ResourceTimeline& timeline,
                   const ResourceScheduleOptions& options, int why,
                   v1::Timeline* out) {
  if (why == kSearchStoppedByCall) {
    out->set_search_stopped_by("stopped");
  } else if (why == kSearchStoppedByTime) {
    out->set_search_stopped_by("time limit");
  } else if (timeline.schedules >= options.max_schedules) {
    out->set_search_stopped_by("budget");
  } else {
    out->set_search_stopped_by("lower bound");
  }
  out->set_max_schedules(options.max_schedules);
  out->set_seed(options.seed);
}

void WaitToProto(const ResourceTimeline& timeline, int index,
                 v1::ScheduledTask* out) {
  if (index >= static_cast<int>(timeline.waits.size())) return;
  out->set_resource_slack_days(
      static_cast<int32_t>(timeline.resource_slack_days[index]));
  out->set_resource_critical(timeline.resource_critical[index]);
  const ResourceWait& wait = timeline.waits[index];
  if (wait.kind == ResourceWait::Kind::kNone) return;
  v1::ResourceWait* w = out->mutable_waits_for();
  switch (wait.kind) {
    case ResourceWait::Kind::kNone:
      break;
    case ResourceWait::Kind::kDependency:
      w->set_kind(v1::ResourceWait::DEPENDENCY);
      break;
    case ResourceWait::Kind::kPool:
      w->set_kind(v1::ResourceWait::POOL);
      break;
    case ResourceWait::Kind::kShortDay:
      w->set_kind(v1::ResourceWait::SHORT_DAY);
      *w->mutable_day() = DayToProto(wait.day);
      break;
  }
  w->set_task_id(wait.task);
  w->set_pool(wait.pool);
  w->set_member(wait.member);
  w->set_text(wait.text);
}

ExportPeople PeopleOf(const ResourceTimeline& timeline) {
  ExportPeople people;
  people.assignees = timeline.assignees;
  people.resource_slack_days = timeline.resource_slack_days;
  people.resource_critical = timeline.resource_critical;
  for (const ResourceWait& wait : timeline.waits) {
    people.waits.push_back(wait.text);
  }
  return people;
}

absl::flat_hash_map<std::string, std::vector<std::string>> StoredAssignees(
    const std::string& data) {
  absl::flat_hash_map<std::string, std::vector<std::string>> out;
  v1::ScheduleResponse stored;
  if (!stored.ParseFromString(data)) return out;
  for (const v1::ScheduledTask& task : stored.timeline().tasks()) {
    if (task.assignees_size() == 0) continue;
    out[task.id()].assign(task.assignees().begin(), task.assignees().end());
  }
  return out;
}

}  // namespace backplan::scheduling_internal
