#include "tools/backplan-load/stats.h"

#include <numeric>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace backplan::load {
namespace {

using ::testing::HasSubstr;

std::vector<int64_t> OneToN(int n) {
  std::vector<int64_t> v(n);
  std::iota(v.begin(), v.end(), 1);
  return v;
}

TEST(NearestRank, PicksTheValueAtCeilOfPTimesN) {
  const std::vector<int64_t> v = OneToN(10);
  EXPECT_EQ(NearestRank(v, 10), 1);
  EXPECT_EQ(NearestRank(v, 25), 3);  // ceil(2.5) = 3.
  EXPECT_EQ(NearestRank(v, 50), 5);
  EXPECT_EQ(NearestRank(v, 90), 9);  // Exactly 9: no rounding up to 10.
  EXPECT_EQ(NearestRank(v, 99), 10);
  EXPECT_EQ(NearestRank(v, 99.9), 10);
  EXPECT_EQ(NearestRank(v, 100), 10);
}

TEST(NearestRank, HandlesOneAndNoValues) {
  EXPECT_EQ(NearestRank({}, 50), 0);
  EXPECT_EQ(NearestRank({7}, 0.1), 7);
  EXPECT_EQ(NearestRank({7}, 100), 7);
}

TEST(NearestRank, ThousandValues) {
  const std::vector<int64_t> v = OneToN(1000);
  EXPECT_EQ(NearestRank(v, 99), 990);
  EXPECT_EQ(NearestRank(v, 99.9), 999);
  EXPECT_EQ(NearestRank(v, 95), 950);
}

TEST(Histogram, TenEqualBucketsFromFastestToSlowest) {
  const std::vector<int64_t> v = OneToN(100);  // 1..100 ns.
  const std::vector<Bucket> h = Histogram(v);
  ASSERT_EQ(h.size(), 10u);
  int64_t total = 0;
  for (const Bucket& b : h) total += b.count;
  EXPECT_EQ(total, 100);
  EXPECT_EQ(h.front().mark_ns, 11);  // 1 + 9.9 rounded.
  EXPECT_EQ(h.back().mark_ns, 100);
  EXPECT_EQ(h.front().count, 11);  // 1..11.
  EXPECT_DOUBLE_EQ(h.front().frequency, 0.11);
  for (size_t i = 1; i < h.size(); ++i) {
    EXPECT_GT(h[i].mark_ns, h[i - 1].mark_ns);
  }
}

TEST(Histogram, AllEqualLatenciesFallInTheFirstBucket) {
  const std::vector<Bucket> h = Histogram({5, 5, 5});
  ASSERT_EQ(h.size(), 10u);
  EXPECT_EQ(h[0].count, 3);
  EXPECT_EQ(h[9].mark_ns, 5);
  EXPECT_TRUE(Histogram({}).empty());
}

TEST(Summarize, CountsEveryCodeAndKeepsOkLatencies) {
  Recorder recorder;
  for (int64_t i = 1; i <= 8; ++i) recorder.Add(0, "", i * 1000);
  recorder.Add(3, "cycle: a -> b -> a", 50);
  recorder.Add(3, "cycle: a -> b -> a", 60);
  recorder.Add(14, "connection refused", 70);
  EXPECT_EQ(recorder.count(), 11);
  EXPECT_EQ(recorder.errors(), 3);
  const Report report = Summarize(recorder.Take(), 2'000'000'000);
  EXPECT_EQ(report.count, 11);
  EXPECT_EQ(report.ok, 8);
  EXPECT_DOUBLE_EQ(report.rps, 5.5);
  EXPECT_EQ(report.fastest_ns, 1000);
  EXPECT_EQ(report.slowest_ns, 8000);
  EXPECT_EQ(report.average_ns, 4500);
  EXPECT_EQ(report.status_codes.at("OK"), 8);
  EXPECT_EQ(report.status_codes.at("InvalidArgument"), 2);
  EXPECT_EQ(report.status_codes.at("Unavailable"), 1);
  EXPECT_EQ(report.errors.at(
                "rpc error: code = InvalidArgument desc = cycle: a -> b -> a"),
            2);
  ASSERT_EQ(report.latency_distribution.size(), 8u);
  EXPECT_EQ(report.latency_distribution[2].percentage, 50);
  EXPECT_EQ(report.latency_distribution[2].latency_ns, 4000);
  EXPECT_EQ(recorder.count(), 0);  // Take() empties it.
}

TEST(CodeName, UsesGhzNames) {
  EXPECT_EQ(CodeName(0), "OK");
  EXPECT_EQ(CodeName(1), "Canceled");
  EXPECT_EQ(CodeName(3), "InvalidArgument");
  EXPECT_EQ(CodeName(4), "DeadlineExceeded");
  EXPECT_EQ(CodeName(8), "ResourceExhausted");
  EXPECT_EQ(CodeName(14), "Unavailable");
  EXPECT_EQ(CodeName(16), "Unauthenticated");
  EXPECT_EQ(CodeName(42), "Code(42)");
}

TEST(FormatJson, HasGhzFields) {
  Recorder recorder;
  recorder.Add(0, "", 1500);
  recorder.Add(5, "plan \"x\" not found", 10);
  const std::string json =
      FormatJson(Summarize(recorder.Take(), 1'000'000), "{\"host\":\"h\"}",
                 "2027-01-04T00:00:00Z");
  constexpr char kErrorField[] =
      "\"errorDistribution\":{\"rpc error: code = NotFound desc = plan "
      "\\\"x\\\" not found\":1}";
  for (const char* field :
       {"\"count\":2", "\"total\":1000000", "\"average\":1500",
        "\"fastest\":1500", "\"slowest\":1500", "\"rps\":2000.000",
        "\"histogram\":[{\"mark\":1500,\"count\":1,\"frequency\":1.000000}",
        "\"latencyDistribution\":[{\"percentage\":10,\"latency\":1500}",
        "{\"percentage\":99.9,\"latency\":1500}",
        "\"statusCodeDistribution\":{\"NotFound\":1,\"OK\":1}", kErrorField,
        "\"options\":{\"host\":\"h\"}", "\"date\":\"2027-01-04T00:00:00Z\""}) {
    EXPECT_THAT(json, HasSubstr(field));
  }
}

TEST(FormatText, ListsSummaryAndDistributions) {
  Recorder recorder;
  for (int i = 0; i < 10; ++i) recorder.Add(0, "", 2'000'000);
  recorder.Add(14, "down", 1);
  const std::string text =
      FormatText(Summarize(recorder.Take(), 1'000'000'000));
  EXPECT_THAT(text, HasSubstr("Count:\t11"));
  EXPECT_THAT(text, HasSubstr("Requests/sec:\t11.00"));
  EXPECT_THAT(text, HasSubstr("Average:\t2.00 ms"));
  EXPECT_THAT(text, HasSubstr("99.9 % in 2.00 ms"));
  EXPECT_THAT(text, HasSubstr("[OK]"));
  EXPECT_THAT(text, HasSubstr("[Unavailable]"));
  EXPECT_THAT(text,
              HasSubstr("[1]\trpc error: code = Unavailable desc = down"));
}

TEST(HumanDuration, PicksAUnit) {
  EXPECT_EQ(HumanDuration(845'000), "845.00 \xC2\xB5s");
  EXPECT_EQ(HumanDuration(1'234'000), "1.23 ms");
  EXPECT_EQ(HumanDuration(2'500'000'000), "2.50 s");
}

}  // namespace
}  // namespace backplan::load
