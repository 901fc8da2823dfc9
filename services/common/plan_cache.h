// CachedPlanReader: reads stored plans for the hot stored paths (stored
// Schedule, GetPlan) through caches of their parsed forms, so a plan read
// again and again is neither sent by Redis nor parsed and converted again.
//
//   CachedPlanReader reader(store, absl::GetFlag(FLAGS_plan_cache_mb) << 20);
//   ASSIGN_OR_RETURN(CachedPlanReader::ForSchedule read,
//                    reader.ReadForSchedule(tenant, plan_id));
//   Use(*read.plan, read.priorities.get());
//
// Contract: every read is one PlanStore::GetPlanParts carrying the digests
// the caches hold, so what it returns is exactly what a fresh read and parse
// would give: the plan's current version and bytes (a cached value is used
// only while the store returns the digest it was made from, and digests cover
// the version). Errors are those of PlanStore::GetPlan, DATA_LOSS for stored
// bytes that do not parse, and PlanFromProto's for a stored plan that does
// not convert; nothing that failed is cached. Values are immutable and
// shared. What one process caches is bounded by `max_bytes` (each entry
// counted as 3x its serialized size, about what the parsed form takes, and a
// plan cached for scheduling, which also keeps its graph and calendar, 5x);
// 0 turns caching off (every read then sends and parses everything, as
// LoadPlan does). Thread-safe.
#ifndef BACKPLAN_SERVICES_COMMON_PLAN_CACHE_H_
#define BACKPLAN_SERVICES_COMMON_PLAN_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "backplan/v1/plan.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/store/digest_cache.h"
#include "libs/store/plan_store.h"

ABSL_DECLARE_FLAG(int64_t, plan_cache_mb);

namespace backplan {

// --plan_cache_mb in bytes (negative counts as 0).
size_t PlanCacheBytesFromFlags();

// Stored priorities as the scheduler uses them.
struct ParsedPriorities {
  std::vector<std::string> execution_order;
  absl::flat_hash_map<std::string, int> ranks;  // Task id -> rank.
};

class CachedPlanReader {
 public:
  // `store` is not owned.
  CachedPlanReader(PlanStore* store, size_t max_bytes);

  struct ForSchedule {
    int64_t version = 0;
    std::shared_ptr<const Plan> plan;  // Converted; id set to the plan id.
    // The stored priorities when they were computed from `version` and
    // parse; null otherwise.
    std::shared_ptr<const ParsedPriorities> priorities;
    // BuildPlanGraph(*plan) and WorkingCalendar::Create(plan->calendar),
    // built once per cached plan version; null when they fail (a
    // Schedule(plan, request) call then reports why).
    std::shared_ptr<const PlanGraph> graph;
    std::shared_ptr<const WorkingCalendar> calendar;
  };
  // The plan and its priorities (StagePart::kPriorities).
  absl::StatusOr<ForSchedule> ReadForSchedule(absl::string_view tenant,
                                              absl::string_view plan_id);

  // The plan as stored, with its version set (as LoadPlan returns it).
  absl::StatusOr<std::shared_ptr<const v1::Plan>> ReadProto(
      absl::string_view tenant, absl::string_view plan_id);

 private:
  // A parsed value and the size of the bytes it was parsed from.
  template <typename T>
  struct Sized {
    T value;
    size_t encoded_bytes = 0;
  };

  // A converted plan with what scheduling derives from it alone.
  struct ScheduledPlan {
    Plan plan;
    std::optional<PlanGraph> graph;
    std::optional<WorkingCalendar> calendar;
  };

  PlanStore* store_;
  // Bounds: plans_ 3/4 and priorities_ 1/4 of max_bytes, protos_ all of it
  // (a service uses one of the two reads, so holds at most max_bytes).
  DigestCache<Sized<ScheduledPlan>> plans_;
  DigestCache<ParsedPriorities> priorities_;
  DigestCache<Sized<v1::Plan>> protos_;
};

}  // namespace backplan

#endif  // BACKPLAN_SERVICES_COMMON_PLAN_CACHE_H_
