#include "services/decomposition/book_cache.h"

#include <utility>

#include "libs/common/status_macros.h"

namespace backplan {

absl::StatusOr<std::shared_ptr<const decompose::CompiledRecipeBook>>
CompiledBookCache::GetOrBuild(
    const std::string& key,
    absl::FunctionRef<absl::StatusOr<decompose::RecipeBook>()> build) {
  const bool cacheable = capacity_ > 0 && key.size() <= kMaxKeyBytes;
  if (cacheable) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
  }
  // Built outside the lock; two callers may build the same book at once,
  // and the second simply finds it cached.
  ASSIGN_OR_RETURN(decompose::RecipeBook book, build());
  ASSIGN_OR_RETURN(decompose::CompiledRecipeBook compiled,
                   decompose::CompiledRecipeBook::Create(std::move(book)));
  auto shared = std::make_shared<const decompose::CompiledRecipeBook>(
      std::move(compiled));
  if (cacheable) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.emplace(key, shared).second) {
      order_.push_back(key);
      while (order_.size() > capacity_) {
        entries_.erase(order_.front());
        order_.pop_front();
      }
    }
  }
  return shared;
}

size_t CompiledBookCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace backplan
