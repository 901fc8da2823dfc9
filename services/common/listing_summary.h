// Listing summaries: what ListPlans shows of a plan (decomposition.proto
// PlanSummary), kept at write time so a listing never parses plans.
//
//   // Every plan write (CreatePlan, Decompose, EditPlan, ReportProgress):
//   EventInfo event{"plan.edited", request_id, caller,
//                   PlanListingSummary(plan)};
//   // Every stored schedule write (Schedule by id, ReportProgress):
//   EventInfo event{"schedule.updated", request_id, caller,
//                   ScheduleListingSummary(response.timeline())};
//   // ListPlans:
//   ListedPlanToProto(page.plans[i], response.add_plans());
//
// Both summaries are serialized v1::PlanSummary messages holding only the
// fields their writer knows (the plan's title, target date and task count;
// the schedule's feasibility and days short); the listing merges them with
// what the store recorded (id, version, write time, the schedule's plan
// version). Each is far below PlanStore's kMaxSummaryBytes: the title is
// cut to kMaxSummaryTitleBytes.
#ifndef BACKPLAN_SERVICES_COMMON_LISTING_SUMMARY_H_
#define BACKPLAN_SERVICES_COMMON_LISTING_SUMMARY_H_

#include <cstddef>
#include <string>

#include "backplan/v1/decomposition.pb.h"
#include "backplan/v1/plan.pb.h"
#include "backplan/v1/scheduling.pb.h"
#include "libs/store/plan_store.h"

namespace backplan {

// Longest outcome title kept in a summary (cut at a UTF-8 boundary).
inline constexpr size_t kMaxSummaryTitleBytes = 512;

// The plan's part of its listing: outcome title, target date, task count.
std::string PlanListingSummary(const v1::Plan& plan);

// The schedule's part: FEASIBLE, or INFEASIBLE with the days short.
std::string ScheduleListingSummary(const v1::Timeline& timeline);

// The listed plan as the wire message. Summaries that do not parse (never
// written by these functions) leave their fields empty; a plan with a plan
// summary but no stored schedule lists as UNSCHEDULED, one whose schedule
// carries no summary as FEASIBILITY_UNSPECIFIED.
void ListedPlanToProto(const PlanSummary& listed, v1::PlanSummary* out);

}  // namespace backplan

#endif  // BACKPLAN_SERVICES_COMMON_LISTING_SUMMARY_H_
