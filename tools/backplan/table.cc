#include "tools/backplan/table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace backplan::cli {
namespace {

std::string Cut(const std::string& text, size_t width) {
  if (text.size() <= width) return text;
  if (width <= 3) return text.substr(0, width);
  return text.substr(0, width - 3) + "...";
}

const char* WeekdayName(absl::Weekday weekday) {
  switch (weekday) {
    case absl::Weekday::monday:
      return "Mon";
    case absl::Weekday::tuesday:
      return "Tue";
    case absl::Weekday::wednesday:
      return "Wed";
    case absl::Weekday::thursday:
      return "Thu";
    case absl::Weekday::friday:
      return "Fri";
    case absl::Weekday::saturday:
      return "Sat";
    case absl::Weekday::sunday:
      return "Sun";
  }
  return "?";
}

}  // namespace

Table::Table(std::vector<std::string> headers, size_t max_width)
    : headers_(std::move(headers)),
      right_(headers_.size(), false),
      max_widths_(headers_.size(), max_width) {}

void Table::AlignRight(size_t column) {
  if (column < right_.size()) right_[column] = true;
}

void Table::SetMaxWidth(size_t column, size_t max_width) {
  if (column < max_widths_.size()) max_widths_[column] = max_width;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths(headers_.size(), 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      widths[i] =
          std::max(widths[i], std::min(cells[i].size(), max_widths_[i]));
    }
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);

  std::string out;
  auto render = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += "  ";
      const std::string cell = Cut(cells[i], widths[i]);
      const int width = static_cast<int>(widths[i]);
      absl::StrAppend(&line, right_[i] ? absl::StrFormat("%*s", width, cell)
                                       : absl::StrFormat("%-*s", width, cell));
    }
    line.erase(line.find_last_not_of(' ') + 1);
    absl::StrAppend(&out, line, "\n");
  };
  render(headers_);
  for (const auto& row : rows_) render(row);
  return out;
}

std::string FormatDate(const v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "-";
  const absl::CivilDay day(date.year(), date.month(), date.day());
  return absl::StrFormat("%04d-%02d-%02d %s", date.year(), date.month(),
                         date.day(), WeekdayName(absl::GetWeekday(day)));
}

std::string FormatDays(int days) {
  return absl::StrCat(days, days == 1 || days == -1 ? " day" : " days");
}

}  // namespace backplan::cli
