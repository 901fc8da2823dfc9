#include "tools/backplan/table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
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

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)),
      right_(headers_.size(), false),
      shrinkable_(headers_.size(), false),
      min_widths_(headers_.size(), 0),
      max_widths_(headers_.size(), 0) {}

void Table::AlignRight(size_t column) {
  if (column < right_.size()) right_[column] = true;
}

void Table::SetShrinkable(size_t column, size_t min_width) {
  if (column >= shrinkable_.size()) return;
  shrinkable_[column] = true;
  min_widths_[column] = std::max(min_width, headers_[column].size());
}

void Table::SetMaxWidth(size_t column, size_t max_width) {
  if (column >= max_widths_.size()) return;
  if (!shrinkable_[column])
    SetShrinkable(column, std::min<size_t>(10, max_width));
  max_widths_[column] = std::max(max_width, min_widths_[column]);
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  const size_t columns = headers_.size();
  std::vector<size_t> widths(columns, 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < columns; ++i) {
      widths[i] = std::max(widths[i], cells[i].size());
    }
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);
  if (line_width_ > 0) {
    for (size_t i = 0; i < columns; ++i) {
      if (max_widths_[i] > 0) widths[i] = std::min(widths[i], max_widths_[i]);
    }
    size_t total = columns == 0 ? 0 : 2 * (columns - 1);
    for (size_t width : widths) total += width;
    // Take one byte at a time from the widest shrinkable column still above
    // its minimum, so long titles and reasons give way evenly.
    while (total > line_width_) {
      size_t widest = columns;
      for (size_t i = 0; i < columns; ++i) {
        if (!shrinkable_[i] || widths[i] <= min_widths_[i]) continue;
        if (widest == columns || widths[i] > widths[widest]) widest = i;
      }
      if (widest == columns) break;  // Only fixed columns left: print wider.
      --widths[widest];
      --total;
    }
  }

  std::string out;
  auto render = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < columns; ++i) {
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

std::string FormatIsoDate(const v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
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

std::string WrapWords(absl::string_view text, size_t line_width,
                      size_t indent) {
  if (line_width == 0 || text.size() <= line_width) {
    return absl::StrCat(text, "\n");
  }
  const std::string pad(indent, ' ');
  const size_t lead = std::min(text.find_first_not_of(' '), text.size());
  std::string out;
  std::string line(text.substr(0, lead));
  bool has_word = false;  // Whether `line` holds a word yet.
  for (absl::string_view word :
       absl::StrSplit(text.substr(lead), ' ', absl::SkipEmpty())) {
    if (has_word && line.size() + 1 + word.size() > line_width) {
      absl::StrAppend(&out, line, "\n");
      line = pad;
      has_word = false;
    }
    absl::StrAppend(&line, has_word ? " " : "", word);
    has_word = true;
  }
  absl::StrAppend(&out, line, "\n");
  return out;
}

}  // namespace backplan::cli
