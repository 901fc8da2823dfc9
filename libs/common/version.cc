#include "libs/common/version.h"

#include <string>

#include "absl/strings/str_cat.h"

#ifndef BACKPLAN_VERSION
#error "BACKPLAN_VERSION must be defined (libs/common/CMakeLists.txt)"
#endif

namespace backplan {

absl::string_view Version() { return BACKPLAN_VERSION; }

std::string VersionLine(absl::string_view program) {
  return absl::StrCat(program, " ", Version(), "\n");
}

}  // namespace backplan
