// Backplan's release version, for `--version` on every binary and for logs.
//
//   std::cout << backplan::VersionLine("backplan-scheduling");
//   // "backplan-scheduling 0.2.0\n"
//
// The version is CMake's PROJECT_VERSION, which the top-level CMakeLists.txt
// reads from the first `## X.Y.Z` heading of CHANGELOG.md, so the binaries,
// the changelog and the container image's tag (scripts/build_image.sh) never
// disagree.
#ifndef BACKPLAN_LIBS_COMMON_VERSION_H_
#define BACKPLAN_LIBS_COMMON_VERSION_H_

#include <string>

#include "absl/strings/string_view.h"

namespace backplan {

// "X.Y.Z".
absl::string_view Version();

// "<program> X.Y.Z\n": what `--version` prints.
std::string VersionLine(absl::string_view program);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_COMMON_VERSION_H_
