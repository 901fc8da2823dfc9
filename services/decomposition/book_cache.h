// CompiledBookCache: a small, bounded, thread-safe cache of compiled recipe
// books, so repeated Decompose calls with the same book (the same YAML text,
// the same inline book, or the same version of a stored book) skip parsing
// and compiling, which otherwise dominate the call.
//
// Keys are chosen by the caller and must identify the book's content
// exactly. Only successful builds are cached; errors are rebuilt (and
// reported) every time. Eviction is first-in first-out at `capacity`.
#ifndef BACKPLAN_SERVICES_DECOMPOSITION_BOOK_CACHE_H_
#define BACKPLAN_SERVICES_DECOMPOSITION_BOOK_CACHE_H_

#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "libs/decompose/decompose.h"
#include "libs/decompose/recipe.h"

namespace backplan {

class CompiledBookCache {
 public:
  // Keys longer than this are not cached (the build still runs).
  static constexpr size_t kMaxKeyBytes = 1 << 20;

  explicit CompiledBookCache(size_t capacity) : capacity_(capacity) {}

  // The compiled book cached under `key`, or `build()` compiled (and cached
  // when it succeeds).
  absl::StatusOr<std::shared_ptr<const decompose::CompiledRecipeBook>>
  GetOrBuild(const std::string& key,
             absl::FunctionRef<absl::StatusOr<decompose::RecipeBook>()> build);

  size_t size() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;  // Guards entries_ and order_.
  absl::flat_hash_map<std::string,
                      std::shared_ptr<const decompose::CompiledRecipeBook>>
      entries_;
  std::deque<std::string> order_;
};

}  // namespace backplan

#endif  // BACKPLAN_SERVICES_DECOMPOSITION_BOOK_CACHE_H_
