// IndexRepairLoop's queue: tenants deduplicated, bounded per pass and in
// all, failed repairs queued again, and the thread running passes.
#include "services/decomposition/index_repair.h"

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace backplan {
namespace {

using ::testing::UnorderedElementsAre;

class Recorder {
 public:
  absl::Status Repair(const std::string& tenant) {
    std::lock_guard<std::mutex> lock(mu_);
    repaired_.push_back(tenant);
    done_.notify_all();
    return tenant == failing_tenant ? absl::UnavailableError("down")
                                    : absl::OkStatus();
  }
  std::vector<std::string> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(repaired_);
  }
  void WaitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&] { return repaired_.size() >= count; });
  }
  std::string failing_tenant;

 private:
  std::mutex mu_;
  std::condition_variable done_;
  std::vector<std::string> repaired_;
};

IndexRepairLoop::Options Options(int per_pass, int max_pending) {
  IndexRepairLoop::Options options;
  options.interval = absl::Hours(1);
  options.tenants_per_pass = per_pass;
  options.max_pending = max_pending;
  return options;
}

TEST(IndexRepairLoop, RepairsEachNotedTenantOncePerPass) {
  Recorder recorder;
  IndexRepairLoop loop([&](const std::string& t) { return recorder.Repair(t); },
                       Options(8, 8));
  loop.Note("acme");
  loop.Note("beta");
  loop.Note("acme");
  EXPECT_EQ(loop.pending(), 2);
  EXPECT_EQ(loop.RunOnce(), 2);
  EXPECT_THAT(recorder.Take(), UnorderedElementsAre("acme", "beta"));
  EXPECT_EQ(loop.RunOnce(), 0);  // Nothing listed since.
  EXPECT_TRUE(recorder.Take().empty());
}

TEST(IndexRepairLoop, BoundsPerPassAndPending) {
  Recorder recorder;
  IndexRepairLoop loop([&](const std::string& t) { return recorder.Repair(t); },
                       Options(2, 3));
  for (const char* tenant : {"a", "b", "c", "d", "e"}) loop.Note(tenant);
  EXPECT_EQ(loop.pending(), 3);  // "d" and "e" dropped.
  EXPECT_EQ(loop.RunOnce(), 2);
  EXPECT_EQ(loop.pending(), 1);
  EXPECT_EQ(loop.RunOnce(), 1);
  std::vector<std::string> all = recorder.Take();
  EXPECT_EQ(all.size(), 3u);
  loop.Note("d");  // Room again.
  EXPECT_EQ(loop.pending(), 1);
}

TEST(IndexRepairLoop, FailedRepairIsQueuedAgain) {
  Recorder recorder;
  recorder.failing_tenant = "down";
  IndexRepairLoop loop([&](const std::string& t) { return recorder.Repair(t); },
                       Options(8, 8));
  loop.Note("down");
  loop.Note("up");
  EXPECT_EQ(loop.RunOnce(), 1);
  EXPECT_EQ(loop.pending(), 1);
  EXPECT_EQ(loop.RunOnce(), 0);
  EXPECT_THAT(recorder.Take(), UnorderedElementsAre("down", "up", "down"));
}

TEST(IndexRepairLoop, ThreadRunsPassesAndStopsOnDestruction) {
  Recorder recorder;
  IndexRepairLoop::Options options = Options(8, 8);
  options.interval = absl::Milliseconds(10);
  {
    IndexRepairLoop loop(
        [&](const std::string& t) { return recorder.Repair(t); }, options);
    loop.Start();
    loop.Note("acme");
    recorder.WaitFor(1);
  }
  EXPECT_THAT(recorder.Take(), UnorderedElementsAre("acme"));
}

}  // namespace
}  // namespace backplan
