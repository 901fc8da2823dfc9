// The one rule for tenant names, checked where a tenant enters (request
// metadata, libs/rpc) and where it becomes part of a key (libs/store).
//
//   RETURN_IF_ERROR(ValidateTenantName(tenant));
//
// A tenant is 1-64 characters of [A-Za-z0-9._-]: no '/', which separates it
// from the plan id inside a Redis key, no '{' or '}' (hash tags), no
// whitespace or control characters.
#ifndef BACKPLAN_LIBS_CORE_TENANT_H_
#define BACKPLAN_LIBS_CORE_TENANT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace backplan {

inline constexpr int kMaxTenantLength = 64;

// INVALID_ARGUMENT `tenant "<first 64 bytes>" must be 1-64 of [A-Za-z0-9._-]`
// unless `tenant` follows the rule.
absl::Status ValidateTenantName(absl::string_view tenant);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_CORE_TENANT_H_
