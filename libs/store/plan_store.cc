#include "libs/store/plan_store.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "libs/common/status_macros.h"
#include "libs/core/tenant.h"
#include "libs/store/validation.h"

namespace backplan {

absl::string_view StagePartName(StagePart part) {
  switch (part) {
    case StagePart::kPriorities:
      return "priorities";
    case StagePart::kSchedule:
      return "schedule";
    case StagePart::kSimulation:
      return "simulation";
  }
  return "unknown";
}

absl::StatusOr<StoredPlan> PlanStore::GetPlanParts(
    absl::string_view tenant, absl::string_view plan_id,
    const PlanReadOptions& options) {
  absl::StatusOr<StoredPlan> plan = GetPlan(tenant, plan_id);
  if (!plan.ok()) return plan;
  if (!options.priorities) plan->priorities.reset();
  if (!options.schedule) plan->schedule.reset();
  if (!options.simulation) plan->simulation.reset();
  return plan;
}

namespace store_internal {
namespace {

// Quotes at most 40 bytes of a rejected value so a huge input cannot blow up
// the error message.
std::string Quote(absl::string_view value) {
  if (value.size() > 40) {
    return absl::StrCat("\"", absl::CHexEscape(value.substr(0, 40)), "...\"");
  }
  return absl::StrCat("\"", absl::CHexEscape(value), "\"");
}

absl::Status ValidateName(absl::string_view field, absl::string_view value,
                          bool allow_slash) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  }
  if (value.size() > kMaxNameLength) {
    return absl::InvalidArgumentError(absl::StrCat(field, " ", Quote(value),
                                                   " is longer than ",
                                                   kMaxNameLength, " bytes"));
  }
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " ", Quote(value),
                       " contains whitespace or a control character"));
    }
    if (c == '{' || c == '}') {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " ", Quote(value), " contains '{' or '}'"));
    }
    if (c == '/' && !allow_slash) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " ", Quote(value), " contains '/'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PlanNotFound(absl::string_view tenant, absl::string_view id) {
  return absl::NotFoundError(
      absl::StrCat("plan \"", id, "\" not found in tenant \"", tenant, "\""));
}

absl::Status BookNotFound(absl::string_view tenant, absl::string_view name) {
  return absl::NotFoundError(
      absl::StrCat("book \"", name, "\" not found in tenant \"", tenant, "\""));
}

absl::Status VersionMismatch(absl::string_view what, absl::string_view id,
                             int64_t expected, int64_t current) {
  if (expected == 0) {
    return absl::AbortedError(absl::StrCat(
        what, " \"", id, "\" already exists (version ", current, ")"));
  }
  return absl::AbortedError(absl::StrCat(what, " \"", id,
                                         "\" version mismatch: expected ",
                                         expected, ", stored ", current));
}

absl::Status ValidateWrite(absl::string_view tenant, absl::string_view id,
                           bool is_book, int64_t expected_version) {
  RETURN_IF_ERROR(ValidateTenant(tenant));
  RETURN_IF_ERROR(is_book ? ValidateBookName(id) : ValidatePlanId(id));
  if (expected_version < 0) {
    return absl::InvalidArgumentError("expected_version must be >= 0");
  }
  return absl::OkStatus();
}

absl::Status ValidateSummary(const EventInfo& event) {
  if (event.summary.size() > kMaxSummaryBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("summary: ", event.summary.size(),
                     " bytes, over the limit of ", kMaxSummaryBytes));
  }
  return absl::OkStatus();
}

absl::Status ValidateTenant(absl::string_view tenant) {
  return ValidateTenantName(tenant);
}

absl::Status ValidatePlanId(absl::string_view plan_id) {
  return ValidateName("plan_id", plan_id, /*allow_slash=*/true);
}

absl::Status ValidateBookName(absl::string_view name) {
  return ValidateName("book name", name, /*allow_slash=*/true);
}

absl::Status ValidateIdempotencyKey(absl::string_view key) {
  if (key.empty()) {
    return absl::InvalidArgumentError("idempotency_key is empty");
  }
  if (key.size() > kMaxIdempotencyKeyLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("idempotency_key ", Quote(key), " is longer than ",
                     kMaxIdempotencyKeyLength, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRecordLookup(absl::string_view method,
                                  absl::string_view key) {
  if (method.empty() || method.size() > 64 ||
      method.find_first_of(":{}") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("idempotency method ", Quote(method), " is malformed"));
  }
  return ValidateIdempotencyKey(key);
}

absl::Status ValidateRecord(const IdempotencyRecord& record) {
  RETURN_IF_ERROR(ValidateRecordLookup(record.method, record.key));
  if (record.ttl < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("idempotency ttl ", absl::FormatDuration(record.ttl),
                     " is shorter than 1ms"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePageToken(absl::string_view token) {
  if (token.empty()) return absl::OkStatus();
  return ValidateName("page_token", token, /*allow_slash=*/true);
}

absl::Status ValidatePageSize(int page_size) {
  if (page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be >= 1, got ", page_size));
  }
  return absl::OkStatus();
}

absl::Status ValidateMaxCount(int max_count) {
  if (max_count < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_count must be >= 1, got ", max_count));
  }
  return absl::OkStatus();
}

absl::StatusOr<EventPosition> ParseEventPosition(absl::string_view id) {
  EventPosition position;
  if (id.empty() || id == "0") return position;
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(id, absl::MaxSplits('-', 1));
  const bool ok = !parts.first.empty() &&
                  absl::ascii_isdigit(parts.first.front()) &&
                  absl::SimpleAtoi(parts.first, &position.ms) &&
                  (parts.second.empty()
                       ? id.back() != '-'
                       : absl::ascii_isdigit(parts.second.front()) &&
                             absl::SimpleAtoi(parts.second, &position.seq));
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("after_id ", Quote(id), " is not an event id"));
  }
  return position;
}

std::string FormatEventPosition(const EventPosition& position) {
  return absl::StrCat(position.ms, "-", position.seq);
}

}  // namespace store_internal
}  // namespace backplan
