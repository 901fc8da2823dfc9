#include "libs/decompose/compiled_book.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "libs/common/status_macros.h"

namespace backplan::decompose {
namespace internal {

void CompiledBook::Candidates(absl::string_view goal,
                              std::vector<int>* out) const {
  out->assign(unindexed.begin(), unindexed.end());
  auto add = [&](const auto& map, absl::string_view key) {
    if (auto it = map.find(key); it != map.end()) {
      out->insert(out->end(), it->second.begin(), it->second.end());
    }
  };
  // Every word boundary of the goal, and its ends.
  for (size_t p = 0; p <= goal.size(); ++p) {
    if (p != goal.size() && goal[p] != ' ') continue;
    if (p <= max_prefix) add(by_prefix, goal.substr(0, p));
    const size_t from = p == goal.size() ? 0 : p + 1;
    if (goal.size() - from <= max_suffix && p != goal.size()) {
      add(by_suffix, goal.substr(from));
    }
  }
  // Each recipe is under one key, so sorting restores declared order.
  std::sort(out->begin(), out->end());
}

}  // namespace internal

using internal::CompiledBook;
using internal::CompiledRecipe;
using internal::CompiledTask;

CompiledRecipeBook::CompiledRecipeBook(std::unique_ptr<CompiledBook> impl)
    : impl_(std::move(impl)) {}
CompiledRecipeBook::CompiledRecipeBook(CompiledRecipeBook&&) noexcept = default;
CompiledRecipeBook& CompiledRecipeBook::operator=(
    CompiledRecipeBook&&) noexcept = default;
CompiledRecipeBook::~CompiledRecipeBook() = default;

const RecipeBook& CompiledRecipeBook::book() const { return impl_->book; }

absl::StatusOr<CompiledRecipeBook> CompiledRecipeBook::Create(
    RecipeBook book, absl::string_view source) {
  RETURN_IF_ERROR(ValidateRecipeBook(book, source));
  auto impl = std::make_unique<CompiledBook>();
  impl->book = std::move(book);
  // Validation has parsed every template already, so value() cannot fail.
  for (size_t i = 0; i < impl->book.recipes.size(); ++i) {
    const Recipe& r = impl->book.recipes[i];
    CompiledRecipe c;
    c.pattern = Template::Parse(r.goal).value();
    for (const std::string& w : r.when) {
      c.when.push_back(Template::Parse(w, /*lower_case=*/false).value());
    }
    for (const std::string& s : r.sub_goals) {
      c.sub_goals.push_back(Template::Parse(s, /*lower_case=*/false).value());
    }
    c.local_effort = r.extra_cost_days;
    absl::flat_hash_map<std::string, int> task_index;
    for (size_t t = 0; t < r.tasks.size(); ++t) {
      task_index[NormalizeText(r.tasks[t].title)] = static_cast<int>(t);
      c.local_effort += r.tasks[t].duration_days;
    }
    for (const RecipeTask& t : r.tasks) {
      CompiledTask ct;
      ct.title = Template::Parse(t.title, /*lower_case=*/false).value();
      for (const std::string& a : t.after) {
        ct.after.push_back(task_index.at(NormalizeText(a)));
      }
      c.tasks.push_back(std::move(ct));
    }

    const auto& segs = c.pattern.segments();
    const int index = static_cast<int>(i);
    std::string prefix, suffix;
    if (segs.size() == 1 && !segs[0].is_variable) {
      prefix = segs[0].text;
    } else {
      if (!segs.front().is_variable) {
        const std::string& lit = segs.front().text;
        size_t space = lit.rfind(' ');
        if (space != std::string::npos) prefix = lit.substr(0, space);
      }
      if (!segs.back().is_variable) {
        const std::string& lit = segs.back().text;
        size_t space = lit.find(' ');
        if (space != std::string::npos) suffix = lit.substr(space + 1);
      }
    }
    bool indexed = true;
    if (!prefix.empty() && prefix.size() >= suffix.size()) {
      impl->max_prefix = std::max(impl->max_prefix, prefix.size());
      impl->by_prefix[prefix].push_back(index);
    } else if (!suffix.empty()) {
      impl->max_suffix = std::max(impl->max_suffix, suffix.size());
      impl->by_suffix[suffix].push_back(index);
    } else {
      indexed = false;
    }
    if (!indexed) impl->unindexed.push_back(index);
    impl->recipes.push_back(std::move(c));
  }
  return CompiledRecipeBook(std::move(impl));
}

}  // namespace backplan::decompose
