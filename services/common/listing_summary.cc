#include "services/common/listing_summary.h"

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace backplan {
namespace {

// The longest prefix of `text` of at most `max` bytes that does not split a
// UTF-8 sequence.
absl::string_view Utf8Prefix(absl::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

}  // namespace

std::string PlanListingSummary(const v1::Plan& plan) {
  v1::PlanSummary summary;
  summary.set_title(
      std::string(Utf8Prefix(plan.outcome().title(), kMaxSummaryTitleBytes)));
  if (plan.outcome().has_target_date()) {
    *summary.mutable_target_date() = plan.outcome().target_date();
  }
  summary.set_task_count(plan.tasks_size());
  return summary.SerializeAsString();
}

std::string ScheduleListingSummary(const v1::Timeline& timeline) {
  v1::PlanSummary summary;
  summary.set_feasibility(timeline.feasible() ? v1::FEASIBLE : v1::INFEASIBLE);
  if (!timeline.feasible()) summary.set_days_short(timeline.days_short());
  return summary.SerializeAsString();
}

void ListedPlanToProto(const PlanSummary& listed, v1::PlanSummary* out) {
  out->Clear();
  v1::PlanSummary part;
  if (!listed.summary.empty() && part.ParseFromString(listed.summary)) {
    out->set_title(part.title());
    if (part.has_target_date()) {
      *out->mutable_target_date() = part.target_date();
    }
    out->set_task_count(part.task_count());
    out->set_feasibility(v1::UNSCHEDULED);
  }
  part.Clear();
  if (listed.schedule_plan_version > 0) {
    out->set_schedule_version(listed.schedule_plan_version);
    // A schedule stored before summaries existed: feasibility not recorded.
    out->set_feasibility(v1::FEASIBILITY_UNSPECIFIED);
    if (!listed.schedule_summary.empty() &&
        part.ParseFromString(listed.schedule_summary)) {
      out->set_feasibility(part.feasibility());
      out->set_days_short(part.days_short());
    }
  }
  out->set_plan_id(listed.plan_id);
  out->set_version(listed.version);
  if (listed.updated_at != absl::InfinitePast()) {
    out->set_updated_unix_micros(absl::ToUnixMicros(listed.updated_at));
  }
}

}  // namespace backplan
