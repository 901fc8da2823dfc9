#include "libs/rpc/metrics.h"

#include <atomic>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace backplan::rpc {
namespace {

struct Metrics {
  std::shared_ptr<prometheus::Registry> registry =
      std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter()
          .Name("backplan_requests_total")
          .Help("Finished RPCs by method and status code")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& durations =
      prometheus::BuildHistogram()
          .Name("backplan_request_duration_seconds")
          .Help("RPC latency by method")
          .Register(*registry);
  std::unique_ptr<prometheus::Exposer> exposer;
};

std::atomic<Metrics*> metrics{nullptr};

}  // namespace

absl::Status StartMetrics(const std::string& address) {
  static std::once_flag once;
  absl::Status status;
  std::call_once(once, [&] {
    auto m = std::make_unique<Metrics>();
    try {
      // prometheus-cpp reports a failed bind by throwing; keep it here.
      m->exposer = std::make_unique<prometheus::Exposer>(address);
    } catch (const std::exception& e) {
      status = absl::UnavailableError(
          absl::StrCat("metrics: cannot listen on ", address, ": ", e.what()));
      return;
    }
    m->exposer->RegisterCollectable(m->registry);
    metrics.store(m.release());
  });
  return status;
}

void RecordCall(absl::string_view method, absl::string_view code,
                double seconds) {
  Metrics* m = metrics.load(std::memory_order_acquire);
  if (m == nullptr) return;
  const std::string method_name(method);
  m->requests.Add({{"method", method_name}, {"code", std::string(code)}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  m->durations.Add({{"method", method_name}}, kBuckets).Observe(seconds);
}

}  // namespace backplan::rpc
