// Statistics and reports of backplan-load: collects one result per call and
// summarises them the way ghz does (count, total, requests/sec, fastest,
// slowest, average, a latency histogram, nearest-rank percentiles, status
// code and error distributions), as text or as JSON with ghz's field names.
//
//   backplan::load::Recorder recorder;
//   recorder.Add(0, "", 1'250'000);                  // OK in 1.25 ms
//   recorder.Add(3, "cycle: a -> b -> a", 90'000);   // INVALID_ARGUMENT
//   backplan::load::Report report =
//       backplan::load::Summarize(recorder.Take(), /*total_ns=*/1'000'000'000);
//   std::cout << backplan::load::FormatText(report);
//
// Latencies are nanoseconds. Fastest, slowest, average, the histogram and
// the percentiles are over successful (OK) calls only; count and requests/sec
// include every call, so count == OK + every other code. No gRPC dependency:
// codes are the numeric gRPC (= absl) codes 0..16.
#ifndef BACKPLAN_TOOLS_BACKPLAN_LOAD_STATS_H_
#define BACKPLAN_TOOLS_BACKPLAN_LOAD_STATS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace backplan::load {

// ghz's CamelCase name of a gRPC status code ("OK", "InvalidArgument",
// "Unavailable", ...); "Code(<n>)" for numbers outside 0..16.
std::string CodeName(int code);

// The percentiles every report lists, in percent.
inline constexpr double kPercentiles[] = {10, 25, 50, 75, 90, 95, 99, 99.9};

// The nearest-rank percentile `p` (0 < p <= 100) of ascending `sorted`: the
// value at rank ceil(p / 100 * n), 1-based. 0 when `sorted` is empty.
int64_t NearestRank(const std::vector<int64_t>& sorted, double p);

// One histogram bucket: the calls with latency in (previous mark, mark]
// (the first bucket also holds `fastest` itself).
struct Bucket {
  int64_t mark_ns = 0;  // Upper bound of the bucket.
  int64_t count = 0;
  double frequency = 0;  // count / number of latencies.
};

// `buckets` equal-width buckets from the fastest to the slowest of ascending
// `sorted`; the last mark is the slowest. Empty when `sorted` is empty.
std::vector<Bucket> Histogram(const std::vector<int64_t>& sorted,
                              int buckets = 10);

// Everything recorded during a run.
struct Results {
  std::vector<int64_t> ok_latencies_ns;   // Successful calls.
  std::map<int, int64_t> codes;           // Code -> calls.
  std::map<std::string, int64_t> errors;  // ghz-style message -> calls.
};

// Collects call results from any thread.
class Recorder {
 public:
  // Records one call: its gRPC code, error message (ignored for OK) and
  // latency. Thread-safe.
  void Add(int code, absl::string_view message, int64_t latency_ns);
  // Calls recorded so far (any code). Thread-safe.
  int64_t count() const;
  int64_t errors() const;
  // Hands over everything recorded and starts empty again.
  Results Take();

 private:
  mutable std::mutex mu_;  // Guards results_ and the counters.
  Results results_;
  int64_t count_ = 0;
  int64_t errors_ = 0;
};

struct Percentile {
  double percentage = 0;
  int64_t latency_ns = 0;
};

// A run's summary.
struct Report {
  int64_t count = 0;     // Every call, whatever its code.
  int64_t total_ns = 0;  // Wall time of the measured part of the run.
  double rps = 0;        // count / total.
  int64_t ok = 0;
  int64_t fastest_ns = 0;  // Over OK calls.
  int64_t slowest_ns = 0;
  int64_t average_ns = 0;
  std::vector<Bucket> histogram;
  std::vector<Percentile> latency_distribution;
  std::map<std::string, int64_t> status_codes;  // CodeName -> calls.
  std::map<std::string, int64_t> errors;        // Message -> calls.
};

// Summarises `results` of a run whose measured part took `total_ns`.
Report Summarize(Results results, int64_t total_ns);

// ghz's "rpc error: code = <CodeName> desc = <message>".
std::string ErrorText(int code, absl::string_view message);

// "1.23 ms", "845.00 µs", "2.50 s": a latency for people.
std::string HumanDuration(int64_t ns);

// ghz's text summary.
std::string FormatText(const Report& report);

// ghz's JSON fields: count, total, average, fastest, slowest, rps,
// histogram [{mark, count, frequency}], latencyDistribution [{percentage,
// latency}], statusCodeDistribution, errorDistribution, plus "date" and
// "options" (`options_json`, an object, inserted as is; may be empty).
// Durations (total, average, fastest, slowest, mark, latency) are integer
// nanoseconds.
std::string FormatJson(const Report& report, absl::string_view options_json,
                       absl::string_view date);

}  // namespace backplan::load

#endif  // BACKPLAN_TOOLS_BACKPLAN_LOAD_STATS_H_
