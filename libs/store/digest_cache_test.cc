#include "libs/store/digest_cache.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace backplan {
namespace {

std::shared_ptr<const std::string> Value(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

TEST(DigestCache, FindsWhatWasPutWithItsDigest) {
  DigestCache<std::string> cache(1000);
  EXPECT_FALSE(cache.Find("t/p").has_value());
  cache.Put("t/p", "1:abc", Value("parsed"), 10);
  std::optional<DigestCache<std::string>::Hit> hit = cache.Find("t/p");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->digest, "1:abc");
  EXPECT_EQ(*hit->value, "parsed");
  EXPECT_EQ(cache.bytes(), 10u + 3 + 5);
}

TEST(DigestCache, PutReplacesAndKeepsOldValuesAliveForHolders) {
  DigestCache<std::string> cache(1000);
  cache.Put("t/p", "1:abc", Value("old"), 10);
  std::shared_ptr<const std::string> held = cache.Find("t/p")->value;
  cache.Put("t/p", "2:def", Value("new"), 20);
  EXPECT_EQ(cache.Find("t/p")->digest, "2:def");
  EXPECT_EQ(*cache.Find("t/p")->value, "new");
  EXPECT_EQ(*held, "old");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 20u + 3 + 5);
}

TEST(DigestCache, DropsLeastRecentlyUsedPastItsBound) {
  // Each entry counts 100 + 1 (key) + 1 (digest) bytes: three fit in 310.
  DigestCache<std::string> cache(310);
  cache.Put("a", "1", Value("a"), 100);
  cache.Put("b", "1", Value("b"), 100);
  cache.Put("c", "1", Value("c"), 100);
  ASSERT_TRUE(cache.Find("a").has_value());  // Now b is the oldest.
  cache.Put("d", "1", Value("d"), 100);
  EXPECT_TRUE(cache.Find("a").has_value());
  EXPECT_FALSE(cache.Find("b").has_value());
  EXPECT_TRUE(cache.Find("c").has_value());
  EXPECT_TRUE(cache.Find("d").has_value());
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.bytes(), 306u);
}

TEST(DigestCache, KeepsNothingBiggerThanItsBound) {
  DigestCache<std::string> cache(50);
  cache.Put("a", "1", Value("small"), 10);
  cache.Put("b", "1", Value("huge"), 100);
  EXPECT_FALSE(cache.Find("b").has_value());
  EXPECT_TRUE(cache.Find("a").has_value());
  // A replacement too big drops the old entry rather than keeping it stale.
  cache.Put("a", "2", Value("huge"), 100);
  EXPECT_FALSE(cache.Find("a").has_value());
  EXPECT_EQ(cache.bytes(), 0u);

  DigestCache<std::string> none(0);
  none.Put("a", "1", Value("x"), 0);
  EXPECT_FALSE(none.Find("a").has_value());
}

TEST(DigestCache, EraseDropsTheEntry) {
  DigestCache<std::string> cache(1000);
  cache.Put("a", "1", Value("x"), 10);
  cache.Erase("a");
  cache.Erase("missing");
  EXPECT_FALSE(cache.Find("a").has_value());
  EXPECT_EQ(cache.bytes(), 0u);
}

// Run under -DBACKPLAN_SANITIZE=thread: readers and writers on shared keys,
// with a bound small enough that entries are evicted all the time. Every
// value found must be the one its digest names.
TEST(DigestCache, ConcurrentFindAndPutAreConsistent) {
  DigestCache<std::string> cache(size_t{8} * 34);  // 8 entries of 33..34 bytes.
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = absl::StrCat("k", (i + t) % 12);
        const std::string digest = absl::StrCat(i % 5);
        if ((i + t) % 3 == 0) {
          cache.Put(key, digest, Value(absl::StrCat(key, "@", digest)), 30);
        } else if (std::optional<DigestCache<std::string>::Hit> hit =
                       cache.Find(key)) {
          ASSERT_EQ(*hit->value, absl::StrCat(key, "@", hit->digest));
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(cache.bytes(), 8u * 34);
  EXPECT_LE(cache.size(), 8u);
}

}  // namespace
}  // namespace backplan
