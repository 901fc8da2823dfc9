// `backplan`: the command-line client of the Backplan services. Parses flags
// (flags.cc) and hands the command to RunCommand (commands.h).
#include <iostream>
#include <string>
#include <vector>

#include "libs/common/version.h"
#include "tools/backplan/args.h"
#include "tools/backplan/commands.h"
#include "tools/backplan/flags.h"

int main(int argc, char** argv) {
  namespace cli = backplan::cli;
  if (argc == 2 && std::string(argv[1]) == "--version") {
    std::cout << backplan::VersionLine("backplan");
    return cli::kExitOk;
  }
  const absl::StatusOr<cli::ParsedArgs> args =
      cli::ParseArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) {
    std::cerr << "backplan: " << args.status().message() << "\n";
    return cli::kExitUsage;
  }
  if (args->help) {
    std::cout << cli::HelpText();
    return cli::kExitOk;
  }
  return cli::RunCommand(args->positional, cli::OptionsFromFlags(*args),
                         std::cout, std::cerr);
}
