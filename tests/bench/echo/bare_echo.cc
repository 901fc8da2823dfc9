#include "tests/bench/echo/bare_echo.h"

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "tests/bench/echo/echo_service.h"

namespace backplan::echo {
namespace {

// Each method answers inline on gRPC's callback thread through the sync
// echo classes' logic (their ServerContext argument is unused), so both
// echos compute exactly the same bytes.
class BareScheduling final : public v1::SchedulingService::CallbackService {
 public:
  explicit BareScheduling(int stored_tasks) : sync_(stored_tasks) {}
  grpc::ServerUnaryReactor* Schedule(grpc::CallbackServerContext* context,
                                     const v1::ScheduleRequest* request,
                                     v1::ScheduleResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(sync_.Schedule(nullptr, request, response));
    return reactor;
  }

 private:
  EchoScheduling sync_;
};

class BarePrioritization final
    : public v1::PrioritizationService::CallbackService {
 public:
  explicit BarePrioritization(int stored_tasks) : sync_(stored_tasks) {}
  grpc::ServerUnaryReactor* Prioritize(
      grpc::CallbackServerContext* context,
      const v1::PrioritizeRequest* request,
      v1::PrioritizeResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(sync_.Prioritize(nullptr, request, response));
    return reactor;
  }

 private:
  EchoPrioritization sync_;
};

class BareDecomposition final
    : public v1::DecompositionService::CallbackService {
 public:
  explicit BareDecomposition(int stored_tasks) : sync_(stored_tasks) {}
  grpc::ServerUnaryReactor* CreatePlan(
      grpc::CallbackServerContext* context,
      const v1::CreatePlanRequest* request,
      v1::CreatePlanResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(sync_.CreatePlan(nullptr, request, response));
    return reactor;
  }
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* context,
                                    const v1::GetPlanRequest* request,
                                    v1::Plan* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(sync_.GetPlan(nullptr, request, response));
    return reactor;
  }
  grpc::ServerUnaryReactor* Decompose(
      grpc::CallbackServerContext* context, const v1::DecomposeRequest* request,
      v1::DecomposeResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(sync_.Decompose(nullptr, request, response));
    return reactor;
  }

 private:
  EchoDecomposition sync_;
};

}  // namespace

struct BareEcho::Services {
  explicit Services(int tasks)
      : scheduling(tasks), prioritization(tasks), decomposition(tasks) {}
  BareScheduling scheduling;
  BarePrioritization prioritization;
  BareDecomposition decomposition;
};

absl::StatusOr<std::unique_ptr<BareEcho>> BareEcho::Start(
    const std::string& host, int port, int stored_tasks,
    int max_message_bytes) {
  std::unique_ptr<BareEcho> echo(new BareEcho());
  echo->services_ = std::make_unique<Services>(stored_tasks);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat(host, ":", port),
                           grpc::InsecureServerCredentials(), &echo->port_);
  builder.SetMaxReceiveMessageSize(max_message_bytes);
  builder.SetMaxSendMessageSize(max_message_bytes);
  builder.RegisterService(&echo->services_->scheduling);
  builder.RegisterService(&echo->services_->prioritization);
  builder.RegisterService(&echo->services_->decomposition);
  echo->server_ = builder.BuildAndStart();
  if (echo->server_ == nullptr || echo->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("bare echo: cannot listen on ", host, ":", port));
  }
  return echo;
}

BareEcho::~BareEcho() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
}

}  // namespace backplan::echo
