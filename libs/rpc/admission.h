// Admission of unary calls past what the machine can serve: at most
// `max_running` calls run their handlers at once; a call beyond that waits
// in a FIFO queue of at most `max_queued` calls for at most `max_wait`, and
// is refused with RESOURCE_EXHAUSTED when the queue is full or its wait
// runs out, so latency stays bounded instead of every call slowing down.
// CallScope admits each unary call after its tenant slot (tenant_slots.h);
// StartServer configures the process-wide instance from --max_running_calls,
// --max_queued_calls and --max_queue_wait_ms, and refused calls carry the
// trailer `grpc-retry-pushback-ms` (kRetryPushbackHeader) with
// RetryPushback() (--retry_pushback_ms).
//
//   Admission& admission = Admission::Process();
//   RETURN_IF_ERROR(admission.Admit());   // may wait up to max_wait
//   ... handler ...
//   admission.Release();
#ifndef BACKPLAN_LIBS_RPC_ADMISSION_H_
#define BACKPLAN_LIBS_RPC_ADMISSION_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <mutex>

#include "absl/status/status.h"

namespace backplan::rpc {

// gRPC's standard trailer telling a client's retry policy how long to wait
// before retrying, in milliseconds.
inline constexpr char kRetryPushbackHeader[] = "grpc-retry-pushback-ms";

class Admission {
 public:
  // The process-wide instance CallScope uses.
  static Admission& Process();

  // `max_running` <= 0: no limit (every call admitted at once; the queue is
  // unused). `max_queued` < 0 counts as 0 (refuse at once when full).
  // Calls already running or queued keep their places.
  // `retry_pushback` is what refused clients are told to wait (at least
  // 1 ms).
  void Configure(int max_running, int max_queued,
                 std::chrono::milliseconds max_wait,
                 std::chrono::milliseconds retry_pushback);

  // Admits one call, waiting in the queue when every running place is
  // taken. RESOURCE_EXHAUSTED naming the limit when the queue is full or
  // the wait exceeds max_wait; the caller then must not call Release.
  absl::Status Admit();
  // Ends a call admitted by Admit: its place goes to the oldest waiter.
  void Release();

  // The wait a refused client is asked to keep before retrying.
  std::chrono::milliseconds RetryPushback();

  struct Counts {
    int running = 0;
    int queued = 0;
    int64_t refused = 0;  // Since the process started.
  };
  Counts counts();

 private:
  struct Waiter {
    std::condition_variable wake;
    bool admitted = false;
  };

  std::mutex mu_;  // Guards everything below.
  int max_running_ = 0;
  int max_queued_ = 0;
  std::chrono::milliseconds max_wait_{0};
  std::chrono::milliseconds retry_pushback_{1};
  int running_ = 0;
  std::list<Waiter*> queue_;  // Oldest first; each lives on Admit's stack.
  int64_t refused_ = 0;
};

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_ADMISSION_H_
