// Sending a plan edit without copying versions around: the `edit` and
// `apply` commands read the plan, build their edits from what they read and
// send them based on that version. When another edit lands first (ABORTED),
// they read the plan again and retry only if every node their edits touch
// is exactly as it was; otherwise they report the conflict, naming the
// node, and write nothing. Never a silent merge.
//
//   v1::EditPlanResponse response;
//   int code = SendPlanEdit(client, plan_id,
//       [&](const v1::Plan& read, v1::EditPlanRequest* request) {
//         request->add_edits()->mutable_remove()->set_id("t-old");
//         return kExitOk;
//       }, &response);
//
// With --base_version N (scripts) the edit is based on N and an ABORTED is
// reported as the server said it, without a retry.
//
// Test hook: when the environment variable BACKPLAN_TEST_PAUSE_AFTER_READ
// is set, the first read is followed by the line "backplan: paused after
// reading version N" on err and a wait for one line on standard input, so
// an end-to-end test can land a concurrent edit at exactly that moment.
#ifndef BACKPLAN_TOOLS_BACKPLAN_EDIT_RETRY_H_
#define BACKPLAN_TOOLS_BACKPLAN_EDIT_RETRY_H_

#include <functional>
#include <string>
#include <vector>

#include "backplan/v1/decomposition.pb.h"
#include "backplan/v1/plan.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "tools/backplan/client.h"

namespace backplan::cli {

// Attempts in all (the first and the retries) before giving up on a plan
// that keeps changing elsewhere.
inline constexpr int kMaxEditAttempts = 5;

// What `edits` touch, sorted and unique: every task or goal id they name
// (added, changed, removed, a dependency's ends, an expanded goal and what
// it adds) and the parts they replace, as "(outcome)", "(calendar)" and
// "(pools)".
std::vector<std::string> TouchedNodes(
    const google::protobuf::RepeatedPtrField<v1::PlanEdit>& edits);

// The first of `touched` whose state differs between `read` and `now`, for
// a person ("task \"t-a\"", "goal \"g\"", "the outcome", "the calendar",
// "the pools"); "" when none does. A node's state is its task or goal
// message (or its absence) and every dependency naming it; the outcome's
// includes outcome_goal_id.
std::string FirstChangedNode(const v1::Plan& read, const v1::Plan& now,
                             const std::vector<std::string>& touched);

// Fills `request`'s edits from the plan as read; returns kExitOk or the exit
// code after printing why not.
using EditBuilder =
    std::function<int(const v1::Plan& read, v1::EditPlanRequest* request)>;

// Reads plan `plan_id`, builds the edits and sends them (see the file
// comment). Returns kExitOk with `response` filled, or the exit code after
// printing the error or the conflict. When `build` adds no edit nothing is
// sent: `response` is the plan as read, marked unchanged.
int SendPlanEdit(Client& client, const std::string& plan_id,
                 const EditBuilder& build, v1::EditPlanResponse* response);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_EDIT_RETRY_H_
