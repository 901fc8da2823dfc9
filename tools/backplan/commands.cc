#include "tools/backplan/commands.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/channel/credentials.h"
#include "tools/backplan/ahp_command.h"
#include "tools/backplan/apply_command.h"
#include "tools/backplan/client.h"
#include "tools/backplan/edit_commands.h"
#include "tools/backplan/options_command.h"
#include "tools/backplan/plan_commands.h"
#include "tools/backplan/prioritize_command.h"
#include "tools/backplan/progress_command.h"
#include "tools/backplan/recipe_commands.h"
#include "tools/backplan/simulate_command.h"

namespace backplan::cli {

int RunCommand(const std::vector<std::string>& args, const Options& options,
               std::ostream& out, std::ostream& err) {
  Client client(options, out, err);
  if (args.empty()) {
    err << HelpText();
    return kExitUsage;
  }
  if (options.timeout_s <= 0) {
    return client.Usage("--timeout_s must be a positive number of seconds");
  }
  for (char c : options.tenant) {
    if (c < 0x20 || c > 0x7e) {
      return client.Usage("--tenant must be printable ASCII");
    }
  }
  if (absl::Status security =
          channel::ClientCredentials(options.security).status();
      !security.ok()) {
    return client.Usage(security.message());
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "help") {
    out << HelpText();
    return kExitOk;
  }
  if (command == "plan") return RunPlan(client, rest);
  if (command == "get") return RunGet(client, rest);
  if (command == "list") return RunList(client, rest);
  if (command == "delete") return RunDelete(client, rest);
  if (command == "schedule") return RunSchedule(client, rest);
  if (command == "prioritize") return RunPrioritize(client, rest);
  if (command == "export") return RunExport(client, rest);
  if (command == "decompose") return RunDecompose(client, rest);
  if (command == "books") return RunBooks(client, rest);
  if (command == "edit") return RunEdit(client, rest);
  if (command == "apply") return RunApply(client, rest);
  if (command == "watch") return RunWatch(client, rest);
  if (command == "ahp") return RunAhp(client, rest);
  if (command == "simulate") return RunSimulate(client, rest);
  if (command == "options") return RunOptions(client, rest);
  if (command == "progress") return RunProgress(client, rest);
  return client.Usage(
      absl::StrCat("unknown command \"", command, "\" (see backplan --help)"));
}

}  // namespace backplan::cli
