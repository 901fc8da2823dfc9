#include <hiredis/hiredis.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/common/status_macros.h"
#include "libs/store/redis_plan_store.h"
#include "libs/store/redis_reply.h"
#include "libs/store/redis_scripts.h"
#include "libs/store/validation.h"

namespace backplan {

using store_internal::BookNotFound;
using store_internal::ParseInt;
using store_internal::PlanNotFound;
using store_internal::Str;
using store_internal::Unexpected;
using store_internal::VersionMismatch;

namespace {

using store_internal::EventPosition;

// An XREAD reply on one stream as events (none for a nil reply).
absl::StatusOr<std::vector<PlanEvent>> ParseXRead(const redisReply* r) {
  std::vector<PlanEvent> events;
  if (r->type == REDIS_REPLY_NIL) return events;
  // [[key, [[id, [field, value, ...]], ...]]]
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 1 ||
      r->element[0]->type != REDIS_REPLY_ARRAY ||
      r->element[0]->elements != 2 ||
      r->element[0]->element[1]->type != REDIS_REPLY_ARRAY) {
    return Unexpected("ReadEvents XREAD", r);
  }
  const redisReply* entries = r->element[0]->element[1];
  events.reserve(entries->elements);
  for (size_t i = 0; i < entries->elements; ++i) {
    const redisReply* entry = entries->element[i];
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
        entry->element[0]->type != REDIS_REPLY_STRING ||
        entry->element[1]->type != REDIS_REPLY_ARRAY) {
      return Unexpected("ReadEvents entry", entry);
    }
    PlanEvent event;
    event.id = std::string(Str(entry->element[0]));
    const redisReply* fields = entry->element[1];
    for (size_t f = 0; f + 1 < fields->elements; f += 2) {
      if (fields->element[f]->type != REDIS_REPLY_STRING ||
          fields->element[f + 1]->type != REDIS_REPLY_STRING) {
        return Unexpected("ReadEvents field", fields);
      }
      const absl::string_view name = Str(fields->element[f]);
      const absl::string_view value = Str(fields->element[f + 1]);
      if (name == "type") {
        event.type = std::string(value);
      } else if (name == "plan_version") {
        if (!absl::SimpleAtoi(value, &event.plan_version)) {
          return Unexpected("ReadEvents plan_version", fields->element[f + 1]);
        }
      } else if (name == "request_id") {
        event.request_id = std::string(value);
      } else if (name == "caller") {
        event.caller = std::string(value);
      }
    }
    events.push_back(std::move(event));
  }
  return events;
}

// The ZRANGEBYLEX start for a page: everything, or strictly after `token`.
std::string LexStart(absl::string_view token) {
  return token.empty() ? std::string("-") : absl::StrCat("(", token);
}

}  // namespace

absl::StatusOr<PlanPage> RedisPlanStore::ListPlans(
    absl::string_view tenant, int page_size, absl::string_view page_token) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePageSize(page_size));
  RETURN_IF_ERROR(store_internal::ValidatePageToken(page_token));
  const int limit = std::min(page_size, store_internal::kMaxPageSize);
  const std::string index_key = PlanIndexKey(tenant);
  const std::string start = LexStart(page_token);
  // One more than the page, to know whether another page follows.
  const std::string count = absl::StrCat(limit + 1);
  ASSIGN_OR_RETURN(RedisReplyPtr ids,
                   router_->Command(index_key, {"ZRANGEBYLEX", index_key, start,
                                                "+", "LIMIT", "0", count}));
  if (ids->type != REDIS_REPLY_ARRAY) return Unexpected("ListPlans", ids.get());
  PlanPage page;
  for (size_t i = 0; i < ids->elements; ++i) {
    if (ids->element[i]->type != REDIS_REPLY_STRING) {
      return Unexpected("ListPlans entry", ids.get());
    }
    if (page.plans.size() == static_cast<size_t>(limit)) {
      page.next_page_token = page.plans.back().plan_id;
      break;
    }
    PlanSummary summary;
    summary.plan_id = std::string(Str(ids->element[i]));
    page.plans.push_back(std::move(summary));
  }
  if (page.plans.empty()) return page;
  // The summaries, one round trip per node for the page: two single-key
  // HMGETs per plan, each in the plan's own slot.
  std::vector<std::string> keys;
  keys.reserve(2 * page.plans.size());
  for (const PlanSummary& summary : page.plans) {
    keys.push_back(PlanKey(tenant, summary.plan_id, "plan"));
    keys.push_back(
        PlanKey(tenant, summary.plan_id, StagePartName(StagePart::kSchedule)));
  }
  std::vector<std::vector<absl::string_view>> commands;
  commands.reserve(keys.size());
  for (size_t k = 0; k < keys.size(); k += 2) {
    commands.push_back(
        {"HMGET", keys[k], "version", "summary", "updated", "schema"});
    commands.push_back({"HMGET", keys[k + 1], "plan_version", "summary"});
  }
  const std::vector<absl::string_view> routes(keys.begin(), keys.end());
  ASSIGN_OR_RETURN(std::vector<RedisReplyPtr> replies,
                   router_->Pipeline(routes, commands));
  // A field as text; "" when nil (absent).
  auto text = [](const redisReply* r) {
    return r->type == REDIS_REPLY_STRING ? Str(r) : absl::string_view();
  };
  std::vector<PlanSummary> listed;
  listed.reserve(page.plans.size());
  std::vector<std::string> gone;
  for (size_t p = 0; p < page.plans.size(); ++p) {
    const redisReply* plan = replies[2 * p].get();
    const redisReply* schedule = replies[2 * p + 1].get();
    if (plan->type != REDIS_REPLY_ARRAY || plan->elements != 4 ||
        schedule->type != REDIS_REPLY_ARRAY || schedule->elements != 2) {
      return Unexpected("ListPlans summary", plan);
    }
    PlanSummary& summary = page.plans[p];
    // Gone (deleted since the index read, or an index entry a failed
    // delete left behind): not listed, and removed from the index.
    if (plan->element[0]->type != REDIS_REPLY_STRING) {
      gone.push_back(summary.plan_id);
      continue;
    }
    int64_t schema = 1;
    if (plan->element[3]->type == REDIS_REPLY_STRING &&
        (!absl::SimpleAtoi(Str(plan->element[3]), &schema) ||
         schema > store_internal::kSchemaVersion)) {
      return store_internal::NewerSchema(
          absl::StrCat("plan \"", summary.plan_id, "\""), schema);
    }
    int64_t micros = 0;
    if (!absl::SimpleAtoi(Str(plan->element[0]), &summary.version) ||
        (!text(plan->element[2]).empty() &&
         !absl::SimpleAtoi(text(plan->element[2]), &micros))) {
      return Unexpected("ListPlans summary", plan);
    }
    summary.summary = std::string(text(plan->element[1]));
    if (micros > 0) summary.updated_at = absl::FromUnixMicros(micros);
    if (schedule->element[0]->type == REDIS_REPLY_STRING) {
      if (!absl::SimpleAtoi(Str(schedule->element[0]),
                            &summary.schedule_plan_version)) {
        return Unexpected("ListPlans schedule", schedule);
      }
      summary.schedule_summary = std::string(text(schedule->element[1]));
    }
    listed.push_back(std::move(summary));
  }
  page.plans = std::move(listed);
  if (!gone.empty()) DropFromIndex(tenant, gone);
  return page;
}

absl::StatusOr<BookPage> RedisPlanStore::ListBooks(
    absl::string_view tenant, int page_size, absl::string_view page_token) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePageSize(page_size));
  RETURN_IF_ERROR(store_internal::ValidatePageToken(page_token));
  const int limit = std::min(page_size, store_internal::kMaxPageSize);
  const std::string index_key = BookIndexKey(tenant);
  const std::string start = LexStart(page_token);
  const std::string count = absl::StrCat(limit + 1);
  ASSIGN_OR_RETURN(RedisReplyPtr reply,
                   router_->Command(index_key, {"ZRANGEBYLEX", index_key, start,
                                                "+", "LIMIT", "0", count}));
  const redisReply* r = reply.get();
  if (r->type != REDIS_REPLY_ARRAY) return Unexpected("ListBooks", r);
  BookPage page;
  for (size_t i = 0; i < r->elements; ++i) {
    if (r->element[i]->type != REDIS_REPLY_STRING) {
      return Unexpected("ListBooks entry", r);
    }
    if (page.names.size() == static_cast<size_t>(limit)) {
      page.next_page_token = page.names.back();
      break;
    }
    page.names.emplace_back(Str(r->element[i]));
  }
  return page;
}

absl::StatusOr<std::vector<PlanEvent>> RedisPlanStore::ReadEvents(
    absl::string_view tenant, absl::string_view plan_id,
    absl::string_view after_id, int max_count, absl::Duration wait) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  RETURN_IF_ERROR(store_internal::ValidateMaxCount(max_count));
  ASSIGN_OR_RETURN(const EventPosition after,
                   store_internal::ParseEventPosition(after_id));
  const std::string plan_key = PlanKey(tenant, plan_id, "plan");
  const std::string events_key = PlanKey(tenant, plan_id, "events");
  const std::string count =
      absl::StrCat(std::min(max_count, store_internal::kMaxEventCount));
  const std::string start = store_internal::FormatEventPosition(after);

  const absl::Duration wait_for =
      std::min(wait, router_->options().max_event_wait);
  const absl::Time deadline = absl::Now() + wait_for;
  // Reads without blocking; `check_exists` first makes sure the plan exists.
  auto read_now =
      [&](bool check_exists) -> absl::StatusOr<std::vector<PlanEvent>> {
    if (check_exists) {
      ASSIGN_OR_RETURN(RedisReplyPtr exists,
                       router_->Command(plan_key, {"EXISTS", plan_key}));
      if (exists->type != REDIS_REPLY_INTEGER) {
        return Unexpected("ReadEvents EXISTS", exists.get());
      }
      if (exists->integer == 0) return PlanNotFound(tenant, plan_id);
    }
    ASSIGN_OR_RETURN(
        RedisReplyPtr reply,
        router_->Command(events_key, {"XREAD", "COUNT", count, "STREAMS",
                                      events_key, start}));
    return ParseXRead(reply.get());
  };
  ASSIGN_OR_RETURN(std::vector<PlanEvent> events, read_now(true));
  // Waits on the hub, holding no pool connection, then reads again.
  while (events.empty()) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    if (hub_ == nullptr) {
      // Redis Cluster: no hub (XREAD on many keys needs one slot); poll.
      absl::SleepFor(std::min(left, absl::Milliseconds(kClusterEventPollMs)));
    } else if (!hub_->WaitForEntries(events_key, after, left)) {
      break;
    }
    ASSIGN_OR_RETURN(events, read_now(false));
  }
  return events;
}

}  // namespace backplan
