// A small structured-logging shim: one JSON object per line on stderr.
// Debian 12's Abseil has no absl/log; this covers what the services need.
//
//   backplan::LogLine(backplan::LogLevel::kInfo, "rpc")
//       .Add("method", "/backplan.v1.SchedulingService/Schedule")
//       .Add("code", "OK")
//       .Add("duration_ms", 1.25);
//
// The line is written when the LogLine is destroyed, as a single write, so
// lines from concurrent threads never interleave. Lines below the minimum
// level (SetMinLogLevel) cost one comparison and no formatting.
#ifndef BACKPLAN_LIBS_COMMON_LOG_H_
#define BACKPLAN_LIBS_COMMON_LOG_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace backplan {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Sets the lowest level that is written; default kInfo. Thread-safe.
void SetMinLogLevel(LogLevel level);
LogLevel MinLogLevel();

// Parses "debug", "info", "warning" or "error"; false when unknown.
bool ParseLogLevel(absl::string_view text, LogLevel* level);

// Redirects log output to `fd` (default 2, stderr). For tests.
void SetLogFd(int fd);

// Appends `text` to `out` as a JSON string literal, quotes included.
void AppendJsonString(absl::string_view text, std::string* out);

// One log line under construction; fields appear in the order added after
// "ts", "level" and "msg".
class LogLine {
 public:
  LogLine(LogLevel level, absl::string_view message);
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;

  LogLine& Add(absl::string_view key, absl::string_view value);
  LogLine& Add(absl::string_view key, const char* value) {
    return Add(key, absl::string_view(value));
  }
  LogLine& Add(absl::string_view key, int64_t value);
  LogLine& Add(absl::string_view key, int value) {
    return Add(key, static_cast<int64_t>(value));
  }
  LogLine& Add(absl::string_view key, double value);
  LogLine& Add(absl::string_view key, bool value);

 private:
  bool enabled_;
  std::string buffer_;
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_COMMON_LOG_H_
