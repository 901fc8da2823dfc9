#include "services/decomposition/book_cache.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;

decompose::RecipeBook Book(const std::string& goal) {
  decompose::RecipeBook book;
  decompose::Recipe recipe;
  recipe.name = "r";
  recipe.goal = goal;
  decompose::RecipeTask task;
  task.title = "do " + goal;
  task.duration_days = 2;
  recipe.tasks.push_back(task);
  book.recipes.push_back(recipe);
  return book;
}

TEST(CompiledBookCache, BuildsOnceAndReturnsTheSameBook) {
  CompiledBookCache cache(4);
  int builds = 0;
  auto build = [&]() -> absl::StatusOr<decompose::RecipeBook> {
    ++builds;
    return Book("ship it");
  };
  ASSERT_OK_AND_ASSIGN(auto first, cache.GetOrBuild("k", build));
  ASSERT_OK_AND_ASSIGN(auto second, cache.GetOrBuild("k", build));
  EXPECT_EQ(builds, 1);
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(first->book().recipes[0].goal, "ship it");
}

TEST(CompiledBookCache, DoesNotCacheErrors) {
  CompiledBookCache cache(4);
  int builds = 0;
  auto bad = [&]() -> absl::StatusOr<decompose::RecipeBook> {
    ++builds;
    return absl::InvalidArgumentError("line 3: bad");
  };
  EXPECT_THAT(cache.GetOrBuild("k", bad),
              StatusIs(absl::StatusCode::kInvalidArgument, "line 3: bad"));
  EXPECT_THAT(cache.GetOrBuild("k", bad),
              StatusIs(absl::StatusCode::kInvalidArgument, "line 3: bad"));
  EXPECT_EQ(builds, 2);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CompiledBookCache, EvictsOldestBeyondCapacity) {
  CompiledBookCache cache(2);
  int builds = 0;
  auto build = [&]() -> absl::StatusOr<decompose::RecipeBook> {
    ++builds;
    return Book("g");
  };
  ASSERT_OK(cache.GetOrBuild("a", build).status());
  ASSERT_OK(cache.GetOrBuild("b", build).status());
  ASSERT_OK(cache.GetOrBuild("c", build).status());
  EXPECT_EQ(cache.size(), 2u);
  ASSERT_OK(cache.GetOrBuild("c", build).status());
  EXPECT_EQ(builds, 3);
  ASSERT_OK(cache.GetOrBuild("a", build).status());  // Evicted: rebuilt.
  EXPECT_EQ(builds, 4);
}

}  // namespace
}  // namespace backplan
