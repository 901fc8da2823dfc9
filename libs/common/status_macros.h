// Status propagation macros for functions returning absl::Status or
// absl::StatusOr<T>. Debian 12's Abseil (20220623) ships none, so Backplan
// defines the two it needs here, once.
//
//   absl::StatusOr<Plan> Load(absl::string_view path) {
//     RETURN_IF_ERROR(CheckReadable(path));
//     ASSIGN_OR_RETURN(std::string text, ReadFile(path));
//     return Parse(text);
//   }
#ifndef BACKPLAN_LIBS_COMMON_STATUS_MACROS_H_
#define BACKPLAN_LIBS_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status) and returns it from the enclosing
// function when it is not OK.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::absl::Status backplan_status_ = (expr);            \
    if (!backplan_status_.ok()) return backplan_status_; \
  } while (false)

#define BACKPLAN_CONCAT_INNER_(a, b) a##b
#define BACKPLAN_CONCAT_(a, b) BACKPLAN_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status from
// the enclosing function, otherwise moves the value into `lhs`, which may be a
// declaration (`ASSIGN_OR_RETURN(auto x, F())`) or an existing variable.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  BACKPLAN_ASSIGN_OR_RETURN_IMPL_(   \
      BACKPLAN_CONCAT_(backplan_statusor_, __LINE__), lhs, rexpr)

// `lhs` may be a declaration, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define BACKPLAN_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // BACKPLAN_LIBS_COMMON_STATUS_MACROS_H_
