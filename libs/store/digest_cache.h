// DigestCache: parsed forms of stored bytes, so a service that reads the same
// plan again and again parses and converts it once. An entry is held for a
// key (e.g. "<tenant>/<plan id>") together with the digest of the bytes it was
// made from (PlanStore::GetPlanParts returns digests, and leaves out data
// whose digest the caller already holds), and is used only while the store
// still returns that digest.
//
//   DigestCache<Plan> cache(/*max_bytes=*/64 << 20);
//   std::optional<DigestCache<Plan>::Hit> hit = cache.Find(key);
//   PlanReadOptions read;
//   read.digests = true;
//   if (hit) read.known_plan_digest = hit->digest;
//   ASSIGN_OR_RETURN(StoredPlan stored, store.GetPlanParts(t, id, read));
//   std::shared_ptr<const Plan> plan =
//       stored.unchanged ? hit->value : Parse(stored.data);
//   if (!stored.unchanged) cache.Put(key, stored.digest, plan, size);
//
// Bounded in bytes: each entry counts the size its caller states (roughly
// what the value occupies) plus its key and digest; past `max_bytes` the
// least recently used entries are dropped, and a value bigger than
// `max_bytes` on its own is not kept (max_bytes 0 keeps nothing). Values are
// immutable and shared: a value found stays valid for its holder after it is
// replaced or dropped. Thread-safe (one std::mutex; lookups copy a digest and
// a shared_ptr under it, nothing is parsed while it is held).
#ifndef BACKPLAN_LIBS_STORE_DIGEST_CACHE_H_
#define BACKPLAN_LIBS_STORE_DIGEST_CACHE_H_

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace backplan {

template <typename V>
class DigestCache {
 public:
  struct Hit {
    std::string digest;
    std::shared_ptr<const V> value;
  };

  explicit DigestCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  DigestCache(const DigestCache&) = delete;
  DigestCache& operator=(const DigestCache&) = delete;

  // What is held for `key`, whatever its digest, or nullopt; marks it as
  // recently used.
  std::optional<Hit> Find(absl::string_view key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    entries_.splice(entries_.begin(), entries_, it->second);
    return Hit{it->second->digest, it->second->value};
  }

  // Holds `value`, made from bytes with `digest` and occupying about
  // `value_bytes`, for `key`, replacing what was held for it.
  void Put(absl::string_view key, std::string digest,
           std::shared_ptr<const V> value, size_t value_bytes) {
    const size_t bytes = value_bytes + key.size() + digest.size();
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      bytes_ -= it->second->bytes;
      entries_.erase(it->second);
      index_.erase(it);
    }
    if (bytes > max_bytes_) return;
    entries_.push_front(
        Entry{std::string(key), std::move(digest), std::move(value), bytes});
    index_.emplace(entries_.front().key, entries_.begin());
    bytes_ += bytes;
    while (bytes_ > max_bytes_) {
      const Entry& last = entries_.back();
      bytes_ -= last.bytes;
      index_.erase(last.key);
      entries_.pop_back();
    }
  }

  // Drops what is held for `key`, if anything.
  void Erase(absl::string_view key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return;
    bytes_ -= it->second->bytes;
    entries_.erase(it->second);
    index_.erase(it);
  }

  // Bytes and entries held now (as counted by Put).
  size_t bytes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bytes_;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_.size();
  }

 private:
  struct Entry {
    std::string key;
    std::string digest;
    std::shared_ptr<const V> value;
    size_t bytes = 0;
  };
  using List = std::list<Entry>;

  const size_t max_bytes_;
  mutable std::mutex mu_;
  List entries_;  // Most recently used first. Guarded by mu_.
  // Key -> its entry; the keys are views of Entry::key. Guarded by mu_.
  absl::flat_hash_map<absl::string_view, typename List::iterator> index_;
  size_t bytes_ = 0;  // Sum of Entry::bytes. Guarded by mu_.
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_STORE_DIGEST_CACHE_H_
