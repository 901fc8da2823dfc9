// Argument checks shared by every PlanStore implementation, so the in-memory
// fake and RedisPlanStore refuse exactly the same inputs. Internal to
// libs/store; other code should rely on the PlanStore contract instead.
//
// Names (tenant, plan id, book name) must be 1..128 bytes with no '{', '}',
// whitespace or control characters: they are embedded in Redis keys and hash
// tags. A tenant follows the stricter rule of libs/core/tenant.h (no '/',
// which separates it from the plan id inside a key, so that no two tenants
// can ever share a key).
#ifndef BACKPLAN_LIBS_STORE_VALIDATION_H_
#define BACKPLAN_LIBS_STORE_VALIDATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/plan_store.h"

namespace backplan::store_internal {

inline constexpr size_t kMaxNameLength = 128;
// Upper bound on a page and on events read at once; larger requests get
// fewer results (and, for pages, a next_page_token).
inline constexpr int kMaxPageSize = 1000;
inline constexpr int kMaxEventCount = 1000;
// Events kept per plan (Redis: XADD MAXLEN ~ this, so possibly a few more).
inline constexpr int kMaxEventsPerPlan = 1000;

// The errors both stores return, worded the same: NOT_FOUND.
absl::Status PlanNotFound(absl::string_view tenant, absl::string_view id);
absl::Status BookNotFound(absl::string_view tenant, absl::string_view name);
// ABORTED: `what` ("plan", "book") `id` is not at `expected` (0: must not
// exist) but at `current`.
absl::Status VersionMismatch(absl::string_view what, absl::string_view id,
                             int64_t expected, int64_t current);

// Each Validate* returns OK or INVALID_ARGUMENT naming the field ("tenant",
// "plan_id", "book name", ...).
absl::Status ValidateTenant(absl::string_view tenant);
absl::Status ValidatePlanId(absl::string_view plan_id);
absl::Status ValidateBookName(absl::string_view name);
// The arguments of a versioned write: tenant, the plan id (`is_book`
// false) or book name, and expected_version >= 0.
absl::Status ValidateWrite(absl::string_view tenant, absl::string_view id,
                           bool is_book, int64_t expected_version);
// An EventInfo::summary is at most kMaxSummaryBytes.
absl::Status ValidateSummary(const EventInfo& event);

// Idempotency: the key is 1..kMaxIdempotencyKeyLength bytes (any bytes:
// it follows the hash tag in Redis keys); the method 1..64 bytes without
// ':', '{' or '}'; the ttl at least 1 ms.
inline constexpr size_t kMaxIdempotencyKeyLength = 128;
absl::Status ValidateIdempotencyKey(absl::string_view key);
absl::Status ValidateRecordLookup(absl::string_view method,
                                  absl::string_view key);
absl::Status ValidateRecord(const IdempotencyRecord& record);

// A page token is empty or the last id of the previous page.
absl::Status ValidatePageToken(absl::string_view token);
// page_size and max_count must be >= 1; more than kMaxPageSize or
// kMaxEventCount is allowed and gives at most that many.
absl::Status ValidatePageSize(int page_size);
absl::Status ValidateMaxCount(int max_count);

// A stream position "<ms>-<seq>" (or "<ms>", meaning seq 0). "" and "0" mean
// "before the first event" and parse as {0, 0}. INVALID_ARGUMENT otherwise.
struct EventPosition {
  uint64_t ms = 0;
  uint64_t seq = 0;
  friend bool operator<(const EventPosition& a, const EventPosition& b) {
    return a.ms != b.ms ? a.ms < b.ms : a.seq < b.seq;
  }
};
absl::StatusOr<EventPosition> ParseEventPosition(absl::string_view id);
std::string FormatEventPosition(const EventPosition& position);

}  // namespace backplan::store_internal

#endif  // BACKPLAN_LIBS_STORE_VALIDATION_H_
