#include "tools/backplan/flags.h"

#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, decomposition, "127.0.0.1:50051",
          "Address of the decomposition service.");
ABSL_FLAG(std::string, prioritization, "127.0.0.1:50052",
          "Address of the prioritization service.");
ABSL_FLAG(std::string, scheduling, "127.0.0.1:50053",
          "Address of the scheduling service.");
ABSL_FLAG(std::string, tenant, "", "Tenant, sent as x-backplan-tenant.");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA of the services' certificates; enables TLS.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM client certificate (mutual TLS), with --tls_key.");
ABSL_FLAG(std::string, tls_key, "", "PEM key of --tls_cert.");
ABSL_FLAG(std::string, tls_server_name, "",
          "Name to check in the services' certificates.");
ABSL_FLAG(std::string, token, "",
          "Bearer token for --auth=token services (default: the environment "
          "variable BACKPLAN_TOKEN); needs TLS.");
ABSL_FLAG(int, timeout_s, 30, "Deadline of each call, in seconds.");
ABSL_FLAG(bool, json, false, "Print responses as protobuf JSON.");
ABSL_FLAG(bool, wide, false,
          "Print tables at full width instead of fitting 120 columns.");
ABSL_FLAG(std::string, mode, "", "Schedule mode: backward or forward.");
ABSL_FLAG(std::string, method, "", "Prioritization method.");
ABSL_FLAG(std::string, format, "",
          "Export format: ics, mermaid, csv, html or svg.");
ABSL_FLAG(std::string, ics_events, "",
          "Export --format ics: vtodo (tasks, the default), deadline (an "
          "all-day event on each deadline) or span (an event from planned "
          "start to deadline).");
ABSL_FLAG(std::string, weights, "",
          "Weights for --method weighted: criterion=weight,...");
ABSL_FLAG(bool, explain, false,
          "prioritize: also print each score's contributions.");
ABSL_FLAG(bool, urgency, false,
          "prioritize: time criticality from the stored schedule's slack.");

ABSL_FLAG(std::string, recipes, "", "decompose: a YAML recipe book file.");
ABSL_FLAG(std::string, book, "", "decompose: a stored recipe book's name.");
ABSL_FLAG(std::string, target, "", "decompose: target date, YYYY-MM-DD.");
ABSL_FLAG(std::string, start, "", "decompose: start date, YYYY-MM-DD.");
ABSL_FLAG(std::string, strategy, "",
          "decompose: cheapest (default) or first_applicable.");
ABSL_FLAG(bool, store, false, "decompose: store the plan.");
ABSL_FLAG(std::string, fact, "",
          "decompose: a fact that holds at the start (repeatable).");
ABSL_FLAG(int64_t, expected_version, 0,
          "books put: the book's current version; 0 creates it.");
ABSL_FLAG(int64_t, base_version, 0,
          "edit, apply: the plan version edited (default: the current one, "
          "retried when another edit of other nodes lands first).");
ABSL_FLAG(std::string, plan, "", "apply: the stored plan to update.");
ABSL_FLAG(std::string, id, "", "edit: the task or goal id.");
ABSL_FLAG(std::string, title, "", "edit: the task or goal title.");
ABSL_FLAG(int, days, -1, "edit: the task's duration in working days.");
ABSL_FLAG(std::string, goal, "",
          "edit add-task: the goal served; expand: id:title (repeatable).");
ABSL_FLAG(std::string, task, "",
          "edit expand: a task id:title:days (repeatable).");
ABSL_FLAG(std::string, parent, "", "edit add-goal: the parent goal.");
ABSL_FLAG(bool, open, false, "edit add-goal: create the goal OPEN.");
ABSL_FLAG(int, lag, 0, "edit add-dep: lag in working days.");
ABSL_FLAG(int, importance, 0, "edit add-task/update-task: importance 1-10.");
ABSL_FLAG(int, difficulty, 0, "edit add-task/update-task: difficulty 1-10.");
ABSL_FLAG(std::string, done, "",
          "progress: the task is done; its last worked day, YYYY-MM-DD.");
ABSL_FLAG(int, remaining, backplan::cli::kRemainingNotGiven,
          "progress: the task is in progress with this many working days "
          "left.");
ABSL_FLAG(std::string, started, "",
          "progress: the day the task actually started, YYYY-MM-DD.");
ABSL_FLAG(std::string, as_of, "",
          "progress: the day to re-plan from, YYYY-MM-DD (default: today).");
ABSL_FLAG(int64_t, from_version, 0, "watch: events from this plan version.");
ABSL_FLAG(double, threshold, 0, "ahp: consistency ratio threshold.");
ABSL_FLAG(int, iterations, 0, "simulate: runs, 1..100000; 0: 1000.");
ABSL_FLAG(uint64_t, seed, 0,
          "simulate: random seed; schedule, plan, export: the resource "
          "search's seed.");
ABSL_FLAG(int, max_schedules, 0,
          "schedule, plan, export of plans with people: schedules the search "
          "tries; 0: the server's default (1000).");
ABSL_FLAG(int, time_limit_ms, 0,
          "schedule, plan, export of plans with people: the search's time "
          "limit; 0: the server's default (500).");
ABSL_FLAG(double, confidence, 0,
          "options: P(on time) the target must reach, in (0, 1); 0: the "
          "deterministic plan.");

namespace backplan::cli {

Options OptionsFromFlags(const ParsedArgs& args) {
  Options options;
  options.decomposition_address = absl::GetFlag(FLAGS_decomposition);
  options.prioritization_address = absl::GetFlag(FLAGS_prioritization);
  options.scheduling_address = absl::GetFlag(FLAGS_scheduling);
  options.tenant = absl::GetFlag(FLAGS_tenant);
  options.timeout_s = absl::GetFlag(FLAGS_timeout_s);
  options.security.ca_file = absl::GetFlag(FLAGS_tls_ca);
  options.security.cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.security.key_file = absl::GetFlag(FLAGS_tls_key);
  options.security.server_name = absl::GetFlag(FLAGS_tls_server_name);
  options.security.token = absl::GetFlag(FLAGS_token);
  if (options.security.token.empty()) {
    const char* token = std::getenv("BACKPLAN_TOKEN");
    if (token != nullptr) options.security.token = token;
  }
  options.json = absl::GetFlag(FLAGS_json);
  options.wide = absl::GetFlag(FLAGS_wide);
  options.mode = absl::GetFlag(FLAGS_mode);
  options.method = absl::GetFlag(FLAGS_method);
  options.format = absl::GetFlag(FLAGS_format);
  options.ics_events = absl::GetFlag(FLAGS_ics_events);
  options.weights = absl::GetFlag(FLAGS_weights);
  options.explain = absl::GetFlag(FLAGS_explain);
  options.urgency = absl::GetFlag(FLAGS_urgency);

  options.recipes = absl::GetFlag(FLAGS_recipes);
  options.book = absl::GetFlag(FLAGS_book);
  options.target = absl::GetFlag(FLAGS_target);
  options.start = absl::GetFlag(FLAGS_start);
  options.strategy = absl::GetFlag(FLAGS_strategy);
  options.store = absl::GetFlag(FLAGS_store);
  options.expected_version = absl::GetFlag(FLAGS_expected_version);
  options.base_version = absl::GetFlag(FLAGS_base_version);
  options.plan = absl::GetFlag(FLAGS_plan);
  options.id = absl::GetFlag(FLAGS_id);
  options.title = absl::GetFlag(FLAGS_title);
  options.days = absl::GetFlag(FLAGS_days);
  options.parent = absl::GetFlag(FLAGS_parent);
  options.open = absl::GetFlag(FLAGS_open);
  options.lag = absl::GetFlag(FLAGS_lag);
  options.importance = absl::GetFlag(FLAGS_importance);
  options.difficulty = absl::GetFlag(FLAGS_difficulty);
  options.from_version = absl::GetFlag(FLAGS_from_version);
  options.done = absl::GetFlag(FLAGS_done);
  options.remaining = absl::GetFlag(FLAGS_remaining);
  options.started = absl::GetFlag(FLAGS_started);
  options.as_of = absl::GetFlag(FLAGS_as_of);
  options.threshold = absl::GetFlag(FLAGS_threshold);
  options.iterations = absl::GetFlag(FLAGS_iterations);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.max_schedules = absl::GetFlag(FLAGS_max_schedules);
  options.time_limit_ms = absl::GetFlag(FLAGS_time_limit_ms);
  options.confidence = absl::GetFlag(FLAGS_confidence);
  for (const auto& [name, value] : args.flag_values) {
    if (name == "fact") options.facts.push_back(value);
    if (name == "goal") options.goals.push_back(value);
    if (name == "task") options.tasks.push_back(value);
  }
  return options;
}

}  // namespace backplan::cli
