// Helpers for in-process tests of the service classes: a channel to a server
// started with rpc::StartServer on a free loopback port, and client contexts
// carrying a tenant. Tests only.
//
//   InMemoryPlanStore store;
//   PrioritizationServiceImpl service(&store);
//   ASSERT_OK_AND_ASSIGN(auto server,
//                        rpc::StartServer(rpc::ServerOptions(), {&service},
//                        {}));
//   auto stub = v1::PrioritizationService::NewStub(LocalChannel(*server));
//   grpc::Status status = stub->Prioritize(Context("acme").get(), req, &resp);
#ifndef BACKPLAN_SERVICES_COMMON_SERVICE_TESTING_H_
#define BACKPLAN_SERVICES_COMMON_SERVICE_TESTING_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "backplan/v1/plan.pb.h"
#include "grpcpp/grpcpp.h"
#include "libs/rpc/call.h"
#include "libs/rpc/server.h"

namespace backplan::testing {

// A plaintext channel to `server`, with the server's message size limit.
inline std::shared_ptr<grpc::Channel> LocalChannel(
    const rpc::RunningServer& server) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(rpc::ServerOptions().max_message_bytes);
  args.SetMaxSendMessageSize(rpc::ServerOptions().max_message_bytes);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server.port()),
                                   grpc::InsecureChannelCredentials(), args);
}

// A client context with a 30-second deadline and, unless empty, `tenant`.
inline std::unique_ptr<grpc::ClientContext> Context(
    absl::string_view tenant = "") {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(30));
  if (!tenant.empty()) {
    context->AddMetadata(rpc::kTenantHeader, std::string(tenant));
  }
  return context;
}

inline v1::Date DayProto(int year, int month, int day) {
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// "2027-6-30": a date as the tests write it, unpadded.
inline std::string Ymd(const v1::Date& date) {
  return absl::StrCat(date.year(), "-", date.month(), "-", date.day());
}

// The end-to-end suites' plan: a (2 days, importance 3) -> b (3 days,
// importance 9), c (1 day, importance 6); start Mon 2027-06-07, target Wed
// 2027-06-30.
inline v1::Plan ChainPlan() {
  v1::Plan plan;
  plan.mutable_outcome()->set_title("ship the reader");
  *plan.mutable_outcome()->mutable_target_date() = DayProto(2027, 6, 30);
  *plan.mutable_outcome()->mutable_start_date() = DayProto(2027, 6, 7);
  const char* ids[] = {"a", "b", "c"};
  const int days[] = {2, 3, 1};
  const int importance[] = {3, 9, 6};
  for (int i = 0; i < 3; ++i) {
    v1::Task* task = plan.add_tasks();
    task->set_id(ids[i]);
    task->set_title(absl::StrCat("task ", ids[i]));
    task->set_duration_days(days[i]);
    task->mutable_attributes()->set_importance(importance[i]);
  }
  v1::Dependency* dep = plan.add_dependencies();
  dep->set_predecessor_id("a");
  dep->set_successor_id("b");
  return plan;
}

}  // namespace backplan::testing

#endif  // BACKPLAN_SERVICES_COMMON_SERVICE_TESTING_H_
