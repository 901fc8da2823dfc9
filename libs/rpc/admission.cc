#include "libs/rpc/admission.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace backplan::rpc {

Admission& Admission::Process() {
  static Admission* admission = new Admission();
  return *admission;
}

void Admission::Configure(int max_running, int max_queued,
                          std::chrono::milliseconds max_wait,
                          std::chrono::milliseconds retry_pushback) {
  std::lock_guard<std::mutex> lock(mu_);
  retry_pushback_ = std::max(retry_pushback, std::chrono::milliseconds(1));
  max_running_ = max_running;
  max_queued_ = std::max(0, max_queued);
  max_wait_ = max_wait;
}

absl::Status Admission::Admit() {
  std::unique_lock<std::mutex> lock(mu_);
  if (max_running_ <= 0 || (running_ < max_running_ && queue_.empty())) {
    ++running_;
    return absl::OkStatus();
  }
  if (static_cast<int>(queue_.size()) >= max_queued_) {
    ++refused_;
    return absl::ResourceExhaustedError(absl::StrCat(
        "the server is overloaded: ", running_, " calls running and ",
        queue_.size(),
        " queued, the most --max_running_calls and --max_queued_calls "
        "allow; retry later"));
  }
  Waiter waiter;
  auto place = queue_.insert(queue_.end(), &waiter);
  const auto deadline = std::chrono::steady_clock::now() + max_wait_;
  waiter.wake.wait_until(lock, deadline, [&] { return waiter.admitted; });
  if (waiter.admitted) return absl::OkStatus();  // Release counted us.
  queue_.erase(place);
  ++refused_;
  return absl::ResourceExhaustedError(absl::StrCat(
      "the server is overloaded: the call waited ", max_wait_.count(),
      " ms (--max_queue_wait_ms) for one of the ", max_running_,
      " running places (--max_running_calls); retry later"));
}

void Admission::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!queue_.empty() && running_ <= max_running_) {
    // Hand the place over: running_ stays the same.
    Waiter* next = queue_.front();
    queue_.pop_front();
    next->admitted = true;
    next->wake.notify_one();
    return;
  }
  --running_;
}

std::chrono::milliseconds Admission::RetryPushback() {
  std::lock_guard<std::mutex> lock(mu_);
  return retry_pushback_;
}

Admission::Counts Admission::counts() {
  std::lock_guard<std::mutex> lock(mu_);
  return Counts{running_, static_cast<int>(queue_.size()), refused_};
}

}  // namespace backplan::rpc
