#include "libs/rpc/metrics.h"

#include <array>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "libs/common/code_name.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace backplan::rpc {

constexpr int kCodeCount = kStatusCodeCount;

struct MethodMetrics {
  prometheus::Counter* started;
  prometheus::Counter* msg_received;
  prometheus::Counter* msg_sent;
  prometheus::Histogram* handling;
  std::array<prometheus::Counter*, kCodeCount> handled;
  prometheus::Gauge* inflight;  // Server side only.
  bool unary;
  std::string method;  // grpc_method.
};

namespace {

// prometheus.DefBuckets, which go-grpc-prometheus's histograms use.
const prometheus::Histogram::BucketBoundaries& DefaultBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

// The five go-grpc-prometheus families of one side ("server" or "client").
struct SideFamilies {
  SideFamilies(prometheus::Registry& registry, const std::string& side)
      : started(prometheus::BuildCounter()
                    .Name(absl::StrCat("grpc_", side, "_started_total"))
                    .Help(absl::StrCat("Total number of RPCs started on the ",
                                       side, "."))
                    .Register(registry)),
        handled(prometheus::BuildCounter()
                    .Name(absl::StrCat("grpc_", side, "_handled_total"))
                    .Help(absl::StrCat("Total number of RPCs completed on the ",
                                       side,
                                       ", regardless of success or "
                                       "failure."))
                    .Register(registry)),
        msg_received(
            prometheus::BuildCounter()
                .Name(absl::StrCat("grpc_", side, "_msg_received_total"))
                .Help(absl::StrCat("Total number of RPC stream messages "
                                   "received on the ",
                                   side, "."))
                .Register(registry)),
        msg_sent(prometheus::BuildCounter()
                     .Name(absl::StrCat("grpc_", side, "_msg_sent_total"))
                     .Help(absl::StrCat("Total number of gRPC stream messages "
                                        "sent by the ",
                                        side, "."))
                     .Register(registry)),
        handling(prometheus::BuildHistogram()
                     .Name(absl::StrCat("grpc_", side, "_handling_seconds"))
                     .Help(absl::StrCat("Histogram of response latency "
                                        "(seconds) of gRPC that had been "
                                        "application-level handled by the ",
                                        side, "."))
                     .Register(registry)) {}

  prometheus::Family<prometheus::Counter>& started;
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Counter>& msg_received;
  prometheus::Family<prometheus::Counter>& msg_sent;
  prometheus::Family<prometheus::Histogram>& handling;
};

struct Metrics {
  std::shared_ptr<prometheus::Registry> registry =
      std::make_shared<prometheus::Registry>();
  SideFamilies server{*registry, "server"};
  SideFamilies client{*registry, "client"};
  prometheus::Family<prometheus::Gauge>& inflight =
      prometheus::BuildGauge()
          .Name("backplan_inflight_calls")
          .Help("RPC handlers running now.")
          .Register(*registry);
  // Its one series appears with the first health check, so a process
  // without a store exports none (rather than a 0 that would alert).
  prometheus::Family<prometheus::Gauge>& store_up =
      prometheus::BuildGauge()
          .Name("backplan_store_up")
          .Help("1 when the last Redis health check succeeded, else 0.")
          .Register(*registry);
  prometheus::Histogram& plan_tasks =
      prometheus::BuildHistogram()
          .Name("backplan_plan_tasks")
          .Help("Tasks in each stored plan read.")
          .Register(*registry)
          .Add({}, prometheus::Histogram::BucketBoundaries{
                       10, 50, 100, 500, 1000, 5000, 10000, 50000, 100000});
  prometheus::Histogram& plan_bytes =
      prometheus::BuildHistogram()
          .Name("backplan_plan_bytes")
          .Help("Encoded size in bytes of each stored plan read.")
          .Register(*registry)
          .Add({}, prometheus::Histogram::BucketBoundaries{1e3, 1e4, 1e5, 1e6,
                                                           4e6, 1.6e7, 6.4e7});
  std::unique_ptr<prometheus::Exposer> exposer;

  std::mutex mu;  // Guards the two maps.
  // Server methods by short name; client methods by "service/method".
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>>
      server_by_method;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>>
      client_by_path;
};

Metrics& Get() {
  static Metrics* metrics = new Metrics();
  return *metrics;
}

std::unique_ptr<MethodMetrics> MakeMethod(
    SideFamilies& side, prometheus::Family<prometheus::Gauge>* inflight,
    const std::string& service, const std::string& method,
    const std::string& type) {
  const prometheus::Labels labels = {
      {"grpc_type", type}, {"grpc_service", service}, {"grpc_method", method}};
  auto m = std::make_unique<MethodMetrics>();
  m->started = &side.started.Add(labels);
  m->msg_received = &side.msg_received.Add(labels);
  m->msg_sent = &side.msg_sent.Add(labels);
  m->handling = &side.handling.Add(labels, DefaultBuckets());
  for (int code = 0; code < kCodeCount; ++code) {
    prometheus::Labels with_code = labels;
    with_code["grpc_code"] = std::string(GoCodeName(code));
    m->handled[code] = &side.handled.Add(with_code);
  }
  m->inflight = inflight == nullptr
                    ? nullptr
                    : &inflight->Add({{"grpc_service", service}});
  m->unary = type == "unary";
  m->method = method;
  return m;
}

// The series of `method`, created (as "unknown") when never registered.
MethodMetrics* ServerMethodLocked(absl::string_view method) {
  Metrics& m = Get();
  std::lock_guard<std::mutex> lock(m.mu);
  auto& slot = m.server_by_method[method];
  if (slot == nullptr) {
    slot = MakeMethod(m.server, &m.inflight, "unknown", std::string(method),
                      "unary");
  }
  return slot.get();
}

const char* TypeOf(const google::protobuf::MethodDescriptor& method) {
  if (method.client_streaming() && method.server_streaming()) {
    return "bidi_stream";
  }
  if (method.client_streaming()) return "client_stream";
  if (method.server_streaming()) return "server_stream";
  return "unary";
}

}  // namespace

absl::Status StartMetrics(const std::string& address) {
  static std::once_flag once;
  absl::Status status;
  std::call_once(once, [&] {
    Metrics& m = Get();
    try {
      // prometheus-cpp reports a failed bind by throwing; keep it here.
      m.exposer = std::make_unique<prometheus::Exposer>(address);
    } catch (const std::exception& e) {
      status = absl::UnavailableError(
          absl::StrCat("metrics: cannot listen on ", address, ": ", e.what()));
      return;
    }
    m.exposer->RegisterCollectable(m.registry);
  });
  return status;
}

std::shared_ptr<prometheus::Registry> MetricsRegistry() {
  return Get().registry;
}

std::string MetricsText() {
  return prometheus::TextSerializer().Serialize(Get().registry->Collect());
}

absl::string_view GrpcCodeName(int code) {
  const absl::string_view name = GoCodeName(code);
  return name.empty() ? "Unknown" : name;
}

void RegisterServedService(absl::string_view full_service_name) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(full_service_name));
  if (service == nullptr) return;
  Metrics& m = Get();
  std::lock_guard<std::mutex> lock(m.mu);
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor& method = *service->method(i);
    auto& slot = m.server_by_method[method.name()];
    if (slot != nullptr) continue;  // First registration wins.
    slot = MakeMethod(m.server, &m.inflight, service->full_name(),
                      method.name(), TypeOf(method));
  }
}

MethodMetrics* ServerMethod(absl::string_view method) {
  // Handlers pass string literals: each thread remembers their series by
  // address, so a call takes no process-wide lock once its thread has seen
  // the method (the series never move or die).
  thread_local absl::flat_hash_map<const char*, MethodMetrics*> seen;
  auto cached = seen.find(method.data());
  if (cached != seen.end() && cached->second->method == method) {
    return cached->second;
  }
  MethodMetrics* found = ServerMethodLocked(method);
  if (seen.size() < 256) seen.insert_or_assign(method.data(), found);
  return found;
}

void RecordServerStart(MethodMetrics* m) {
  m->started->Increment();
  m->inflight->Increment();
  // The request of a unary or server-streaming call has arrived before the
  // handler runs; a client stream's messages are counted as read.
  m->msg_received->Increment();
}

void RecordServerMessageSent(MethodMetrics* m) { m->msg_sent->Increment(); }

void RecordServerFinish(MethodMetrics* m, int code, double seconds) {
  m->handled[code >= 0 && code < kCodeCount ? code : 2]->Increment();
  m->handling->Observe(seconds);
  m->inflight->Decrement();
  if (m->unary && code == 0) m->msg_sent->Increment();
}

ClientCallMetrics::ClientCallMetrics(absl::string_view full_service_name,
                                     absl::string_view method)
    : start_(std::chrono::steady_clock::now()) {
  Metrics& m = Get();
  {
    std::lock_guard<std::mutex> lock(m.mu);
    auto& slot = m.client_by_path[absl::StrCat(full_service_name, "/", method)];
    if (slot == nullptr) {
      slot = MakeMethod(m.client, nullptr, std::string(full_service_name),
                        std::string(method), "unary");
    }
    metrics_ = slot.get();
  }
  metrics_->started->Increment();
  metrics_->msg_sent->Increment();
}

void ClientCallMetrics::Finish(const grpc::Status& status) {
  const int code = static_cast<int>(status.error_code());
  metrics_->handled[code >= 0 && code < kCodeCount ? code : 2]->Increment();
  metrics_->handling->Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count());
  if (status.ok()) metrics_->msg_received->Increment();
}

void SetStoreUp(bool up) { Get().store_up.Add({}).Set(up ? 1 : 0); }

void RecordPlanSize(int64_t tasks, int64_t bytes) {
  Metrics& m = Get();
  m.plan_tasks.Observe(static_cast<double>(tasks));
  m.plan_bytes.Observe(static_cast<double>(bytes));
}

}  // namespace backplan::rpc
