// Command-line parsing for the `backplan` tool on top of Abseil flags, with
// the tool's own exit codes: absl::ParseCommandLine exits with status 1 on an
// unknown flag or a bad value, where `backplan` promises 2 for usage errors.
//
//   ABSL_FLAG(int, timeout_s, 30, "...");   // flags are defined as usual
//   absl::StatusOr<ParsedArgs> args = ParseArgs({"plan", "--timeout_s=5",
//   "f"});
//   // args->positional == {"plan", "f"}, absl::GetFlag(FLAGS_timeout_s) == 5
//
// Accepted forms: --name=value, --name value, -name=value, --bool_flag,
// --nobool_flag; `--` ends flags. --help, -h and -help set ParsedArgs::help.
// Flags may appear before or after the command and its arguments.
#ifndef BACKPLAN_TOOLS_BACKPLAN_ARGS_H_
#define BACKPLAN_TOOLS_BACKPLAN_ARGS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace backplan::cli {

struct ParsedArgs {
  std::vector<std::string> positional;  // The command and its arguments.
  bool help = false;                    // --help, -h or -help was given.
  // Every flag given, in order, as (name, value), so that a flag may be
  // repeated (`--task a:... --task b:...`); the Abseil flag keeps the last.
  std::vector<std::pair<std::string, std::string>> flag_values;
};

// Parses `args` (without the program name) and sets the flags it names.
// INVALID_ARGUMENT with a one-line message for an unknown flag, a missing or
// bad value.
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_ARGS_H_
