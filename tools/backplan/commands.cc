#include "tools/backplan/commands.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "backplan/v1/decomposition.grpc.pb.h"
#include "backplan/v1/prioritization.grpc.pb.h"
#include "backplan/v1/scheduling.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "tools/backplan/ahp_command.h"
#include "tools/backplan/client.h"
#include "tools/backplan/edit_commands.h"
#include "tools/backplan/options_command.h"
#include "tools/backplan/plan_file.h"
#include "tools/backplan/recipe_commands.h"
#include "tools/backplan/simulate_command.h"
#include "tools/backplan/table.h"

namespace backplan::cli {
namespace {

std::string KindName(v1::NodeKind kind) {
  switch (kind) {
    case v1::TASK:
      return "task";
    case v1::GOAL:
      return "goal";
    case v1::OUTCOME:
      return "outcome";
    default:
      return "?";
  }
}

std::string WhyDeadline(const v1::DeadlineReason& reason) {
  switch (reason.kind()) {
    case v1::DeadlineReason::SUCCESSOR:
      return absl::StrCat("before ", reason.successor_id());
    case v1::DeadlineReason::FIXED_DEADLINE:
      return "fixed deadline";
    case v1::DeadlineReason::TARGET:
      return "target date";
    default:
      return "";
  }
}

std::string TierName(v1::Tier tier) {
  switch (tier) {
    case v1::MUST:
      return "must";
    case v1::SHOULD:
      return "should";
    case v1::COULD:
      return "could";
    case v1::WONT:
      return "won't";
    default:
      return "";
  }
}

std::string Number(double value) { return absl::StrFormat("%.3g", value); }

// Which of a stored plan's id or a plan file an argument names: a path that
// exists, or that ends like a plan file, is a file.
bool LooksLikeFile(const std::string& arg) {
  std::error_code error;
  if (std::filesystem::is_regular_file(arg, error)) return true;
  const std::string lower = absl::AsciiStrToLower(arg);
  return absl::EndsWith(lower, ".yaml") || absl::EndsWith(lower, ".yml") ||
         absl::EndsWith(lower, ".json");
}

class Runner : public Client {
 public:
  Runner(const Options& options, std::ostream& out, std::ostream& err)
      : Client(options, out, err) {}

  int Run(const std::vector<std::string>& args) {
    if (args.empty()) {
      err_ << HelpText();
      return kExitUsage;
    }
    if (options_.timeout_s <= 0) {
      return Usage("--timeout_s must be a positive number of seconds");
    }
    for (char c : options_.tenant) {
      if (c < 0x20 || c > 0x7e) {
        return Usage("--tenant must be printable ASCII");
      }
    }
    if (absl::Status security =
            channel::ClientCredentials(options_.security).status();
        !security.ok()) {
      return Usage(security.message());
    }
    const std::string& command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "help") {
      out_ << HelpText();
      return kExitOk;
    }
    if (command == "plan") return Plan(rest);
    if (command == "get") return Get(rest);
    if (command == "list") return List(rest);
    if (command == "delete") return Delete(rest);
    if (command == "schedule") return Schedule(rest);
    if (command == "prioritize") return Prioritize(rest);
    if (command == "export") return Export(rest);
    if (command == "decompose") return RunDecompose(*this, rest);
    if (command == "books") return RunBooks(*this, rest);
    if (command == "edit") return RunEdit(*this, rest);
    if (command == "watch") return RunWatch(*this, rest);
    if (command == "ahp") return RunAhp(*this, rest);
    if (command == "simulate") return RunSimulate(*this, rest);
    if (command == "options") return RunOptions(*this, rest);
    return Usage(absl::StrCat("unknown command \"", command,
                              "\" (see backplan --help)"));
  }

 private:
  // Loads a plan file; prints the loader's one-line error and returns
  // std::nullopt on failure.
  std::optional<v1::Plan> Load(const std::string& path) {
    absl::StatusOr<v1::Plan> plan = LoadPlanFile(path);
    if (!plan.ok()) {
      err_ << "backplan: " << plan.status().message() << "\n";
      return std::nullopt;
    }
    return *std::move(plan);
  }

  // --mode; false (after printing) when it names no mode.
  bool ParseMode(v1::ScheduleMode* mode) {
    const std::string value = absl::AsciiStrToLower(options_.mode);
    if (value.empty() || value == "backward") {
      *mode = value.empty() ? v1::SCHEDULE_MODE_UNSPECIFIED : v1::BACKWARD;
    } else if (value == "forward") {
      *mode = v1::FORWARD;
    } else {
      Usage(absl::StrCat("--mode must be backward or forward, not \"",
                         options_.mode, "\""));
      return false;
    }
    return true;
  }

  int Plan(const std::vector<std::string>& args) {
    if (int code = ExpectArgs(args, 1, "plan FILE"); code != kExitOk) {
      return code;
    }
    v1::ScheduleMode mode;
    if (!ParseMode(&mode)) return kExitUsage;
    std::optional<v1::Plan> plan = Load(args[0]);
    if (!plan.has_value()) return kExitUsage;

    v1::CreatePlanRequest create;
    *create.mutable_plan() = *std::move(plan);
    create.set_idempotency_key(NewRequestId());
    v1::CreatePlanResponse created;
    auto decomposition =
        v1::DecompositionService::NewStub(decomposition_.Channel());
    if (!Call(decomposition_, "CreatePlan", [&](grpc::ClientContext* context) {
          return decomposition->CreatePlan(context, create, &created);
        })) {
      return kExitServerError;
    }

    v1::ScheduleRequest request;
    SetSearch(request.mutable_resources());
    request.set_plan_id(created.plan_id());
    request.set_mode(mode);
    request.set_idempotency_key(NewRequestId());
    v1::ScheduleResponse response;
    auto scheduling = v1::SchedulingService::NewStub(scheduling_.Channel());
    if (!Call(scheduling_, "Schedule", [&](grpc::ClientContext* context) {
          return scheduling->Schedule(context, request, &response);
        })) {
      err_ << "backplan: the plan was stored as " << created.plan_id()
           << " (version " << created.version() << ")\n";
      return kExitServerError;
    }
    return Output(response, FormatTimeline(response));
  }

  int Get(const std::vector<std::string>& args) {
    if (int code = ExpectArgs(args, 1, "get PLAN_ID"); code != kExitOk) {
      return code;
    }
    v1::GetPlanRequest request;
    request.set_plan_id(args[0]);
    v1::Plan plan;
    auto stub = v1::DecompositionService::NewStub(decomposition_.Channel());
    if (!Call(decomposition_, "GetPlan", [&](grpc::ClientContext* context) {
          return stub->GetPlan(context, request, &plan);
        })) {
      return kExitServerError;
    }
    return Output(plan, FormatPlan(plan));
  }

  int List(const std::vector<std::string>& args) {
    if (int code = ExpectArgs(args, 0, "list"); code != kExitOk) return code;
    auto stub = v1::DecompositionService::NewStub(decomposition_.Channel());
    v1::ListPlansResponse all;
    std::string token;
    std::set<std::string> tokens_seen;
    do {
      v1::ListPlansRequest request;
      request.set_page_size(1000);
      request.set_page_token(token);
      v1::ListPlansResponse page;
      if (!Call(decomposition_, "ListPlans", [&](grpc::ClientContext* context) {
            return stub->ListPlans(context, request, &page);
          })) {
        return kExitServerError;
      }
      for (auto& summary : *page.mutable_plans()) {
        *all.add_plans() = std::move(summary);
      }
      token = page.next_page_token();
      // A server that hands back a token it gave before would loop forever.
      if (!token.empty() && !tokens_seen.insert(token).second) {
        err_ << "backplan: ListPlans returned the page token \"" << token
             << "\" twice; stopping\n";
        return kExitServerError;
      }
    } while (!token.empty());

    Table table({"PLAN ID", "VERSION"});
    table.SetMaxWidth(0, 200);
    table.AlignRight(1);
    for (const auto& summary : all.plans()) {
      table.AddRow({summary.plan_id(), absl::StrCat(summary.version())});
    }
    const std::string text =
        all.plans().empty()
            ? std::string("no plans\n")
            : absl::StrCat(table.Render(), all.plans_size(), " plan(s)\n");
    return Output(all, text);
  }

  int Delete(const std::vector<std::string>& args) {
    if (int code = ExpectArgs(args, 1, "delete PLAN_ID"); code != kExitOk) {
      return code;
    }
    v1::DeletePlanRequest request;
    request.set_plan_id(args[0]);
    v1::DeletePlanResponse response;
    auto stub = v1::DecompositionService::NewStub(decomposition_.Channel());
    if (!Call(decomposition_, "DeletePlan", [&](grpc::ClientContext* context) {
          return stub->DeletePlan(context, request, &response);
        })) {
      return kExitServerError;
    }
    return Output(response, absl::StrCat("deleted plan ", args[0], "\n"));
  }

  // Fills a request's `source` oneof from PLAN_ID or FILE; false (after
  // printing) when the file is bad.
  template <typename Request>
  bool SetSource(const std::string& arg, Request* request) {
    if (!LooksLikeFile(arg)) {
      request->set_plan_id(arg);
      return true;
    }
    std::optional<v1::Plan> plan = Load(arg);
    if (!plan.has_value()) return false;
    *request->mutable_plan() = *std::move(plan);
    return true;
  }

  // --max_schedules, --time_limit_ms, --seed: the resource search's budget
  // (0 = the server's default) and seed; plans without people ignore them.
  void SetSearch(v1::ResourceOptions* resources) const {
    resources->set_max_schedules(options_.max_schedules);
    resources->set_time_limit_ms(options_.time_limit_ms);
    resources->set_seed(options_.seed);
  }

  int Schedule(const std::vector<std::string>& args) {
    if (int code = ExpectArgs(
            args, 1, "schedule PLAN_ID|FILE [--mode backward|forward]");
        code != kExitOk) {
      return code;
    }
    v1::ScheduleRequest request;
    SetSearch(request.mutable_resources());
    v1::ScheduleMode mode;
    if (!ParseMode(&mode)) return kExitUsage;
    request.set_mode(mode);
    if (!SetSource(args[0], &request)) return kExitUsage;
    if (request.has_plan_id()) request.set_idempotency_key(NewRequestId());
    v1::ScheduleResponse response;
    auto stub = v1::SchedulingService::NewStub(scheduling_.Channel());
    if (!Call(scheduling_, "Schedule", [&](grpc::ClientContext* context) {
          return stub->Schedule(context, request, &response);
        })) {
      return kExitServerError;
    }
    return Output(response, FormatTimeline(response));
  }

  bool ParseMethod(v1::PriorityMethod* method) {
    const std::string value = absl::AsciiStrToLower(options_.method);
    static const std::pair<const char*, v1::PriorityMethod> kMethods[] = {
        {"importance", v1::IMPORTANCE},
        {"hardest_first", v1::HARDEST_FIRST},
        {"quick_wins", v1::QUICK_WINS},
        {"wsjf", v1::WSJF},
        {"rice", v1::RICE},
        {"weighted", v1::WEIGHTED}};
    if (value.empty()) {
      *method = v1::PRIORITY_METHOD_UNSPECIFIED;
      return true;
    }
    for (const auto& [name, m] : kMethods) {
      if (value == name) {
        *method = m;
        return true;
      }
    }
    Usage(absl::StrCat(
        "--method must be one of importance, hardest_first, quick_wins, wsjf, "
        "rice, weighted, not \"",
        options_.method, "\""));
    return false;
  }

  bool ParseWeights(v1::PrioritizeRequest* request) {
    if (options_.weights.empty()) return true;
    for (absl::string_view item :
         absl::StrSplit(options_.weights, ',', absl::SkipWhitespace())) {
      std::pair<std::string, std::string> kv = absl::StrSplit(item, '=');
      double weight = 0;
      if (kv.first.empty() || !absl::SimpleAtod(kv.second, &weight)) {
        Usage(absl::StrCat("--weights: \"", item,
                           "\" is not criterion=weight (e.g. importance=0.6)"));
        return false;
      }
      v1::CriterionWeight* out = request->add_weights();
      out->set_criterion(std::string(absl::StripAsciiWhitespace(kv.first)));
      out->set_weight(weight);
    }
    return true;
  }

  int Prioritize(const std::vector<std::string>& args) {
    if (int code = ExpectArgs(
            args, 1,
            "prioritize PLAN_ID|FILE --method importance|hardest_first|"
            "quick_wins|wsjf|rice|weighted [--weights c=w,...] [--explain] "
            "[--urgency]");
        code != kExitOk) {
      return code;
    }
    v1::PrioritizeRequest request;
    v1::PriorityMethod method;
    if (!ParseMethod(&method) || !ParseWeights(&request)) return kExitUsage;
    request.set_method(method);
    request.set_urgency_from_schedule(options_.urgency);
    if (!SetSource(args[0], &request)) return kExitUsage;
    if (request.has_plan_id()) request.set_idempotency_key(NewRequestId());

    v1::PrioritizeResponse response;
    auto stub = v1::PrioritizationService::NewStub(prioritization_.Channel());
    if (!Call(prioritization_, "Prioritize", [&](grpc::ClientContext* context) {
          return stub->Prioritize(context, request, &response);
        })) {
      return kExitServerError;
    }
    if (options_.json) return Output(response, "");

    // Titles make the table readable; for a stored plan they cost one more
    // call, and the table is still useful without them.
    std::map<std::string, std::string> titles;
    v1::Plan plan;
    if (request.has_plan()) {
      plan = request.plan();
    } else {
      v1::GetPlanRequest get;
      get.set_plan_id(request.plan_id());
      auto decomposition =
          v1::DecompositionService::NewStub(decomposition_.Channel());
      grpc::ClientContext context;
      PrepareContext(&context);
      if (!decomposition->GetPlan(&context, get, &plan).ok()) plan.Clear();
    }
    for (const auto& task : plan.tasks()) titles[task.id()] = task.title();
    return Output(response,
                  FormatPriorities(response, titles, options_.explain));
  }

  int Export(const std::vector<std::string>& args) {
    if (int code =
            ExpectArgs(args, 1,
                       "export PLAN_ID|FILE --format ics|mermaid|csv|html|svg "
                       "[--ics_events vtodo|deadline|span] [--mode ...]");
        code != kExitOk) {
      return code;
    }
    v1::ExportRequest request;
    SetSearch(request.mutable_resources());
    const std::string format = absl::AsciiStrToLower(options_.format);
    if (format == "ics" || format.empty()) {
      request.set_format(v1::ICS);
    } else if (format == "mermaid") {
      request.set_format(v1::MERMAID);
    } else if (format == "csv") {
      request.set_format(v1::CSV);
    } else if (format == "html") {
      request.set_format(v1::HTML);
    } else if (format == "svg") {
      request.set_format(v1::SVG);
    } else {
      return Usage(absl::StrCat(
          "--format must be ics, mermaid, csv, html or svg, not \"",
          options_.format, "\""));
    }
    const std::string events = absl::AsciiStrToLower(options_.ics_events);
    if (events == "deadline") {
      request.set_ics_events(v1::ExportRequest::DEADLINE);
    } else if (events == "span") {
      request.set_ics_events(v1::ExportRequest::SPAN);
    } else if (events == "vtodo") {
      request.set_ics_events(v1::ExportRequest::VTODO);
    } else if (!events.empty()) {
      return Usage(
          absl::StrCat("--ics_events must be vtodo, deadline or span, not \"",
                       options_.ics_events, "\""));
    }
    v1::ScheduleMode mode;
    if (!ParseMode(&mode)) return kExitUsage;
    request.set_mode(mode);
    if (!SetSource(args[0], &request)) return kExitUsage;
    v1::ExportResponse response;
    auto stub = v1::SchedulingService::NewStub(scheduling_.Channel());
    if (!Call(scheduling_, "Export", [&](grpc::ClientContext* context) {
          return stub->Export(context, request, &response);
        })) {
      return kExitServerError;
    }
    std::string body = response.body();
    if (!body.empty() && body.back() != '\n') body += '\n';
    return Output(response, body);
  }

  static std::string FormatPlan(const v1::Plan& plan) {
    std::string out =
        absl::StrFormat("plan %s  version %d", plan.id(), plan.version());
    if (!plan.tenant().empty())
      absl::StrAppend(&out, "  tenant ", plan.tenant());
    absl::StrAppend(&out, "\noutcome: ", plan.outcome().title(), "\n");
    absl::StrAppend(&out, "  target ", FormatDate(plan.outcome().target_date()),
                    ", start ", FormatDate(plan.outcome().start_date()), "\n");
    for (const auto& criterion : plan.outcome().success_criteria()) {
      absl::StrAppend(&out, "  success: ", criterion, "\n");
    }
    for (const auto& fact : plan.outcome().facts()) {
      absl::StrAppend(&out, "  fact: ", fact, "\n");
    }

    std::map<std::string, const v1::Goal*> goals;
    std::map<std::string, const v1::Task*> tasks;
    for (const auto& goal : plan.goals()) goals[goal.id()] = &goal;
    for (const auto& task : plan.tasks()) tasks[task.id()] = &task;
    absl::StrAppend(&out, "goals (", plan.goals_size(), ") and tasks (",
                    plan.tasks_size(), "):\n");

    std::set<std::string> printed;
    std::function<void(const std::string&, int)> print_goal =
        [&](const std::string& id, int depth) {
          const std::string indent(2 * depth, ' ');
          auto it = goals.find(id);
          if (it == goals.end()) {
            absl::StrAppend(&out, indent, "goal ", id, " (missing)\n");
            return;
          }
          const v1::Goal& goal = *it->second;
          std::string state;
          if (goal.state() == v1::OPEN) state = "  [open]";
          if (goal.state() == v1::FACT) state = "  [fact]";
          if (id == plan.outcome_goal_id()) state += "  [outcome]";
          if (!printed.insert(id).second) {
            absl::StrAppend(&out, indent, "goal ", id, " (shown above)\n");
            return;
          }
          absl::StrAppend(&out, indent, "goal ", id, "  ", goal.title(), state,
                          "\n");
          for (const auto& task_id : goal.task_ids()) {
            printed.insert(task_id);
            auto task = tasks.find(task_id);
            if (task == tasks.end()) {
              absl::StrAppend(&out, indent, "  task ", task_id, " (missing)\n");
              continue;
            }
            absl::StrAppend(&out, indent, "  task ", task_id, "  ",
                            task->second->title(), "  (",
                            FormatDays(task->second->duration_days()), ")\n");
          }
          for (const auto& sub : goal.sub_goal_ids())
            print_goal(sub, depth + 1);
        };
    if (!plan.outcome_goal_id().empty()) print_goal(plan.outcome_goal_id(), 1);
    for (const auto& goal : plan.goals()) {
      if (printed.count(goal.id()) == 0) print_goal(goal.id(), 1);
    }
    for (const auto& task : plan.tasks()) {
      if (printed.count(task.id()) == 0) {
        absl::StrAppend(&out, "  task ", task.id(), "  ", task.title(), "  (",
                        FormatDays(task.duration_days()), ", under no goal)\n");
      }
    }
    if (plan.dependencies_size() > 0) {
      absl::StrAppend(&out, "dependencies (", plan.dependencies_size(), "):\n");
      for (const auto& dep : plan.dependencies()) {
        absl::StrAppend(&out, "  ", dep.predecessor_id(), " -> ",
                        dep.successor_id());
        if (dep.lag_days() != 0) {
          absl::StrAppend(&out, "  (lag ", FormatDays(dep.lag_days()), ")");
        }
        absl::StrAppend(&out, "\n");
      }
    }
    return out;
  }
};

}  // namespace

int RunCommand(const std::vector<std::string>& args, const Options& options,
               std::ostream& out, std::ostream& err) {
  return Runner(options, out, err).Run(args);
}

std::string HelpText() {
  return R"(backplan: plan backwards from an outcome with the Backplan services.

usage: backplan [flags] COMMAND [ARGS]

plans:
  plan FILE                 store the plan in FILE (YAML or JSON), schedule it
                            backwards from its target date and print the
                            timeline with every task's rank and deadline
  get PLAN_ID               print a stored plan: outcome, goals and their tasks
  list                      list stored plans (ids and versions)
  delete PLAN_ID            delete a stored plan
  schedule PLAN_ID|FILE     schedule a stored plan, or FILE inline (nothing
                            stored); --mode backward|forward
  prioritize PLAN_ID|FILE   rank the tasks in the order that delivers value
                            soonest, each with its score and reason;
                            --method importance|hardest_first|quick_wins|wsjf|
                            rice|weighted, --weights criterion=w,...,
                            --explain (contributions), --urgency (stored plan:
                            time criticality from the schedule's slack)
  export PLAN_ID|FILE       print the timeline as --format ics|mermaid|csv,
                            or a Gantt chart: --format html (one page, opens
                            in a browser) or svg; --ics_events deadline|span
                            makes calendar events instead of tasks
  simulate PLAN_ID|FILE     Monte Carlo over the three-point estimates:
                            P(on time), P10-P95 finish dates, a histogram by
                            week, the most critical and most sensitive
                            tasks; --iterations N (default 1000), --seed S
  options PLAN_ID|FILE      what it takes to hit the target: cut optional
                            scope, add people to a pool, or move the date;
                            --confidence 0.8 (default: the deterministic
                            plan), --target YYYY-MM-DD (default: the plan's),
                            --iterations N, --seed S
  ahp FILE                  criteria weights from a pairwise comparison matrix
                            (FILE: criteria: [..], matrix: [[..],..] with
                            numbers or fractions "1/3", optional threshold);
                            prints weights, lambda max, CI and CR

working backwards with recipe books:
  decompose OUTCOME         break OUTCOME down into goals and tasks with
                            --recipes FILE (a YAML book) or --book NAME (a
                            stored one); --target YYYY-MM-DD is required,
                            --start YYYY-MM-DD (default: the server's today),
                            --strategy cheapest|first_applicable,
                            --fact TEXT (repeatable: what already holds),
                            --store (also create the plan; prints its id).
                            Prints the goal tree, the open goals and why each
                            recipe was chosen
  books put NAME FILE       store a YAML recipe book; --expected_version N
                            (0, the default, creates it; else the current
                            version to replace)
  books get NAME            print a stored book
  books list                list stored books
  books delete NAME         delete a stored book

manual breakdown of a stored plan (each prints the new version; a stale
--base_version fails with ABORTED, an edit making a cycle with
INVALID_ARGUMENT naming it):
  edit PLAN_ID --base_version N OP
    add-task --id X --title T --days D [--goal G] [--importance I]
             [--difficulty D]
    update-task --id X [--title T] [--days D] [--importance I]
             [--difficulty D]          reads the plan, changes the task
    remove ID                          a task or goal, with its references
    add-goal --id G --title T [--parent P] [--open]
    expand GOAL [--task ID:TITLE:DAYS]... [--goal ID:TITLE]...
                                       break an open goal down; new sub-goals
                                       are OPEN; TITLE may contain ':'
    add-dep PRED SUCC [--lag L]        PRED finishes L working days before
                                       SUCC starts
    remove-dep PRED SUCC
  watch PLAN_ID             print the plan's events as they happen (time
                            received, type, plan version, request id) until
                            Ctrl-C; --from_version N
  help                      print this text

flags:
  --decomposition=ADDR      decomposition service (default 127.0.0.1:50051)
  --prioritization=ADDR     prioritization service (default 127.0.0.1:50052)
  --scheduling=ADDR         scheduling service (default 127.0.0.1:50053)
  --tenant=NAME             tenant, sent as x-backplan-tenant metadata
  --timeout_s=N             deadline of each call in seconds (default 30)
  --tls_ca=FILE             PEM CA of the services' certificates; enables TLS
  --tls_cert=FILE, --tls_key=FILE
                            client certificate and key (mutual TLS)
  --tls_server_name=NAME    name to check in the services' certificates
  --token=TOKEN             bearer token (default: $BACKPLAN_TOKEN); needs TLS
  --json                    print the response as protobuf JSON
  --mode=backward|forward   schedule, plan, export (default backward)
  --method=NAME             prioritize method (default: the server's weighted)
  --weights=C=W,...         prioritize --method weighted, e.g.
                            importance=0.6,difficulty=0.4
  --format=ics|mermaid|csv|html|svg
                            export format (default ics)
  --ics_events=vtodo|deadline|span
                            export --format ics: a task per task (default),
                            an all-day event on each deadline, or an event
                            from planned start to deadline
  --threshold=R             ahp consistency ratio threshold (default: the
                            file's, else 0.10)
  --iterations=N            simulate runs, 1..100000 (default 1000)
  --seed=S                  simulate seed: same seed, same answer; schedule,
                            plan, export: seed of the search for plans with
                            people
  --max_schedules=N         schedule, plan, export of plans with people:
                            schedules the search tries (default the
                            server's 1000, at most 1,000,000); the same
                            seed and N give the same timeline
  --time_limit_ms=MS        ... and the search's time limit (default the
                            server's 500, at most 60000). A search the time
                            limit ends is not repeatable: the output says
                            how many schedules ran; pass that number as
                            --max_schedules (with a generous time limit)
                            to repeat it
  --confidence=C            options: P(on time) the target must reach, in
                            (0, 1); default: the deterministic plan

A plan file mirrors backplan.v1.Plan (see examples/kindle.yaml): outcome,
outcome_goal_id, goals, tasks, dependencies, calendar; dates as YYYY-MM-DD.
A recipe book is YAML (see examples/recipes/*.yaml and
libs/decompose/recipe_yaml.h).

exit status: 0 success, 1 a service error or unreachable service,
2 a usage error or a bad plan file.
)";
}

std::string FormatTimeline(const v1::ScheduleResponse& response) {
  const v1::Timeline& timeline = response.timeline();
  std::vector<std::string> header;
  if (timeline.plan_id().empty()) {
    header.push_back("plan (inline)");
  } else {
    header.push_back(absl::StrCat("plan ", timeline.plan_id(), " v",
                                  timeline.plan_version()));
  }
  header.push_back(timeline.mode() == v1::FORWARD ? "forward" : "backward");
  header.push_back(absl::StrCat("start ", FormatDate(timeline.start_date())));
  header.push_back(absl::StrCat("target ", FormatDate(timeline.target_date())));
  header.push_back(
      absl::StrCat("final milestone ", FormatDate(timeline.final_milestone())));
  if (timeline.feasible()) {
    header.push_back(absl::StrCat("feasible, earliest finish ",
                                  FormatDate(timeline.earliest_finish())));
  } else {
    header.push_back(absl::StrCat("INFEASIBLE: ", timeline.days_short(),
                                  " working days short, earliest finish ",
                                  FormatDate(timeline.earliest_finish())));
  }
  if (response.degraded()) {
    header.push_back(absl::StrCat("DEGRADED (no ranks): ",
                                  OneLine(response.degraded_reason())));
  }
  std::string out = absl::StrCat(absl::StrJoin(header, " | "), "\n");
  if (!timeline.critical_path().empty()) {
    absl::StrAppend(&out, "critical path: ",
                    absl::StrJoin(timeline.critical_path(), " -> "), "\n");
  }
  if (!timeline.causing_chain().empty()) {
    absl::StrAppend(&out, "causing chain: ",
                    absl::StrJoin(timeline.causing_chain(), " -> "), "\n");
  }
  if (timeline.resource_constrained()) {
    absl::StrAppend(&out, "resources: makespan ", timeline.makespan_days(),
                    " working days, lower bound ", timeline.lower_bound_days(),
                    timeline.lower_bound_name().empty()
                        ? ""
                        : absl::StrCat(" by ", timeline.lower_bound_name()),
                    " (critical path ", timeline.critical_path_bound_days(),
                    ", resources ", timeline.resource_bound_days(), ", energy ",
                    timeline.energy_bound_days(), ", conflict ",
                    timeline.conflict_bound_days(), "), gap ",
                    Number(timeline.gap_percent()), " %, ",
                    timeline.schedules_generated(), " schedules generated");
    if (!timeline.search_stopped_by().empty()) {
      absl::StrAppend(&out, " (search ended by ", timeline.search_stopped_by(),
                      "; max_schedules ", timeline.max_schedules(), ", seed ",
                      timeline.seed(), ")");
    }
    out += "\n";
  }
  for (const auto& moved : timeline.moved_deadlines()) {
    absl::StrAppend(&out, "moved: ", moved.id(), " ",
                    FormatDate(moved.old_deadline()), " -> ",
                    FormatDate(moved.new_deadline()), "\n");
  }
  out += "\n";

  if (timeline.resource_constrained()) {
    // Dates come from the resource schedule; show who does each task.
    // SLACK and CRITICAL are the resource-aware ones (with the people in
    // the order this schedule gives them).
    Table table({"RANK", "ID", "KIND", "TITLE", "DAYS", "START", "DEADLINE",
                 "WHO", "SLACK", "CRITICAL", "WHY THIS DEADLINE"});
    table.AlignRight(0);
    table.AlignRight(4);
    table.AlignRight(8);
    table.SetMaxWidth(3, 40);
    for (const auto& task : timeline.tasks()) {
      table.AddRow(
          {task.rank() > 0 ? absl::StrCat(task.rank()) : "-", task.id(),
           KindName(task.kind()), task.title(),
           absl::StrCat(task.duration_days()), FormatDate(task.planned_start()),
           FormatDate(task.deadline()), absl::StrJoin(task.assignees(), ", "),
           absl::StrCat(task.resource_slack_days()),
           task.resource_critical() ? "yes" : "",
           task.waits_for().text().empty() ? WhyDeadline(task.deadline_reason())
                                           : task.waits_for().text()});
    }
    absl::StrAppend(&out, table.Render());
    return out;
  }
  Table table({"RANK", "ID", "KIND", "TITLE", "DAYS", "LATEST START",
               "DEADLINE", "SLACK", "CRITICAL", "WHY THIS DEADLINE"});
  table.AlignRight(0);
  table.AlignRight(4);
  table.AlignRight(7);
  table.SetMaxWidth(3, 40);
  for (const auto& task : timeline.tasks()) {
    table.AddRow({task.rank() > 0 ? absl::StrCat(task.rank()) : "-", task.id(),
                  KindName(task.kind()), task.title(),
                  absl::StrCat(task.duration_days()),
                  FormatDate(task.latest_start()), FormatDate(task.deadline()),
                  absl::StrCat(task.slack_days()), task.critical() ? "yes" : "",
                  WhyDeadline(task.deadline_reason())});
  }
  absl::StrAppend(&out, table.Render());
  return out;
}

std::string FormatPriorities(const v1::PrioritizeResponse& response,
                             const std::map<std::string, std::string>& titles,
                             bool explain) {
  const v1::Priorities& priorities = response.priorities();
  std::string out;
  if (priorities.plan_id().empty()) {
    out = "plan (inline)";
  } else {
    out = absl::StrCat("plan ", priorities.plan_id(), " v",
                       priorities.plan_version());
  }
  absl::StrAppend(&out, " | method ",
                  v1::PriorityMethod_Name(priorities.method()));
  if (!priorities.weights().empty()) {
    std::vector<std::string> weights;
    for (const auto& w : priorities.weights()) {
      weights.push_back(absl::StrCat(w.criterion(), "=", Number(w.weight())));
    }
    absl::StrAppend(&out, " | weights ", absl::StrJoin(weights, ","));
  }
  if (response.stale()) absl::StrAppend(&out, " | STALE: the plan changed");
  absl::StrAppend(&out, "\n\n");

  Table table({"RANK", "ID", "TITLE", "SCORE", "TIER", "REASON"});
  table.AlignRight(0);
  table.AlignRight(3);
  table.SetMaxWidth(2, 40);
  table.SetMaxWidth(5, 200);
  for (const auto& task : priorities.tasks()) {
    auto title = titles.find(task.task_id());
    table.AddRow({absl::StrCat(task.rank()), task.task_id(),
                  title == titles.end() ? "" : title->second,
                  Number(task.score()), TierName(task.tier()), task.reason()});
  }
  absl::StrAppend(&out, table.Render());
  if (!explain) return out;
  absl::StrAppend(&out, "\ncontributions (value x weight = contribution):\n");
  for (const auto& task : priorities.tasks()) {
    std::vector<std::string> parts;
    for (const auto& c : task.contributions()) {
      parts.push_back(absl::StrCat(
          c.criterion(), " ", Number(c.normalized_value()), "x",
          Number(c.weight()), "=", Number(c.contribution()),
          c.note().empty() ? "" : absl::StrCat(" (", c.note(), ")")));
    }
    absl::StrAppend(&out, "  ", task.task_id(), ": ",
                    absl::StrJoin(parts, " + "), " = ", Number(task.score()),
                    "; order value ", Number(task.order_value()), " / size ",
                    Number(task.order_size()), "; effective ",
                    Number(task.effective_score()),
                    task.inherited_from().empty()
                        ? ""
                        : absl::StrCat(" from ", task.inherited_from()),
                    "\n");
  }
  absl::StrAppend(&out, table.Render());
  return out;
}

}  // namespace backplan::cli
