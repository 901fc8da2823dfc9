#include "tools/backplan-load/stats.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/code_name.h"
#include "libs/common/log.h"

namespace backplan::load {

std::string CodeName(int code) {
  const absl::string_view name = GoCodeName(code);
  if (!name.empty()) return std::string(name);
  return absl::StrCat("Code(", code, ")");
}

int64_t NearestRank(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double n = static_cast<double>(sorted.size());
  // A small epsilon keeps exact products (e.g. 0.9 * 10) from rounding up.
  int64_t rank = static_cast<int64_t>(std::ceil(p / 100.0 * n - 1e-9));
  rank = std::clamp<int64_t>(rank, 1, static_cast<int64_t>(sorted.size()));
  return sorted[rank - 1];
}

std::vector<Bucket> Histogram(const std::vector<int64_t>& sorted, int buckets) {
  std::vector<Bucket> out;
  if (sorted.empty() || buckets <= 0) return out;
  const int64_t fastest = sorted.front();
  const int64_t slowest = sorted.back();
  const double width = static_cast<double>(slowest - fastest) / buckets;
  out.resize(buckets);
  for (int i = 0; i < buckets; ++i) {
    out[i].mark_ns =
        i == buckets - 1
            ? slowest
            : fastest + static_cast<int64_t>(std::llround(width * (i + 1)));
  }
  size_t b = 0;
  for (int64_t latency : sorted) {
    while (latency > out[b].mark_ns && b + 1 < out.size()) ++b;
    ++out[b].count;
  }
  for (Bucket& bucket : out) {
    bucket.frequency =
        static_cast<double>(bucket.count) / static_cast<double>(sorted.size());
  }
  return out;
}

void Recorder::Add(int code, absl::string_view message, int64_t latency_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  ++count_;
  ++results_.codes[code];
  if (code == 0) {
    results_.ok_latencies_ns.push_back(latency_ns);
  } else {
    ++errors_;
    ++results_.errors[ErrorText(code, message)];
  }
}

int64_t Recorder::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

int64_t Recorder::errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}

Results Recorder::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  Results out = std::move(results_);
  results_ = Results();
  count_ = 0;
  errors_ = 0;
  return out;
}

std::string ErrorText(int code, absl::string_view message) {
  return absl::StrCat("rpc error: code = ", CodeName(code),
                      " desc = ", message);
}

Report Summarize(Results results, int64_t total_ns) {
  Report report;
  std::vector<int64_t>& ok = results.ok_latencies_ns;
  std::sort(ok.begin(), ok.end());
  for (const auto& [code, calls] : results.codes) {
    report.count += calls;
    report.status_codes[CodeName(code)] += calls;
  }
  report.errors = std::move(results.errors);
  report.total_ns = total_ns;
  report.rps = total_ns > 0 ? static_cast<double>(report.count) * 1e9 /
                                  static_cast<double>(total_ns)
                            : 0;
  report.ok = static_cast<int64_t>(ok.size());
  if (!ok.empty()) {
    report.fastest_ns = ok.front();
    report.slowest_ns = ok.back();
    long double sum = 0;
    for (int64_t latency : ok) sum += latency;
    report.average_ns = static_cast<int64_t>(sum / ok.size());
    report.histogram = Histogram(ok);
    for (double p : kPercentiles) {
      report.latency_distribution.push_back({p, NearestRank(ok, p)});
    }
  }
  return report;
}

std::string HumanDuration(int64_t ns) {
  const double value = static_cast<double>(ns);
  if (ns >= 1'000'000'000) return absl::StrFormat("%.2f s", value / 1e9);
  if (ns >= 1'000'000) return absl::StrFormat("%.2f ms", value / 1e6);
  return absl::StrFormat("%.2f \xC2\xB5s", value / 1e3);
}

namespace {

std::string PercentText(double p) {
  return p == std::floor(p) ? absl::StrCat(static_cast<int>(p))
                            : absl::StrFormat("%.1f", p);
}

}  // namespace

std::string FormatText(const Report& report) {
  std::string out = "\nSummary:\n";
  absl::StrAppend(&out, "  Count:\t", report.count, "\n");
  absl::StrAppend(&out, "  Total:\t", HumanDuration(report.total_ns), "\n");
  absl::StrAppend(&out, "  Slowest:\t", HumanDuration(report.slowest_ns), "\n");
  absl::StrAppend(&out, "  Fastest:\t", HumanDuration(report.fastest_ns), "\n");
  absl::StrAppend(&out, "  Average:\t", HumanDuration(report.average_ns), "\n");
  absl::StrAppend(&out, "  Requests/sec:\t",
                  absl::StrFormat("%.2f", report.rps), "\n");
  if (!report.histogram.empty()) {
    out += "\nResponse time histogram:\n";
    int64_t max = 1;
    for (const Bucket& b : report.histogram) max = std::max(max, b.count);
    for (const Bucket& b : report.histogram) {
      const int64_t bar = b.count * 40 / max;
      std::string bars;
      for (int64_t i = 0; i < bar; ++i) bars += "\xE2\x88\x8E";  // ∎
      absl::StrAppend(&out, "  ", absl::StrFormat("%.3f", b.mark_ns / 1e6),
                      " [", b.count, "]\t|", bars, "\n");
    }
    out += "\nLatency distribution:\n";
    for (const Percentile& p : report.latency_distribution) {
      absl::StrAppend(&out, "  ", PercentText(p.percentage), " % in ",
                      HumanDuration(p.latency_ns), " \n");
    }
  }
  out += "\nStatus code distribution:\n";
  for (const auto& [name, calls] : report.status_codes) {
    absl::StrAppend(&out, "  [", name, "]",
                    std::string(std::max<size_t>(1, 20 - name.size()), ' '),
                    calls, " responses\n");
  }
  if (!report.errors.empty()) {
    out += "\nError distribution:\n";
    for (const auto& [message, calls] : report.errors) {
      absl::StrAppend(&out, "  [", calls, "]\t", message, "\n");
    }
  }
  return out;
}

std::string FormatJson(const Report& report, absl::string_view options_json,
                       absl::string_view date) {
  std::string out = "{";
  out += "\"date\":";
  AppendJsonString(date, &out);
  if (!options_json.empty())
    absl::StrAppend(&out, ",\"options\":", options_json);
  absl::StrAppend(
      &out, ",\"count\":", report.count, ",\"total\":", report.total_ns,
      ",\"average\":", report.average_ns, ",\"fastest\":", report.fastest_ns,
      ",\"slowest\":", report.slowest_ns,
      ",\"rps\":", absl::StrFormat("%.3f", report.rps));
  out += ",\"errorDistribution\":{";
  bool first = true;
  for (const auto& [message, calls] : report.errors) {
    if (!first) out += ",";
    first = false;
    AppendJsonString(message, &out);
    absl::StrAppend(&out, ":", calls);
  }
  out += "},\"statusCodeDistribution\":{";
  first = true;
  for (const auto& [name, calls] : report.status_codes) {
    if (!first) out += ",";
    first = false;
    AppendJsonString(name, &out);
    absl::StrAppend(&out, ":", calls);
  }
  out += "},\"latencyDistribution\":[";
  first = true;
  for (const Percentile& p : report.latency_distribution) {
    if (!first) out += ",";
    first = false;
    absl::StrAppend(&out, "{\"percentage\":", PercentText(p.percentage),
                    ",\"latency\":", p.latency_ns, "}");
  }
  out += "],\"histogram\":[";
  first = true;
  for (const Bucket& b : report.histogram) {
    if (!first) out += ",";
    first = false;
    absl::StrAppend(&out, "{\"mark\":", b.mark_ns, ",\"count\":", b.count,
                    ",\"frequency\":", absl::StrFormat("%.6f", b.frequency),
                    "}");
  }
  out += "]}\n";
  return out;
}

}  // namespace backplan::load
