// The commands of the `backplan` tool: each turns its arguments into calls on
// the three services and prints the answer as tables (or protobuf JSON).
//
//   Options options;                       // addresses, tenant, timeout...
//   int code = RunCommand({"plan", "examples/kindle.yaml"}, options,
//                         std::cout, std::cerr);
//
// Every call gets a deadline of Options::timeout_s, an `x-request-id`
// metadata entry with a fresh id and, when Options::tenant is set, an
// `x-backplan-tenant` entry. Channels are plain (insecure) for now.
//
// Exit codes: kExitOk; kExitServerError when a service answered with an
// error or could not be reached; kExitUsage for a bad command line or a bad
// plan file. Every error is one line on `err` starting with "backplan: ".
#ifndef BACKPLAN_TOOLS_BACKPLAN_COMMANDS_H_
#define BACKPLAN_TOOLS_BACKPLAN_COMMANDS_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "libs/channel/credentials.h"
#include "tools/backplan/format.h"  // FormatTimeline, FormatPriorities.

namespace backplan::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitServerError = 1;
inline constexpr int kExitUsage = 2;

// The flags each command reads, one struct per command group; Options
// (below) holds them all, so a command reads `options.<field>` whichever
// group the field belongs to. flags.cc fills them from the command line.

// Every command: where the services are and how to call them.
struct ConnectionFlags {
  std::string decomposition_address = "127.0.0.1:50051";
  std::string prioritization_address = "127.0.0.1:50052";
  std::string scheduling_address = "127.0.0.1:50053";
  std::string tenant;  // Empty: none sent (the server's default tenant).
  // TLS, client certificate and bearer token for every service.
  channel::ClientSecurity security;
  int timeout_s = 30;  // Per call, > 0.
  bool json = false;   // Print protobuf JSON instead of tables.
  bool wide = false;   // --wide: tables as wide as their cells, none cut.

  // The longest output line tables may print: 0 (unlimited) with --wide.
  size_t line_width() const { return wide ? 0 : kDefaultLineWidth; }
};

// schedule, plan and export (plan_commands.h).
struct ScheduleFlags {
  std::string mode;  // "", "backward" or "forward".
  // Resource search of plans with people (0: the server's default); the
  // search's seed is SimulateFlags::seed.
  int max_schedules = 0;
  int time_limit_ms = 0;
};

// export (plan_commands.h).
struct ExportFlags {
  std::string format;  // Export format: ics, mermaid, csv, html or svg.
  // ICS export: "vtodo", "deadline", "span" or "" (the server's default).
  std::string ics_events;
};

// prioritize (prioritize_command.h).
struct PrioritizeFlags {
  std::string method;  // Prioritization method name; "" = server default.
  // WEIGHTED weights, "criterion=weight,..." (e.g. "importance=0.6,...").
  std::string weights;
  bool explain = false;  // Print the contributions too.
  bool urgency = false;  // urgency_from_schedule.
};

// decompose (recipe_commands.h); `target` is also the target of options.
struct DecomposeFlags {
  std::string recipes;             // --recipes FILE: an inline YAML book.
  std::string book;                // --book NAME: a stored book.
  std::string target;              // --target YYYY-MM-DD (required).
  std::string start;               // --start YYYY-MM-DD; "" = server's today.
  std::string strategy;            // "", "cheapest" or "first_applicable".
  bool store = false;              // --store: create the plan too.
  std::vector<std::string> facts;  // --fact, repeatable.
};

// books put (recipe_commands.h).
struct BooksFlags {
  int64_t expected_version = 0;  // 0: create.
};

// edit (edit_commands.h).
struct EditFlags {
  // edit/apply/progress: the version the change is based on; 0 = the
  // current one.
  int64_t base_version = 0;
  std::string plan;                // --plan of apply: the stored plan.
  std::string id;                  // --id of the task or goal.
  std::string title;               // --title; "" = unchanged.
  int days = -1;                   // --days; -1 = not given.
  std::vector<std::string> goals;  // --goal, repeatable (add-task: one).
  std::vector<std::string> tasks;  // --task id:title:days, repeatable.
  std::string parent;              // --parent goal of add-goal.
  bool open = false;               // --open: add-goal creates an OPEN goal.
  int lag = 0;                     // --lag of add-dep, working days.
  int importance = 0;              // 1..10; 0 = not given.
  int difficulty = 0;              // 1..10; 0 = not given.
};

// watch (edit_commands.h).
struct WatchFlags {
  int64_t from_version = 0;
};

// ahp (ahp_command.h).
struct AhpFlags {
  // Consistency threshold; 0 = the file's, else the server's default.
  double threshold = 0;
};

// simulate and options (simulate_command.h, options_command.h).
struct SimulateFlags {
  int iterations = 0;  // Runs; 0: the server's 1000.
  uint64_t seed = 0;   // Also the resource search's seed.
};

// options (options_command.h).
struct OptionsCommandFlags {
  // The confidence the target must hold at; 0 = deterministic.
  double confidence = 0;
};

// progress (progress_command.h). --task and --base_version are EditFlags'.
inline constexpr int kRemainingNotGiven = -1000000;
struct ProgressFlags {
  std::string done;  // --done YYYY-MM-DD: DONE, last worked day.
  int remaining = kRemainingNotGiven;  // --remaining N: IN_PROGRESS.
  std::string started;                 // --started YYYY-MM-DD: actual start.
  std::string as_of;  // --as_of YYYY-MM-DD; "" = the server's today.
};

// Every flag of the tool.
struct Options : ConnectionFlags,
                 ScheduleFlags,
                 ExportFlags,
                 PrioritizeFlags,
                 DecomposeFlags,
                 BooksFlags,
                 EditFlags,
                 WatchFlags,
                 AhpFlags,
                 SimulateFlags,
                 OptionsCommandFlags,
                 ProgressFlags {};

// Runs `args` (the command and its arguments, flags already parsed into
// `options`). Results go to `out`, errors to `err`; returns the exit code.
int RunCommand(const std::vector<std::string>& args, const Options& options,
               std::ostream& out, std::ostream& err);

// The text of `backplan --help`: commands and flags (help.cc).
std::string HelpText();

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_COMMANDS_H_
