#include "libs/core/tenant.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace backplan {

absl::Status ValidateTenantName(absl::string_view tenant) {
  bool ok =
      !tenant.empty() && tenant.size() <= static_cast<size_t>(kMaxTenantLength);
  for (char c : tenant) {
    ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                c == '.' || c == '_' || c == '-');
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("tenant \"", tenant.substr(0, kMaxTenantLength),
                   "\" must be 1-", kMaxTenantLength, " of [A-Za-z0-9._-]"));
}

}  // namespace backplan
