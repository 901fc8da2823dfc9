// `backplan apply FILE --plan ID`: updates a stored plan from its plan file
// as one versioned edit (one EditPlan call, one new version), and
// `backplan list`'s table.
//
//   backplan plan examples/kindle.yaml          # creates, prints the id
//   $EDITOR examples/kindle.yaml                # move the target, add a task
//   backplan apply examples/kindle.yaml --plan plan-1a2b...
//   plan plan-1a2b... version 2 (3 edits)
//   backplan apply examples/kindle.yaml --plan plan-1a2b...
//   plan plan-1a2b... version 2 (unchanged)
//
// The edits are the difference between the stored plan and the file: tasks
// and goals removed, added and changed, dependencies removed and added, and
// the outcome, calendar and pools replaced where they differ. Applying a file
// that matches the stored plan sends nothing and keeps the version. Without
// --base_version the edit is based on the version read and retried as
// edit_retry.h says.
#ifndef BACKPLAN_TOOLS_BACKPLAN_APPLY_COMMAND_H_
#define BACKPLAN_TOOLS_BACKPLAN_APPLY_COMMAND_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "backplan/v1/decomposition.pb.h"
#include "backplan/v1/plan.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "tools/backplan/client.h"

namespace backplan::cli {

// apply FILE --plan ID [--base_version N].
int RunApply(Client& client, const std::vector<std::string>& args);

// Appends to `edits` the edits that turn `stored` into `file` (see the file
// comment); none when they already match. INVALID_ARGUMENT when the file
// repeats a task or goal id, or names another outcome_goal_id than the
// stored plan (which no edit changes).
absl::Status PlanFileEdits(
    const v1::Plan& stored, const v1::Plan& file,
    google::protobuf::RepeatedPtrField<v1::PlanEdit>* edits);

// The `list` table: id, title, target, version, tasks, feasibility (with the
// schedule's plan version when it is older than the plan) and the time of
// the last change (UTC); "no plans" when empty.
std::string FormatPlanList(const v1::ListPlansResponse& list);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_APPLY_COMMAND_H_
