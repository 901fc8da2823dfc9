// Checks on the inputs of Prioritize() (prioritize.h): the options on their
// own, and each task's attributes. Internal to libs/prioritize.
#ifndef BACKPLAN_LIBS_PRIORITIZE_PRIORITIZE_OPTIONS_H_
#define BACKPLAN_LIBS_PRIORITIZE_PRIORITIZE_OPTIONS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "libs/core/plan.h"
#include "libs/prioritize/prioritize.h"

namespace backplan {

// `tasks[<index>].<field>: task "<id>"`, the prefix of every message about
// one task's input.
std::string TaskField(const Plan& plan, int index, absl::string_view field);

// INVALID_ARGUMENT for options wrong in themselves, whatever the plan (see
// Prioritize() in prioritize.h for the list), naming the request field.
absl::Status ValidateOptions(const PrioritizeOptions& options);

// INVALID_ARGUMENT, naming the task and the field, for a 1-10 attribute out
// of range or a RICE input out of its range; with `need_rice`, also for a
// missing RICE input.
absl::Status CheckTaskAttributes(const Plan& plan, int index, bool need_rice);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_PRIORITIZE_PRIORITIZE_OPTIONS_H_
