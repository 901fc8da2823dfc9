// Overload admission (admission.h) on a real in-process server whose
// Prioritize goes through CallScope and blocks until the test opens a gate:
// one call runs, one waits in the queue, a burst beyond them is refused with
// RESOURCE_EXHAUSTED and grpc-retry-pushback-ms, and the server serves
// again once the burst is over. Codes and trailers are asserted, never
// times.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backplan/v1/prioritization.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/rpc/admission.h"
#include "libs/rpc/call.h"
#include "libs/rpc/server.h"

namespace backplan::rpc {
namespace {

using ::testing::HasSubstr;

// Prioritize blocks while the gate is closed.
class GatedService : public v1::PrioritizationService::Service {
 public:
  grpc::Status Prioritize(grpc::ServerContext* context,
                          const v1::PrioritizeRequest*,
                          v1::PrioritizeResponse*) override {
    CallScope call(context, "Prioritize");
    if (!call.tenant_status().ok()) return call.Finish(call.tenant_status());
    std::unique_lock<std::mutex> lock(mu_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    return call.Finish(absl::OkStatus());
  }
  void AwaitEntered(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return entered_ >= n; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;  // Guards entered_ and open_.
  std::condition_variable changed_;
  int entered_ = 0;
  bool open_ = false;
};

// One asynchronous call and what came back.
struct Outcome {
  grpc::ClientContext context;
  v1::PrioritizeRequest request;
  v1::PrioritizeResponse response;
  grpc::Status status;
  std::string pushback;  // The grpc-retry-pushback-ms trailer, if any.
};

class OverloadTest : public ::testing::Test {
 protected:
  void Start(int max_running, int max_queued,
             std::chrono::milliseconds max_wait) {
    ServerOptions options;
    options.max_running_calls = max_running;
    options.max_queued_calls = max_queued;
    options.max_queue_wait = max_wait;
    options.retry_pushback = std::chrono::milliseconds(250);
    ASSERT_OK_AND_ASSIGN(server_, StartServer(options, {&service_}, nullptr));
    stub_ = v1::PrioritizationService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    service_.Open();
    server_.reset();
    Admission::Process().Configure(0, 0, std::chrono::milliseconds(0),
                                   std::chrono::milliseconds(1));
  }

  // Starts a call; `done` is counted down when it completes.
  void Call(Outcome* outcome) {
    outcome->context.set_deadline(std::chrono::system_clock::now() +
                                  std::chrono::minutes(1));
    stub_->async()->Prioritize(
        &outcome->context, &outcome->request, &outcome->response,
        [this, outcome](grpc::Status status) {
          const auto& trailers = outcome->context.GetServerTrailingMetadata();
          auto it = trailers.find(kRetryPushbackHeader);
          std::lock_guard<std::mutex> lock(mu_);
          if (it != trailers.end()) {
            outcome->pushback.assign(it->second.data(), it->second.size());
          }
          outcome->status = std::move(status);
          ++done_;
          done_changed_.notify_all();
        });
  }
  void AwaitDone(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    done_changed_.wait(lock, [&] { return done_ >= n; });
  }

  GatedService service_;
  std::unique_ptr<RunningServer> server_;
  std::unique_ptr<v1::PrioritizationService::Stub> stub_;
  std::mutex mu_;  // Guards done_ and the outcomes' fields.
  std::condition_variable done_changed_;
  int done_ = 0;
};

TEST_F(OverloadTest, ABurstPastTheQueueIsRefusedWithPushbackThenServed) {
  Start(/*max_running=*/1, /*max_queued=*/1, std::chrono::minutes(1));
  const int64_t refused_before = Admission::Process().counts().refused;
  Outcome running;
  Call(&running);
  service_.AwaitEntered(1);
  Outcome queued;
  Call(&queued);
  while (Admission::Process().counts().queued != 1) std::this_thread::yield();

  constexpr int kBurst = 20;
  std::vector<std::unique_ptr<Outcome>> burst;
  for (int i = 0; i < kBurst; ++i) {
    burst.push_back(std::make_unique<Outcome>());
    Call(burst.back().get());
  }
  AwaitDone(kBurst);  // Every burst call is answered at once.
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& outcome : burst) {
      EXPECT_EQ(outcome->status.error_code(),
                grpc::StatusCode::RESOURCE_EXHAUSTED);
      EXPECT_THAT(outcome->status.error_message(),
                  HasSubstr("--max_queued_calls"));
      EXPECT_EQ(outcome->pushback, "250");
    }
  }

  service_.Open();
  AwaitDone(kBurst + 2);
  EXPECT_TRUE(running.status.ok()) << running.status.error_message();
  EXPECT_TRUE(queued.status.ok()) << queued.status.error_message();
  EXPECT_EQ(running.pushback, "");
  EXPECT_EQ(Admission::Process().counts().refused - refused_before, kBurst);

  // The burst is over: the server serves again.
  Outcome after;
  Call(&after);
  AwaitDone(kBurst + 3);
  EXPECT_TRUE(after.status.ok()) << after.status.error_message();
}

TEST_F(OverloadTest, AQueuedCallWhoseWaitRunsOutIsRefusedWithPushback) {
  Start(/*max_running=*/1, /*max_queued=*/4, std::chrono::milliseconds(5));
  Outcome running;
  Call(&running);
  service_.AwaitEntered(1);
  Outcome waited;
  Call(&waited);
  AwaitDone(1);
  EXPECT_EQ(waited.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(waited.status.error_message(), HasSubstr("--max_queue_wait_ms"));
  EXPECT_EQ(waited.pushback, "250");
  service_.Open();
  AwaitDone(2);
  EXPECT_TRUE(running.status.ok()) << running.status.error_message();
}

TEST(OverloadOptions, LimitsThatDoNotFitTheThreadsAreRefused) {
  ServerOptions options;
  options.max_threads = 16;
  options.max_running_calls = 8;
  options.max_queued_calls = 8;
  absl::StatusOr<std::unique_ptr<RunningServer>> server =
      StartServer(options, {}, nullptr);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(), HasSubstr("--max_threads"));
}

}  // namespace
}  // namespace backplan::rpc
