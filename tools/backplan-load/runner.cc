#include "tools/backplan-load/runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/alarm.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "libs/channel/credentials.h"

namespace backplan::load {
namespace {

using Clock = std::chrono::steady_clock;

int64_t Nanos(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

// One run: shared by the issuing thread and gRPC's callback threads.
class Engine {
 public:
  Engine(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
         const RunOptions& options)
      : options_(options) {
    for (const auto& channel : channels) {
      stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
    }
    for (const std::string& bytes : options.requests) {
      grpc::Slice slice(bytes);
      requests_.emplace_back(&slice, 1);
    }
  }

  RunResult Run() {
    start_ = Clock::now();
    if (options_.warmup_time > absl::ZeroDuration()) {
      measure_start_ns_ = absl::ToInt64Nanoseconds(options_.warmup_time);
    } else if (options_.warmup_calls == 0) {
      measure_start_ns_ = 0;
    }
    std::thread progress;
    if (options_.progress) progress = std::thread([this] { Progress(); });
    if (options_.rps > 0) {
      OpenLoop();
    } else {
      ClosedLoop();
    }
    {
      std::unique_lock<std::mutex> lock(mu_);
      idle_.wait(lock, [this] { return in_flight_ == 0; });
      finished_ = true;
    }
    idle_.notify_all();
    if (progress.joinable()) progress.join();
    RunResult result;
    result.results = recorder_.Take();
    const int64_t start = measure_start_ns_.load();
    const int64_t end = last_completion_ns_.load();
    result.total_ns = start >= 0 && end > start ? end - start : 0;
    return result;
  }

 private:
  struct Call {
    grpc::ClientContext context;
    grpc::ByteBuffer response;
    Clock::time_point intended;
    bool measured = false;
  };

  // Claims the next call. False when the run is over.
  bool NextTicket(Clock::time_point now, int64_t* ticket_out, bool* measured) {
    if (stop_.load(std::memory_order_relaxed)) return false;
    const int64_t ticket = next_ticket_.fetch_add(1);
    if (options_.total > 0 &&
        ticket >= options_.warmup_calls + options_.total) {
      stop_ = true;
      return false;
    }
    const int64_t since = Nanos(now - start_);
    if (options_.warmup_calls > 0 && ticket == options_.warmup_calls) {
      int64_t unset = -1;
      measure_start_ns_.compare_exchange_strong(unset, since);
    }
    const int64_t measure_start = measure_start_ns_.load();
    if (options_.duration > absl::ZeroDuration() && measure_start >= 0 &&
        since >= measure_start + absl::ToInt64Nanoseconds(options_.duration)) {
      stop_ = true;
      return false;
    }
    *ticket_out = ticket;
    *measured = ticket >= options_.warmup_calls &&
                (options_.warmup_time == absl::ZeroDuration() ||
                 since >= measure_start);
    return true;
  }

  void Start(int64_t ticket, Clock::time_point intended, bool measured) {
    Call* call = new Call;
    call->intended = intended;
    call->measured = measured;
    if (options_.timeout > absl::ZeroDuration()) {
      call->context.set_deadline(std::chrono::system_clock::now() +
                                 absl::ToChronoNanoseconds(options_.timeout));
    }
    for (const auto& [key, value] : options_.metadata) {
      call->context.AddMetadata(key, value);
    }
    grpc::GenericStub& stub = *stubs_[ticket % stubs_.size()];
    const grpc::ByteBuffer& request = requests_[ticket % requests_.size()];
    stub.UnaryCall(
        &call->context, options_.method, grpc::StubOptions(), &request,
        &call->response,
        [this, call](const grpc::Status& status) { Done(call, status); });
  }

  // The server's grpc-retry-pushback-ms of a refused call; 0 without one.
  static int64_t PushbackMs(const Call& call, const grpc::Status& status) {
    if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) return 0;
    const auto& trailers = call.context.GetServerTrailingMetadata();
    auto it = trailers.find("grpc-retry-pushback-ms");
    int64_t ms = 0;
    if (it == trailers.end() ||
        !absl::SimpleAtoi(
            absl::string_view(it->second.data(), it->second.size()), &ms)) {
      return 0;
    }
    return std::clamp<int64_t>(ms, 0, 10000);
  }

  // Closed loop: the slot of a finished call starts the next one, or leaves.
  void Continue() {
    int64_t ticket;
    bool measured;
    const Clock::time_point next = Clock::now();
    if (NextTicket(next, &ticket, &measured)) {
      Start(ticket, next, measured);  // Keeps the in-flight slot.
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (--in_flight_ == 0) idle_.notify_all();
  }

  void Done(Call* call, const grpc::Status& status) {
    const Clock::time_point now = Clock::now();
    const int64_t pushback_ms =
        options_.honor_pushback ? PushbackMs(*call, status) : 0;
    if (call->measured) {
      recorder_.Add(static_cast<int>(status.error_code()),
                    status.error_message(), Nanos(now - call->intended));
      const int64_t since = Nanos(now - start_);
      int64_t last = last_completion_ns_.load();
      while (since > last &&
             !last_completion_ns_.compare_exchange_weak(last, since)) {
      }
    }
    delete call;
    if (options_.rps <= 0) {
      if (pushback_ms > 0) {
        // gRPC keeps the alarm alive until its callback has run.
        auto* alarm = new grpc::Alarm();
        alarm->Set(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(pushback_ms),
                   [this, alarm](bool) {
                     delete alarm;
                     Continue();
                   });
        return;
      }
      Continue();
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (--in_flight_ == 0 || options_.rps > 0) idle_.notify_all();
  }

  void ClosedLoop() {
    for (int i = 0; i < options_.concurrency; ++i) {
      int64_t ticket;
      bool measured;
      const Clock::time_point now = Clock::now();
      if (!NextTicket(now, &ticket, &measured)) break;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++in_flight_;
      }
      Start(ticket, now, measured);
    }
  }

  void OpenLoop() {
    const double interval_ns = 1e9 / options_.rps;
    if (options_.warmup_calls > 0) {
      measure_start_ns_ =
          static_cast<int64_t>(interval_ns * options_.warmup_calls);
    }
    for (int64_t i = 0;; ++i) {
      const Clock::time_point intended =
          start_ + std::chrono::nanoseconds(static_cast<int64_t>(
                       interval_ns * static_cast<double>(i)));
      const int64_t since = Nanos(intended - start_);
      if (options_.total > 0 && i >= options_.warmup_calls + options_.total) {
        break;
      }
      if (options_.duration > absl::ZeroDuration() &&
          since >= measure_start_ns_.load() +
                       absl::ToInt64Nanoseconds(options_.duration)) {
        break;
      }
      if (intended > Clock::now()) std::this_thread::sleep_until(intended);
      {
        std::unique_lock<std::mutex> lock(mu_);
        idle_.wait(lock,
                   [this] { return in_flight_ < options_.max_in_flight; });
        ++in_flight_;
      }
      const bool measured =
          i >= options_.warmup_calls && since >= measure_start_ns_.load();
      Start(i, intended, measured);
    }
  }

  void Progress() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!idle_.wait_for(lock, std::chrono::seconds(1),
                           [this] { return finished_; })) {
      const double elapsed = Nanos(Clock::now() - start_) / 1e9;
      const int64_t calls = recorder_.count();
      const int64_t measure_start = measure_start_ns_.load();
      const double measured_s =
          measure_start >= 0 ? elapsed - measure_start / 1e9 : 0;
      const std::string line = absl::StrFormat(
          "\r  %6.1f s  %d calls  %d errors  %.0f calls/s  %d in flight",
          elapsed, calls, recorder_.errors(),
          measured_s > 0 ? calls / measured_s : 0.0, in_flight_);
      std::fputs(line.c_str(), stderr);
      std::fflush(stderr);
    }
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }

  const RunOptions& options_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::vector<grpc::ByteBuffer> requests_;
  Recorder recorder_;
  Clock::time_point start_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> next_ticket_{0};
  // Nanoseconds after start_; -1 until known.
  std::atomic<int64_t> measure_start_ns_{-1};
  std::atomic<int64_t> last_completion_ns_{-1};
  std::mutex mu_;  // Guards in_flight_ and finished_.
  std::condition_variable idle_;
  int64_t in_flight_ = 0;
  bool finished_ = false;
};

}  // namespace

absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> MakeChannels(
    const std::string& address, int connections, const TlsOptions& tls,
    absl::Duration connect_timeout) {
  channel::ClientSecurity security;
  security.tls = !tls.insecure;
  security.ca_file = tls.cacert;
  security.cert_file = tls.cert;
  security.key_file = tls.key;
  security.server_name = tls.server_name;
  security.token = tls.token;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  const auto deadline = std::chrono::system_clock::now() +
                        absl::ToChronoNanoseconds(connect_timeout);
  for (int i = 0; i < std::max(1, connections); ++i) {
    grpc::ChannelArguments args;
    // Distinct arguments and a local pool: one TCP connection per channel.
    args.SetInt("backplan-load.connection", i);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(-1);
    args.SetMaxSendMessageSize(-1);
    // Backplan's retry contract and credentials (libs/channel).
    absl::StatusOr<std::shared_ptr<grpc::Channel>> made =
        channel::NewChannel(address, security, args);
    if (!made.ok()) return made.status();
    channels.push_back(*std::move(made));
    if (!channels.back()->WaitForConnected(deadline)) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", address,
                                                 " (connection ", i + 1, " of ",
                                                 connections, ")"));
    }
  }
  return channels;
}

RunResult Run(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
              const RunOptions& options) {
  Engine engine(channels, options);
  return engine.Run();
}

}  // namespace backplan::load
