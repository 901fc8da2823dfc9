#include "libs/rpc/server.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "libs/channel/keepalive.h"
#include "libs/common/log.h"
#include "libs/common/status_macros.h"
#include "libs/common/version.h"
#include "libs/rpc/admission.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/served_services.h"
#include "libs/rpc/server_parts.h"
#include "libs/rpc/tenant_slots.h"

ABSL_FLAG(std::string, host, "0.0.0.0", "Address to listen on for gRPC.");
ABSL_FLAG(int, port, -1,
          "gRPC port; -1: the service's default, 0: any free port (see "
          "--port_file).");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound gRPC port is written to this file once serving.");
ABSL_FLAG(int, metrics_port, -1,
          "Prometheus /metrics HTTP port; -1: the service's default, 0: off.");
ABSL_FLAG(int, max_message_mb, 64,
          "Largest request or response in MiB (a 100,000-task plan is about "
          "10 MiB).");
ABSL_FLAG(int, max_threads, 256,
          "Most threads serving calls at once (sync API; handlers may block on "
          "Redis).");
ABSL_FLAG(int, grace_period_s, 10,
          "Seconds in-flight calls get to finish after SIGTERM.");
ABSL_FLAG(int, store_check_interval_ms, 1000,
          "How often the backplan.store health entry re-checks Redis.");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error.");
ABSL_FLAG(std::string, tls_cert, "", "PEM server certificate; enables TLS.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA for client certificates; enables mutual TLS.");
ABSL_FLAG(std::string, auth, "",
          "Required, no default: mtls (client certificate identity mapped to "
          "a tenant by --auth_identities), token (authorization: Bearer, "
          "checked against --auth_tokens) or none (trust the tenant header; "
          "local development only).");
ABSL_FLAG(std::string, auth_identities, "",
          "--auth=mtls: YAML file, certificate identity (URI SAN, else DNS "
          "SAN, else CN) -> tenant, or \"*\" for a trusted service.");
ABSL_FLAG(std::string, auth_tokens, "",
          "--auth=token: file, one line per token: <sha256 hex> <tenant or *> "
          "<name>; re-read when it changes.");
ABSL_FLAG(bool, reflection, true, "Serve gRPC server reflection.");
ABSL_FLAG(int, health_port, 0,
          "If > 0, a plaintext port serving only grpc.health.v1 (for "
          "Kubernetes probes under mutual TLS).");
ABSL_FLAG(int, max_calls_per_tenant, 128,
          "Most unary calls one tenant may have in flight; 0: no cap.");
ABSL_FLAG(int, sync_pollers, 0,
          "Serving threads kept waiting for calls between calls (gRPC's sync "
          "MIN_POLLERS is the cores, MAX_POLLERS this); a thread that ends a "
          "call with this many already waiting exits. 0: --max_threads; -1: "
          "gRPC's defaults (1 to 2).");
ABSL_FLAG(int, max_running_calls, 0,
          "Most unary calls whose handlers run at once; more wait in a queue "
          "(--max_queued_calls). 0: 16 per core; -1: no limit and no queue.");
ABSL_FLAG(int, max_queued_calls, 128,
          "Most unary calls waiting for a running place; more are refused at "
          "once with RESOURCE_EXHAUSTED and grpc-retry-pushback-ms. "
          "--max_running_calls + --max_queued_calls must be below "
          "--max_threads.");
ABSL_FLAG(int, max_queue_wait_ms, 100,
          "Longest a queued call waits for a running place before it is "
          "refused with RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, retry_pushback_ms, 500,
          "grpc-retry-pushback-ms sent with calls refused for overload "
          "(--max_queued_calls, --max_queue_wait_ms, --max_calls_per_tenant): "
          "how long the client's retry policy should wait.");
ABSL_FLAG(int, max_connection_age_ms, 300000,
          "A client connection older than this (+-10% jitter) is asked to "
          "go away, so clients re-resolve and spread over new replicas; 0: "
          "never.");
ABSL_FLAG(int, max_connection_age_grace_ms, 0,
          "Then calls in flight on it get this long before it is closed; 0: "
          "no limit (streams such as WatchPlan keep their connection).");

namespace backplan::rpc {
namespace {

constexpr char kStoreHealthEntry[] = "backplan.store";

std::atomic<bool> draining{false};

// Gives every flag of ours not on the command line its BACKPLAN_<NAME>
// environment value, before the command line is parsed. Abseil's own flags
// (--help, --version, --flagfile, ...) never come from the environment: a
// pod's BACKPLAN_VERSION=0.2.0 must not become --version.
void ApplyEnvironment() {
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::StrContains(flag->Filename(), "absl/flags/")) continue;
    const std::string env_name =
        absl::StrCat("BACKPLAN_", absl::AsciiStrToUpper(name));
    const char* value = std::getenv(env_name.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      LogLine(LogLevel::kError, "bad environment value")
          .Add("variable", env_name)
          .Add("error", error);
      std::exit(2);
    }
  }
}

}  // namespace

// Re-checks the store every interval and mirrors it into the health entry,
// until stopped.
class RunningServer::StoreHealthChecker {
 public:
  StoreHealthChecker(grpc::HealthCheckServiceInterface* health,
                     std::function<absl::Status()> probe,
                     std::chrono::milliseconds interval)
      : health_(health), probe_(std::move(probe)), interval_(interval) {
    thread_ = std::thread([this] { Run(); });
  }
  ~StoreHealthChecker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    bool last = false;
    bool first = true;
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      const absl::Status status = probe_();
      const bool serving = status.ok();
      lock.lock();
      if (stopping_) break;
      health_->SetServingStatus(kStoreHealthEntry, serving);
      SetStoreUp(serving);
      if (first || serving != last) {
        LogLine(serving ? LogLevel::kInfo : LogLevel::kWarning, "store health")
            .Add("serving", serving)
            .Add("detail", status.message());
      }
      first = false;
      last = serving;
      wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
  }

  grpc::HealthCheckServiceInterface* health_;
  std::function<absl::Status()> probe_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;  // Guards stopping_.
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

bool Draining() { return draining.load(std::memory_order_relaxed); }

int MaxMessageBytes() {
  return absl::GetFlag(FLAGS_max_message_mb) * 1024 * 1024;
}

ServerOptions ServerOptionsFromFlags(const ServiceDefaults& defaults) {
  ServerOptions options;
  options.name = defaults.name;
  options.host = absl::GetFlag(FLAGS_host);
  options.port = absl::GetFlag(FLAGS_port);
  if (options.port < 0) options.port = defaults.port;
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  if (options.metrics_port < 0) options.metrics_port = defaults.metrics_port;
  options.max_message_bytes = MaxMessageBytes();
  options.max_threads = absl::GetFlag(FLAGS_max_threads);
  options.store_check_interval =
      std::chrono::milliseconds(absl::GetFlag(FLAGS_store_check_interval_ms));
  options.grace_period =
      std::chrono::seconds(absl::GetFlag(FLAGS_grace_period_s));
  options.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  // InitServer has checked --auth.
  options.auth.mode =
      ParseAuthMode(absl::GetFlag(FLAGS_auth)).value_or(AuthMode::kNone);
  options.auth.identities_file = absl::GetFlag(FLAGS_auth_identities);
  options.auth.tokens_file = absl::GetFlag(FLAGS_auth_tokens);
  options.reflection = absl::GetFlag(FLAGS_reflection);
  options.health_port = absl::GetFlag(FLAGS_health_port);
  options.max_calls_per_tenant = absl::GetFlag(FLAGS_max_calls_per_tenant);
  options.sync_pollers = absl::GetFlag(FLAGS_sync_pollers);
  options.max_running_calls = absl::GetFlag(FLAGS_max_running_calls);
  if (options.max_running_calls == 0) {
    options.max_running_calls =
        16 * std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  options.max_queued_calls = absl::GetFlag(FLAGS_max_queued_calls);
  options.max_queue_wait =
      std::chrono::milliseconds(absl::GetFlag(FLAGS_max_queue_wait_ms));
  options.retry_pushback =
      std::chrono::milliseconds(absl::GetFlag(FLAGS_retry_pushback_ms));
  options.max_connection_age_ms = absl::GetFlag(FLAGS_max_connection_age_ms);
  options.max_connection_age_grace_ms =
      absl::GetFlag(FLAGS_max_connection_age_grace_ms);
  return options;
}

RunningServer::~RunningServer() { Shutdown(std::chrono::milliseconds(0)); }

void RunningServer::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  checker_.reset();
  // Every entry NOT_SERVING, and it stays so while draining.
  health_.Shutdown();
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  health_server_.reset();
  LogLine(LogLevel::kInfo, "stopped").Add("service", name_);
}

absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(
    const ServerOptions& options, const std::vector<grpc::Service*>& services,
    std::function<absl::Status()> store_probe) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   MainPortCredentials(options.tls_cert, options.tls_key,
                                       options.tls_client_ca, options.auth));
  if (options.max_running_calls > 0 &&
      (options.max_queued_calls < 0 || options.max_queue_wait.count() < 0 ||
       options.max_running_calls + options.max_queued_calls >=
           options.max_threads)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max_running_calls (", options.max_running_calls,
                     ") + --max_queued_calls (", options.max_queued_calls,
                     ") must be below --max_threads (", options.max_threads,
                     "), the queue and the wait not negative"));
  }
  TenantSlots::Process().Configure(options.max_calls_per_tenant);
  Admission::Process().Configure(
      options.max_running_calls, options.max_queued_calls,
      options.max_queue_wait, options.retry_pushback);
  if (options.metrics_port > 0) {
    absl::Status status =
        StartMetrics(absl::StrCat(options.host, ":", options.metrics_port));
    if (!status.ok()) {
      return absl::UnavailableError(
          absl::StrCat("metrics: ", status.message()));
    }
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.SetOption(ReflectionOption(options.reflection));
  std::unique_ptr<RunningServer> running(new RunningServer());
  running->name_ = options.name;
  builder.AddListeningPort(absl::StrCat(options.host, ":", options.port),
                           credentials, &running->port_);
  // gRPC sets SO_REUSEPORT by default: a leftover process on the port would
  // then silently take half the connections instead of failing the bind.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Keepalive enforcement matching the clients' pings (libs/channel).
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      backplan::channel::kServerMinPingIntervalMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             backplan::channel::kServerKeepaliveTimeMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             backplan::channel::kServerKeepaliveTimeoutMs);
  // Connection age: clients of a headless Service rebalance (issue 28).
  if (options.max_connection_age_ms > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               options.max_connection_age_ms);
  }
  if (options.max_connection_age_grace_ms > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               options.max_connection_age_grace_ms);
  }
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  grpc::ResourceQuota quota(options.name);
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  // gRPC's defaults (1 to 2 idle pollers) make a thread that ends a call
  // exit whenever two others wait, and start a new one for the next call:
  // a thread created and destroyed per call under load.
  if (options.sync_pollers >= 0) {
    const int cores =
        std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    const int max_pollers =
        std::max(1, options.sync_pollers > 0 ? options.sync_pollers
                                             : options.max_threads);
    builder.SetSyncServerOption(
        grpc::ServerBuilder::SyncServerOption::MIN_POLLERS,
        std::min(cores, max_pollers));
    builder.SetSyncServerOption(
        grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, max_pollers);
  }
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::vector<std::string> served;
  CaptureServedServices(&builder, &served);
  running->server_ = builder.BuildAndStart();
  if (running->server_ == nullptr || running->port_ == 0) {
    running->shut_down_ = true;  // Nothing to shut down.
    return absl::UnavailableError(absl::StrCat(
        options.name, ": cannot listen on ", options.host, ":", options.port));
  }
  running->health_.Add(running->server_->GetHealthCheckService());
  if (options.health_port > 0) {
    absl::StatusOr<std::unique_ptr<HealthServer>> health_server =
        HealthServer::Start(options.host, options.health_port);
    if (!health_server.ok()) return health_server.status();
    running->health_server_ = *std::move(health_server);
    running->health_.Add(running->health_server_->health());
  }
  grpc::HealthCheckServiceInterface* health = &running->health_;
  health->SetServingStatus("", true);
  // Each served service's full name mirrors "" (the process); gRPC's own
  // services (health, reflection) are not entries.
  for (const std::string& name : served) {
    if (absl::StartsWith(name, "grpc.")) continue;
    health->SetServingStatus(name, true);
    RegisterServedService(name);
  }
  if (!options.port_file.empty()) {
    const std::string& path = options.port_file;
    std::ofstream(path + ".tmp") << running->port_ << "\n";
    std::rename((path + ".tmp").c_str(), path.c_str());
  }
  LogLine(LogLevel::kInfo, "serving")
      .Add("service", options.name)
      .Add("port", running->port_)
      .Add("metrics_port", options.metrics_port)
      .Add("health_port", options.health_port)
      .Add("auth", AuthModeName(options.auth.mode));
  if (options.auth.mode == AuthMode::kNone) {
    LogLine(LogLevel::kWarning,
            "--auth=none: callers are not authenticated and may act for any "
            "tenant; for local development only")
        .Add("service", options.name);
  }
  if (store_probe) {
    health->SetServingStatus(kStoreHealthEntry, false);
    running->checker_ = std::make_unique<RunningServer::StoreHealthChecker>(
        health, std::move(store_probe), options.store_check_interval);
  }
  return running;
}

void InitServer(int argc, char** argv, const ServiceDefaults& defaults) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view path) {
    return absl::StrContains(path, "libs/rpc") ||
           absl::StrContains(path, "services/");
  };
  const std::string name = defaults.name;
  config.version_string = [name] { return VersionLine(name); };
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(
      "a Backplan gRPC server. Every flag may also be set by the "
      "environment variable BACKPLAN_<FLAG NAME IN UPPER CASE>.");
  ApplyEnvironment();
  absl::ParseCommandLine(argc, argv);
  LogLevel level;
  if (!ParseLogLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    LogLine(LogLevel::kError, "bad --log_level")
        .Add("value", absl::GetFlag(FLAGS_log_level));
    std::exit(2);
  }
  SetMinLogLevel(level);
  absl::StatusOr<AuthMode> auth = ParseAuthMode(absl::GetFlag(FLAGS_auth));
  if (!auth.ok()) {
    LogLine(LogLevel::kError, "bad --auth")
        .Add("service", defaults.name)
        .Add("error", auth.status().message());
    std::exit(2);
  }
}

int RunServer(const ServiceDefaults& defaults,
              const std::vector<grpc::Service*>& services,
              std::function<absl::Status()> store_probe) {
  const ServerOptions options = ServerOptionsFromFlags(defaults);
  absl::StatusOr<std::unique_ptr<RunningServer>> server =
      StartServer(options, services, std::move(store_probe));
  if (!server.ok()) {
    LogLine(LogLevel::kError, "cannot start")
        .Add("service", defaults.name)
        .Add("error", server.status().message());
    // A configuration error (an unreadable TLS file) exits 2, like bad flags.
    return absl::IsInvalidArgument(server.status()) ? 2 : 1;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int signal_number = 0;
  sigwait(&signals, &signal_number);

  LogLine(LogLevel::kInfo, "draining")
      .Add("signal", signal_number)
      .Add("grace_period_s", options.grace_period.count());
  draining.store(true);
  (*server)->Shutdown(options.grace_period);
  return 0;
}

}  // namespace backplan::rpc
