// The `backplan` tool's command-line flags (Abseil flags, defined in
// flags.cc and linked only into the binary) and their translation into
// Options.
//
//   absl::StatusOr<ParsedArgs> args = ParseArgs(...);  // sets the flags
//   Options options = OptionsFromFlags(*args);
#ifndef BACKPLAN_TOOLS_BACKPLAN_FLAGS_H_
#define BACKPLAN_TOOLS_BACKPLAN_FLAGS_H_

#include "tools/backplan/args.h"
#include "tools/backplan/commands.h"

namespace backplan::cli {

// Options from the current flag values; repeatable flags (--fact, --goal,
// --task) take every occurrence from `args.flag_values`, in order.
Options OptionsFromFlags(const ParsedArgs& args);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_FLAGS_H_
