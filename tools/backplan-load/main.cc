// backplan-load: a gRPC load generator for Backplan, reporting like ghz.
//
//   backplan-load --address=127.0.0.1:50053 --scenario=schedule
//       --tasks=50 --concurrency=16 --duration=5s --warmup=1s
//   backplan-load 127.0.0.1:50053 --rps=200 --duration=3s --format=json
//   backplan-load 127.0.0.1:50053 --total=1000
//       --call=backplan.v1.SchedulingService/Schedule --data-file=req.json
//
// Flags may be spelled with dashes or underscores (--data-file, --data_file).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/common/log.h"
#include "libs/common/version.h"
#include "tools/backplan-load/cpu.h"
#include "tools/backplan-load/runner.h"
#include "tools/backplan-load/scenarios.h"
#include "tools/backplan-load/stats.h"

ABSL_FLAG(std::string, address, "",
          "Target host:port (also the first positional argument).");
ABSL_FLAG(std::string, scenario, "schedule",
          "schedule, prioritize (inline, generated plan), pipeline (stored "
          "Schedule{plan_id}), get (GetPlan), decompose (Decompose with "
          "book_yaml). Ignored with --call.");
ABSL_FLAG(std::string, call, "",
          "Any unary method, e.g. backplan.v1.SchedulingService/Schedule; the "
          "request comes from --data or --data_file.");
ABSL_FLAG(std::string, data, "", "--call: the request as protobuf JSON.");
ABSL_FLAG(std::string, data_file, "", "--call: a file holding --data.");
ABSL_FLAG(int, tasks, 50, "Tasks of the generated plan or book.");
ABSL_FLAG(int, goals, 0, "Goals of the generated plan (0: none).");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the generated plan.");
ABSL_FLAG(int, plans, 1, "pipeline/get: plans created, called round-robin.");
ABSL_FLAG(std::string, decomposition_address, "",
          "pipeline: the decomposition service, where plans are created.");
ABSL_FLAG(std::string, book_file, "",
          "decompose: a YAML recipe book to send instead of the generated one "
          "(needs --goal).");
ABSL_FLAG(std::string, goal, "", "decompose: the root goal.");
ABSL_FLAG(std::string, book_form, "yaml",
          "decompose: send the book as book_yaml (yaml) or, for the generated "
          "book, as a RecipeBook message (proto).");
ABSL_FLAG(int, concurrency, 16, "Closed loop: calls in flight.");
ABSL_FLAG(int, connections, 1, "gRPC connections, used round-robin.");
ABSL_FLAG(double, rps, 0,
          "Open loop: calls per second, latency measured from each call's "
          "intended send time. 0: closed loop.");
ABSL_FLAG(int, max_in_flight, 100000, "Open loop: most calls in flight.");
ABSL_FLAG(std::string, duration, "",
          "Length of the measured run, e.g. 5s, 500ms, 1m.");
ABSL_FLAG(int64_t, total, 0,
          "Calls in the measured run. Neither --duration nor --total: 200.");
ABSL_FLAG(
    std::string, warmup, "",
    "Excluded from the results first: a time (2s) or a call count (100).");
ABSL_FLAG(std::string, timeout, "20s", "Deadline of each call.");
ABSL_FLAG(std::string, tenant, "", "Sent as metadata x-backplan-tenant.");
ABSL_FLAG(bool, insecure, true,
          "Plain text; TLS when false or when --cacert/--cert is given.");
ABSL_FLAG(std::string, cacert, "", "PEM root certificates for TLS.");
ABSL_FLAG(std::string, token, "",
          "Bearer token for --auth=token servers (default: the environment "
          "variable BACKPLAN_TOKEN); needs TLS.");
ABSL_FLAG(std::string, cert, "", "PEM client certificate (mutual TLS).");
ABSL_FLAG(std::string, key, "", "PEM private key of --cert.");
ABSL_FLAG(std::string, server_name, "",
          "TLS: the name to check in the server certificate.");
ABSL_FLAG(std::string, format, "text", "text (ghz's summary) or json.");
ABSL_FLAG(std::string, output, "", "Write the report here instead of stdout.");
ABSL_FLAG(std::string, cpu_pids, "",
          "Comma-separated ids of local server processes: their CPU time "
          "(utime+stime) over the measured part, and this tool's own, are "
          "reported per call (JSON: serverCpuNsPerCall, clientCpuNsPerCall). "
          "The warmup then runs as a separate run before it.");
ABSL_FLAG(bool, pushback, true,
          "Closed loop: a call refused with RESOURCE_EXHAUSTED and "
          "grpc-retry-pushback-ms makes its slot wait that long before the "
          "next call, as gRPC retry policies do.");
ABSL_FLAG(std::string, progress, "auto",
          "Progress line on stderr: auto (when it is a terminal), on, off.");

namespace {

namespace load = backplan::load;

// --data-file -> --data_file, so ghz-style spellings work.
std::vector<char*> NormalizeFlags(int argc, char** argv,
                                  std::vector<std::string>* storage) {
  storage->reserve(argc);
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (i > 0 && absl::StartsWith(arg, "--")) {
      const size_t end = std::min(arg.find('='), arg.size());
      for (size_t j = 2; j < end; ++j) {
        if (arg[j] == '-') arg[j] = '_';
      }
    }
    storage->push_back(arg);
  }
  std::vector<char*> out;
  for (std::string& arg : *storage) out.push_back(arg.data());
  return out;
}

bool ParseDurationFlag(const std::string& name, const std::string& text,
                       absl::Duration* out) {
  if (text.empty()) {
    *out = absl::ZeroDuration();
    return true;
  }
  if (absl::ParseDuration(text, out) && *out >= absl::ZeroDuration()) {
    return true;
  }
  std::cerr << "backplan-load: --" << name << ": not a duration: \"" << text
            << "\" (e.g. 5s, 500ms, 1m)\n";
  return false;
}

std::string OptionsJson(const load::RunOptions& run, const std::string& address,
                        const std::string& what) {
  std::string out = "{\"host\":";
  backplan::AppendJsonString(address, &out);
  out += ",\"call\":";
  backplan::AppendJsonString(run.method, &out);
  out += ",\"scenario\":";
  backplan::AppendJsonString(what, &out);
  absl::StrAppend(
      &out, ",\"concurrency\":", run.rps > 0 ? 0 : run.concurrency,
      ",\"connections\":", absl::GetFlag(FLAGS_connections),
      ",\"rps\":", run.rps, ",\"total\":", run.total,
      ",\"duration\":", absl::ToInt64Nanoseconds(run.duration), ",\"warmup\":",
      run.warmup_calls > 0 ? run.warmup_calls
                           : absl::ToInt64Nanoseconds(run.warmup_time),
      ",\"timeout\":", absl::ToInt64Nanoseconds(run.timeout), "}");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view path) {
    return absl::StrContains(path, "backplan-load");
  };
  config.version_string = [] { return backplan::VersionLine("backplan-load"); };
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(
      "a gRPC load generator for Backplan.\n"
      "  backplan-load [host:port] [--scenario=schedule|prioritize|pipeline|"
      "get|decompose | --call=Service/Method --data=JSON] [--concurrency=N | "
      "--rps=R] [--duration=5s | --total=N] [--warmup=1s] [--format=json]");
  std::vector<std::string> storage;
  std::vector<char*> args = NormalizeFlags(argc, argv, &storage);
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  std::string address = absl::GetFlag(FLAGS_address);
  if (positional.size() > 2 || (positional.size() == 2 && !address.empty())) {
    std::cerr << "backplan-load: give one address\n";
    return 2;
  }
  if (positional.size() == 2) address = positional[1];
  if (address.empty()) {
    std::cerr << "backplan-load: no address (--address=host:port)\n";
    return 2;
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format != "text" && format != "json") {
    std::cerr << "backplan-load: --format: text or json\n";
    return 2;
  }

  load::RunOptions run;
  run.concurrency = absl::GetFlag(FLAGS_concurrency);
  run.rps = absl::GetFlag(FLAGS_rps);
  run.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  run.total = absl::GetFlag(FLAGS_total);
  if (run.concurrency < 1 || run.rps < 0 || run.total < 0 ||
      run.max_in_flight < 1 || absl::GetFlag(FLAGS_connections) < 1) {
    std::cerr << "backplan-load: --concurrency, --connections and "
                 "--max_in_flight must be >= 1, --rps and --total >= 0\n";
    return 2;
  }
  if (!ParseDurationFlag("duration", absl::GetFlag(FLAGS_duration),
                         &run.duration) ||
      !ParseDurationFlag("timeout", absl::GetFlag(FLAGS_timeout),
                         &run.timeout)) {
    return 2;
  }
  const std::string warmup = absl::GetFlag(FLAGS_warmup);
  if (!absl::SimpleAtoi(warmup, &run.warmup_calls) &&
      !ParseDurationFlag("warmup", warmup, &run.warmup_time)) {
    return 2;
  }
  if (run.warmup_calls < 0) {
    std::cerr << "backplan-load: --warmup must not be negative\n";
    return 2;
  }
  if (run.duration == absl::ZeroDuration() && run.total == 0) run.total = 200;
  const std::string tenant = absl::GetFlag(FLAGS_tenant);
  if (!tenant.empty()) run.metadata.push_back({"x-backplan-tenant", tenant});
  const std::string progress = absl::GetFlag(FLAGS_progress);
  run.progress = progress == "on" || (progress == "auto" && isatty(2));
  run.honor_pushback = absl::GetFlag(FLAGS_pushback);

  load::TlsOptions tls;
  tls.insecure = absl::GetFlag(FLAGS_insecure);
  tls.cacert = absl::GetFlag(FLAGS_cacert);
  tls.cert = absl::GetFlag(FLAGS_cert);
  tls.key = absl::GetFlag(FLAGS_key);
  tls.server_name = absl::GetFlag(FLAGS_server_name);
  tls.token = absl::GetFlag(FLAGS_token);
  if (tls.token.empty() && std::getenv("BACKPLAN_TOKEN") != nullptr) {
    tls.token = std::getenv("BACKPLAN_TOKEN");
  }

  load::ScenarioOptions scenario;
  scenario.scenario = absl::GetFlag(FLAGS_scenario);
  scenario.tasks = absl::GetFlag(FLAGS_tasks);
  scenario.goals = absl::GetFlag(FLAGS_goals);
  scenario.seed = absl::GetFlag(FLAGS_seed);
  scenario.plans = absl::GetFlag(FLAGS_plans);
  scenario.address = address;
  scenario.decomposition_address = absl::GetFlag(FLAGS_decomposition_address);
  scenario.book_file = absl::GetFlag(FLAGS_book_file);
  scenario.goal = absl::GetFlag(FLAGS_goal);
  scenario.book_form = absl::GetFlag(FLAGS_book_form);
  scenario.call = absl::GetFlag(FLAGS_call);
  scenario.data = absl::GetFlag(FLAGS_data);
  scenario.data_file = absl::GetFlag(FLAGS_data_file);
  scenario.tenant = tenant;
  scenario.timeout = run.timeout;
  if (scenario.tasks < 1) {
    std::cerr << "backplan-load: --tasks must be >= 1\n";
    return 2;
  }

  absl::StatusOr<load::Prepared> prepared =
      load::Prepare(scenario,
                    [&tls](const std::string& target)
                        -> absl::StatusOr<std::shared_ptr<grpc::Channel>> {
                      auto channels = load::MakeChannels(target, 1, tls);
                      if (!channels.ok()) return channels.status();
                      return channels->front();
                    });
  if (!prepared.ok()) {
    std::cerr << "backplan-load: " << prepared.status().message() << "\n";
    return absl::IsInvalidArgument(prepared.status()) ? 2 : 1;
  }
  run.method = prepared->method;
  run.requests = prepared->requests;

  auto channels =
      load::MakeChannels(address, absl::GetFlag(FLAGS_connections), tls);
  if (!channels.ok()) {
    std::cerr << "backplan-load: " << channels.status().message() << "\n";
    return 1;
  }
  if (run.progress) {
    std::cerr << "backplan-load: " << prepared->description << " -> " << address
              << "\n";
  }
  absl::StatusOr<std::vector<int>> cpu_pids =
      load::ParsePids(absl::GetFlag(FLAGS_cpu_pids));
  if (!cpu_pids.ok()) {
    std::cerr << "backplan-load: " << cpu_pids.status().message() << "\n";
    return 2;
  }
  if (!cpu_pids->empty() &&
      (run.warmup_time > absl::ZeroDuration() || run.warmup_calls > 0)) {
    // CPU counters cannot be read at the engine's warmup boundary, so the
    // warmup is a run of its own, its results dropped.
    load::RunOptions warm = run;
    warm.duration = run.warmup_time;
    warm.total = run.warmup_calls;
    warm.warmup_time = absl::ZeroDuration();
    warm.warmup_calls = 0;
    load::Run(*channels, warm);
    run.warmup_time = absl::ZeroDuration();
    run.warmup_calls = 0;
  }
  absl::StatusOr<int64_t> server_cpu_before = load::CpuNanos(*cpu_pids);
  absl::StatusOr<int64_t> client_cpu_before = load::CpuNanos({0});
  load::RunResult result = load::Run(*channels, run);
  absl::StatusOr<int64_t> server_cpu_after = load::CpuNanos(*cpu_pids);
  absl::StatusOr<int64_t> client_cpu_after = load::CpuNanos({0});
  if (!server_cpu_before.ok() || !server_cpu_after.ok()) {
    std::cerr << "backplan-load: --cpu_pids: "
              << (server_cpu_before.ok() ? server_cpu_after.status()
                                         : server_cpu_before.status())
                     .message()
              << "\n";
    return 1;
  }
  load::Report report =
      load::Summarize(std::move(result.results), result.total_ns);
  const double calls = std::max<int64_t>(1, report.count);
  const double server_cpu_per_call =
      (*server_cpu_after - *server_cpu_before) / calls;
  const double client_cpu_per_call =
      client_cpu_before.ok() && client_cpu_after.ok()
          ? (*client_cpu_after - *client_cpu_before) / calls
          : 0;
  std::string text;
  if (format == "json") {
    text = load::FormatJson(
        report, OptionsJson(run, address, prepared->description),
        absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
    if (!cpu_pids->empty()) {
      // Two fields of our own after ghz's, inside the top-level object.
      const size_t close = text.rfind('}');
      text.insert(close,
                  absl::StrFormat(",\"serverCpuNsPerCall\":%.0f,"
                                  "\"clientCpuNsPerCall\":%.0f",
                                  server_cpu_per_call, client_cpu_per_call));
    }
  } else {
    text = absl::StrCat("\n", prepared->description, " -> ", address, "\n",
                        load::FormatText(report));
    if (!cpu_pids->empty()) {
      absl::StrAppendFormat(&text,
                            "\nCPU per call:\n  Servers:\t%.1f us\n  "
                            "Client:\t%.1f us\n",
                            server_cpu_per_call / 1000,
                            client_cpu_per_call / 1000);
    }
  }
  const std::string output = absl::GetFlag(FLAGS_output);
  if (output.empty()) {
    std::cout << text << std::flush;
  } else {
    std::ofstream out(output);
    out << text;
    if (!out) {
      std::cerr << "backplan-load: cannot write " << output << "\n";
      return 1;
    }
  }
  return 0;
}
