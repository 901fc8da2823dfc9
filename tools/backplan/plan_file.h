// Loads a plan file for the `backplan` tool: YAML or JSON (JSON is read as
// YAML) whose keys mirror the v1::Plan message (proto/backplan/v1/plan.proto),
// with dates written as "YYYY-MM-DD" strings and enums by name.
//
//   outcome:
//     title: Customers buy any book on the device in under a minute
//     target_date: 2027-06-30
//   outcome_goal_id: g-outcome
//   goals:
//     - {id: g-outcome, title: ..., task_ids: [t-a]}
//   tasks:
//     - {id: t-a, title: ..., duration_days: 10,
//        attributes: {importance: 8, difficulty: 3}}
//   dependencies:
//     - {predecessor_id: t-a, successor_id: t-b, lag_days: 2}
//   calendar:
//     working_weekdays: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY]
//     holidays: [2027-05-31]
//
//   absl::StatusOr<v1::Plan> plan = LoadPlanFile("examples/kindle.yaml");
//
// Field names are the proto names (snake_case; lowerCamelCase JSON names are
// accepted too). Every key must be a field of the message it sits in: an
// unknown key, a duplicate key, a value of the wrong kind, a number out of
// range or a date that does not exist is an error. A null value (`key:` with
// nothing after it) leaves the field unset. Dates may also be written as
// {year, month, day} maps. The loader checks the form of the file only; the
// meaning (references, cycles, ranges) is checked by the services.
//
// Errors are INVALID_ARGUMENT (NOT_FOUND when the file cannot be read). The
// message has one line per mistake naming the file, the 1-based line and
// column and the field, e.g.
//   examples/bad.yaml:12:20: tasks[3].duration_days: "ten" is not an integer
// Up to 20 mistakes are listed at once, then a line "FILE: ... and N more".
// A YAML syntax error stops the parser: it is the only line, with a hint at
// its usual cause ("...: YAML syntax: illegal map value (hint: ...)").
#ifndef BACKPLAN_TOOLS_BACKPLAN_PLAN_FILE_H_
#define BACKPLAN_TOOLS_BACKPLAN_PLAN_FILE_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "backplan/v1/plan.pb.h"

namespace backplan::cli {

// Reads and parses the file at `path`. NOT_FOUND when it cannot be read,
// INVALID_ARGUMENT (as above) when its content is wrong.
absl::StatusOr<v1::Plan> LoadPlanFile(absl::string_view path);

// Parses `text` as a plan file; `file_name` only labels error messages.
absl::StatusOr<v1::Plan> ParsePlanText(absl::string_view text,
                                       absl::string_view file_name);

// The day "YYYY-MM-DD" names, or std::nullopt when the text is not of that
// form or the day does not exist (2027-02-30).
std::optional<absl::CivilDay> ParseIsoDay(absl::string_view text);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_PLAN_FILE_H_
