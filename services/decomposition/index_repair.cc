#include "services/decomposition/index_repair.h"

#include <chrono>
#include <utility>
#include <vector>

#include "libs/common/log.h"

namespace backplan {

IndexRepairLoop::IndexRepairLoop(
    std::function<absl::Status(const std::string&)> repair,
    const Options& options)
    : repair_(std::move(repair)), options_(options) {}

IndexRepairLoop::~IndexRepairLoop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IndexRepairLoop::Start() {
  thread_ = std::thread([this] {
    const auto interval =
        std::chrono::microseconds(absl::ToInt64Microseconds(options_.interval));
    std::unique_lock<std::mutex> lock(mu_);
    while (!wake_.wait_for(lock, interval, [this] { return stop_; })) {
      lock.unlock();
      RunOnce();
      lock.lock();
    }
  });
}

void IndexRepairLoop::Note(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<int>(pending_.size()) >= options_.max_pending) return;
  pending_.insert(tenant);
}

int IndexRepairLoop::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(pending_.size());
}

int IndexRepairLoop::RunOnce() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  std::vector<std::string> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!pending_.empty() &&
           static_cast<int>(batch.size()) < options_.tenants_per_pass) {
      auto it = pending_.begin();
      batch.push_back(*it);
      pending_.erase(it);
    }
  }
  int repaired = 0;
  for (const std::string& tenant : batch) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) break;
    }
    const absl::Status status = repair_(tenant);
    if (status.ok()) {
      ++repaired;
      continue;
    }
    LogLine(LogLevel::kWarning, "index repair failed")
        .Add("tenant", tenant)
        .Add("error", status.ToString());
    Note(tenant);
  }
  return repaired;
}

}  // namespace backplan
