// backplan-scheduling: lays plans on a timeline ending on the target date.
// Flags: --help.
#include "absl/flags/flag.h"
#include "grpcpp/grpcpp.h"
#include "libs/channel/credentials.h"
#include "libs/common/log.h"
#include "libs/rpc/server.h"
#include "services/common/service_support.h"
#include "services/scheduling/scheduling_service.h"

ABSL_FLAG(std::string, prioritization_address, "127.0.0.1:50052",
          "The prioritization service, e.g. "
          "dns:///backplan-prioritization-headless:50052 (round-robin over its "
          "addresses); empty: none, stored schedules are degraded.");
ABSL_FLAG(std::string, prioritization_tls_ca, "",
          "PEM CA of the prioritization service's certificate; enables TLS "
          "on that channel.");
ABSL_FLAG(std::string, prioritization_tls_cert, "",
          "PEM client certificate this service presents to prioritization "
          "(--auth=mtls there: map its identity to \"*\").");
ABSL_FLAG(std::string, prioritization_tls_key, "",
          "PEM key of --prioritization_tls_cert.");
ABSL_FLAG(std::string, prioritization_tls_server_name, "",
          "Name to check in the prioritization service's certificate instead "
          "of the address's host.");
ABSL_FLAG(std::string, prioritization_token_file, "",
          "File holding the bearer token sent to prioritization (--auth=token "
          "there; bind it to \"*\"); re-read when it changes.");
ABSL_FLAG(int, compute_threads, 0,
          "Threads one simulation's runs are split over, the calling one "
          "included (a process-wide pool); 0: the container's CPU quota.");
ABSL_FLAG(int, options_max_optional_items, 200,
          "Options: most optional tasks and goals a plan may mark (exact "
          "cut search up to 20, greedy above).");
ABSL_FLAG(int, options_max_iterations, 20000,
          "Options: most simulation runs per option scored.");
ABSL_FLAG(int, options_max_extra_units, 20,
          "Options: most extra people searched over all pools.");
ABSL_FLAG(int, options_max_people_schedules, 200,
          "Options: most resource schedules tried when adding people.");

int main(int argc, char** argv) {
  constexpr backplan::rpc::ServiceDefaults kDefaults = {"backplan-scheduling",
                                                        50053, 9093};
  backplan::rpc::InitServer(argc, argv, kDefaults);
  std::unique_ptr<backplan::PlanStore> store = backplan::StoreFromFlagsOrExit();
  std::unique_ptr<backplan::v1::PrioritizationService::Stub> prioritization;
  const std::string address = absl::GetFlag(FLAGS_prioritization_address);
  if (!address.empty()) {
    grpc::ChannelArguments args;
    args.SetLoadBalancingPolicyName("round_robin");
    args.SetMaxReceiveMessageSize(backplan::rpc::MaxMessageBytes());
    args.SetMaxSendMessageSize(backplan::rpc::MaxMessageBytes());
    backplan::channel::ClientSecurity security;
    security.ca_file = absl::GetFlag(FLAGS_prioritization_tls_ca);
    security.cert_file = absl::GetFlag(FLAGS_prioritization_tls_cert);
    security.key_file = absl::GetFlag(FLAGS_prioritization_tls_key);
    security.server_name = absl::GetFlag(FLAGS_prioritization_tls_server_name);
    security.token_file = absl::GetFlag(FLAGS_prioritization_token_file);
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        backplan::channel::NewChannel(address, security, args);
    if (!channel.ok()) {
      backplan::LogLine(backplan::LogLevel::kError, "bad prioritization TLS")
          .Add("error", channel.status().message());
      return 2;
    }
    prioritization = backplan::v1::PrioritizationService::NewStub(*channel);
  }
  backplan::SchedulingServiceImpl service(
      store.get(), std::move(prioritization), backplan::TodayUtc);
  const int threads = absl::GetFlag(FLAGS_compute_threads);
  backplan::ComputePool pool(
      (threads > 0 ? threads : backplan::ComputePool::DefaultThreads()) - 1);
  service.set_compute_pool(&pool);
  service.set_options_limits(
      {absl::GetFlag(FLAGS_options_max_optional_items),
       absl::GetFlag(FLAGS_options_max_iterations),
       absl::GetFlag(FLAGS_options_max_extra_units),
       absl::GetFlag(FLAGS_options_max_people_schedules)});
  return backplan::ServeWithStore(kDefaults, {&service}, store.get());
}
