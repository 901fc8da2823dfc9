#include "libs/common/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace backplan {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> log_fd{2};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void SetMinLogLevel(LogLevel level) {
  min_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

LogLevel MinLogLevel() {
  return static_cast<LogLevel>(min_level.load(std::memory_order_relaxed));
}

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  for (LogLevel candidate : {LogLevel::kDebug, LogLevel::kInfo,
                             LogLevel::kWarning, LogLevel::kError}) {
    if (text == LevelName(candidate)) {
      *level = candidate;
      return true;
    }
  }
  return false;
}

void SetLogFd(int fd) { log_fd.store(fd, std::memory_order_relaxed); }

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", static_cast<int>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

LogLine::LogLine(LogLevel level, absl::string_view message)
    : enabled_(static_cast<int>(level) >=
               min_level.load(std::memory_order_relaxed)) {
  if (!enabled_) return;
  buffer_.reserve(256);
  buffer_.append("{\"ts\":\"");
  buffer_.append(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                  absl::UTCTimeZone()));
  absl::StrAppend(&buffer_, "\",\"level\":\"", LevelName(level), "\",\"msg\":");
  AppendJsonString(message, &buffer_);
}

LogLine::~LogLine() {
  if (!enabled_) return;
  buffer_.append("}\n");
  // One write per line: concurrent lines never interleave.
  const int fd = log_fd.load(std::memory_order_relaxed);
  size_t written = 0;
  while (written < buffer_.size()) {
    ssize_t n = ::write(fd, buffer_.data() + written, buffer_.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
}

LogLine& LogLine::Add(absl::string_view key, absl::string_view value) {
  if (!enabled_) return *this;
  buffer_.push_back(',');
  AppendJsonString(key, &buffer_);
  buffer_.push_back(':');
  AppendJsonString(value, &buffer_);
  return *this;
}

LogLine& LogLine::Add(absl::string_view key, int64_t value) {
  if (!enabled_) return *this;
  buffer_.push_back(',');
  AppendJsonString(key, &buffer_);
  absl::StrAppend(&buffer_, ":", value);
  return *this;
}

LogLine& LogLine::Add(absl::string_view key, double value) {
  if (!enabled_) return *this;
  buffer_.push_back(',');
  AppendJsonString(key, &buffer_);
  absl::StrAppendFormat(&buffer_, ":%.3f", value);
  return *this;
}

LogLine& LogLine::Add(absl::string_view key, bool value) {
  if (!enabled_) return *this;
  buffer_.push_back(',');
  AppendJsonString(key, &buffer_);
  buffer_.append(value ? ":true" : ":false");
  return *this;
}

}  // namespace backplan
