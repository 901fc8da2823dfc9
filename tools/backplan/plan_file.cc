#include "tools/backplan/plan_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "yaml-cpp/yaml.h"

namespace backplan::cli {
namespace {

// The most mistakes of one plan file reported at once.
constexpr size_t kMaxErrors = 20;

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Quotes a value for an error message, shortened so the line stays one line.
std::string Quote(absl::string_view text) {
  constexpr size_t kMax = 60;
  std::string shown(text.substr(0, kMax));
  for (char& c : shown) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > kMax) shown += "...";
  return absl::StrCat("\"", shown, "\"");
}

std::string KindOf(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return absl::StrCat("the value ", Quote(node.Scalar()));
}

// "file:line:column" (1-based) of a mark; just "file" when it has none.
std::string Where(absl::string_view file_name, const YAML::Mark& mark) {
  if (mark.is_null()) return std::string(file_name);
  return absl::StrCat(file_name, ":", mark.line + 1, ":", mark.column + 1);
}

// The text of the line `mark` points at; "" when it has none.
absl::string_view LineAt(absl::string_view text, const YAML::Mark& mark) {
  if (mark.is_null() || mark.pos < 0) return "";
  const size_t pos = std::min(static_cast<size_t>(mark.pos), text.size());
  const size_t begin = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  const size_t start =
      begin == absl::string_view::npos || pos == 0 ? 0 : begin + 1;
  const size_t end = text.find('\n', start);
  return text.substr(start, end == absl::string_view::npos
                                ? absl::string_view::npos
                                : end - start);
}

// Levenshtein distance, to suggest the field a misspelt key meant.
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown key; did you mean X?" when one field is close, else the list.
std::string UnknownKey(absl::string_view name, const Descriptor& descriptor) {
  std::vector<std::string> names;
  std::string closest;
  size_t best = std::max<size_t>(2, name.size() / 4) + 1;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const std::string& field = descriptor.field(i)->name();
    names.push_back(field);
    const size_t distance = EditDistance(absl::AsciiStrToLower(name), field);
    if (distance < best) {
      best = distance;
      closest = field;
    }
  }
  if (!closest.empty()) {
    return absl::StrCat("unknown key; did you mean ", closest, "?");
  }
  return absl::StrCat("unknown key; expected one of ",
                      absl::StrJoin(names, ", "));
}

// A hint for each of yaml-cpp's syntax errors a person is likely to meet;
// `line` is the text of the line the error points at.
std::string SyntaxHint(absl::string_view message, absl::string_view line) {
  namespace msg = YAML::ErrorMsg;
  const absl::string_view indent =
      line.substr(0, std::min(line.find_first_not_of(" \t"), line.size()));
  if (absl::StrContains(indent, '\t') ||
      absl::StartsWith(message, "illegal tab")) {
    return "YAML indents with spaces only: replace the tab";
  }
  if (message == msg::BLOCK_ENTRY) {
    return "a list item (\"- \") must start its own line, indented under "
           "its key (\"tasks:\" then \"  - id: ...\")";
  }
  if (message == msg::MAP_VALUE) {
    return "a second \": \" on one line: quote a value that contains "
           "\": \", or put a nested map on its own indented lines";
  }
  if (message == msg::END_OF_MAP || message == msg::END_OF_SEQ) {
    return "the indentation changes here: every key of a map and every "
           "\"- \" of a list must start in the same column";
  }
  if (message == msg::END_OF_MAP_FLOW || message == msg::END_OF_SEQ_FLOW ||
      message == msg::FLOW_END) {
    return "a \"{\" or \"[\" is not closed (or closed twice): check the "
           "brackets, and quote values that contain \",\", \"[\" or \"{\"";
  }
  if (absl::StartsWith(message, "illegal tab")) {
    return "YAML indents with spaces only: replace the tab";
  }
  if (message == msg::UNKNOWN_TOKEN || message == msg::MAP_KEY) {
    return "quote a value that starts with a special character such as "
           "@, `, %, & or *";
  }
  if (message == msg::EOF_IN_SCALAR) {
    return "a quoted value is not closed: add the closing quote";
  }
  return "check the indentation and the quoting on this line and the one "
         "above";
}

// Walks a YAML tree alongside a message descriptor and fills the message by
// reflection, so the file format follows plan.proto without a second schema.
class Walker {
 public:
  explicit Walker(absl::string_view file_name) : file_name_(file_name) {}

  absl::Status FillMessage(const YAML::Node& node, const std::string& path,
                           Message* message) {
    if (!node.IsMap()) {
      return Error(
          node, path,
          absl::StrCat("expected a map of ", message->GetDescriptor()->name(),
                       " fields, found ", KindOf(node)));
    }
    const Descriptor* descriptor = message->GetDescriptor();
    std::set<std::string> seen;
    // Keep going after a bad entry, so one run reports every mistake (up to
    // kMaxErrors); the result is an error if any entry was bad.
    absl::Status result = absl::OkStatus();
    auto keep = [&result](absl::Status status) {
      if (result.ok()) result = std::move(status);
    };
    for (const auto& entry : node) {
      if (TooMany()) break;
      const YAML::Node& key = entry.first;
      const YAML::Node& value = entry.second;
      if (!key.IsScalar()) {
        keep(Error(key, path, "a key must be a plain name"));
        continue;
      }
      const std::string& name = key.Scalar();
      const std::string field_path = path.empty() ? name : path + "." + name;
      const FieldDescriptor* field = descriptor->FindFieldByName(name);
      if (field == nullptr) field = descriptor->FindFieldByCamelcaseName(name);
      if (field == nullptr) {
        keep(Error(key, field_path, UnknownKey(name, *descriptor)));
        continue;
      }
      if (!seen.insert(field->name()).second) {
        keep(Error(key, field_path, "duplicate key"));
        continue;
      }
      if (value.IsNull()) continue;  // `key:` with nothing leaves it unset.
      if (field->is_map()) {
        keep(Error(key, field_path, "map fields are not supported"));
        continue;
      }
      if (field->is_repeated()) {
        if (!value.IsSequence()) {
          keep(Error(value, field_path,
                     absl::StrCat("expected a list, found ", KindOf(value))));
          continue;
        }
        for (size_t i = 0; i < value.size() && !TooMany(); ++i) {
          keep(FillField(value[i], absl::StrCat(field_path, "[", i, "]"),
                         message, field));
        }
      } else {
        keep(FillField(value, field_path, message, field));
      }
    }
    return result;
  }

  // Records one mistake at `node` (the first kMaxErrors are kept, the rest
  // counted) and returns it as a status.
  absl::Status Error(const YAML::Node& node, absl::string_view path,
                     absl::string_view what) {
    const std::string line =
        path.empty() ? absl::StrCat(Where(file_name_, node.Mark()), ": ", what)
                     : absl::StrCat(Where(file_name_, node.Mark()), ": ", path,
                                    ": ", what);
    if (errors_.size() < kMaxErrors) {
      errors_.push_back(line);
    } else {
      ++errors_not_shown_;
    }
    return absl::InvalidArgumentError(line);
  }

  // Every mistake found, one per line, the last line "... and N more" when
  // more than kMaxErrors were found.
  std::string Report() const {
    std::string report = absl::StrJoin(errors_, "\n");
    if (errors_not_shown_ > 0) {
      absl::StrAppend(&report, "\n", file_name_, ": ... and ",
                      errors_not_shown_, " more");
    }
    return report;
  }
  bool failed() const { return !errors_.empty(); }

 private:
  // Once this many more mistakes were found past kMaxErrors, stop walking: a
  // file that wrong will not be fixed one message at a time anyway.
  bool TooMany() const { return errors_not_shown_ >= 1000; }

  // Sets (or, when repeated, adds) one value of `field` from `node`.
  absl::Status FillField(const YAML::Node& node, const std::string& path,
                         Message* message, const FieldDescriptor* field) {
    const Reflection* reflection = message->GetReflection();
    const bool repeated = field->is_repeated();
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Message* sub = repeated ? reflection->AddMessage(message, field)
                              : reflection->MutableMessage(message, field);
      if (field->message_type() == v1::Date::descriptor()) {
        return FillDate(node, path, static_cast<v1::Date*>(sub));
      }
      return FillMessage(node, path, sub);
    }
    if (!node.IsScalar()) {
      return Error(
          node, path,
          absl::StrCat("expected a single value, found ", KindOf(node)));
    }
    const std::string& text = node.Scalar();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t value = 0;
        if (!absl::SimpleAtoi(text, &value)) {
          return Error(node, path,
                       absl::StrCat(Quote(text), " is not an integer"));
        }
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
          if (value < std::numeric_limits<int32_t>::min() ||
              value > std::numeric_limits<int32_t>::max()) {
            return Error(node, path, absl::StrCat(text, " is out of range"));
          }
          const auto v = static_cast<int32_t>(value);
          repeated ? reflection->AddInt32(message, field, v)
                   : reflection->SetInt32(message, field, v);
        } else {
          repeated ? reflection->AddInt64(message, field, value)
                   : reflection->SetInt64(message, field, value);
        }
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64: {
        uint64_t value = 0;
        if (!absl::SimpleAtoi(text, &value)) {
          return Error(
              node, path,
              absl::StrCat(Quote(text), " is not a non-negative integer"));
        }
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_UINT32) {
          if (value > std::numeric_limits<uint32_t>::max()) {
            return Error(node, path, absl::StrCat(text, " is out of range"));
          }
          const auto v = static_cast<uint32_t>(value);
          repeated ? reflection->AddUInt32(message, field, v)
                   : reflection->SetUInt32(message, field, v);
        } else {
          repeated ? reflection->AddUInt64(message, field, value)
                   : reflection->SetUInt64(message, field, value);
        }
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: {
        double value = 0;
        if (!absl::SimpleAtod(text, &value)) {
          return Error(node, path,
                       absl::StrCat(Quote(text), " is not a number"));
        }
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
          repeated ? reflection->AddDouble(message, field, value)
                   : reflection->SetDouble(message, field, value);
        } else {
          const auto v = static_cast<float>(value);
          repeated ? reflection->AddFloat(message, field, v)
                   : reflection->SetFloat(message, field, v);
        }
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        const std::string lower = absl::AsciiStrToLower(text);
        bool value = false;
        if (lower == "true" || lower == "yes" || lower == "on") {
          value = true;
        } else if (lower != "false" && lower != "no" && lower != "off") {
          return Error(node, path,
                       absl::StrCat(Quote(text), " is not true or false"));
        }
        repeated ? reflection->AddBool(message, field, value)
                 : reflection->SetBool(message, field, value);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const EnumValueDescriptor* value =
            field->enum_type()->FindValueByName(absl::AsciiStrToUpper(text));
        if (value == nullptr) {
          std::vector<std::string> names;
          for (int i = 0; i < field->enum_type()->value_count(); ++i) {
            const std::string& name = field->enum_type()->value(i)->name();
            if (!absl::EndsWith(name, "_UNSPECIFIED")) names.push_back(name);
          }
          return Error(node, path,
                       absl::StrCat(Quote(text), " is not one of ",
                                    absl::StrJoin(names, ", ")));
        }
        repeated ? reflection->AddEnumValue(message, field, value->number())
                 : reflection->SetEnumValue(message, field, value->number());
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_STRING:
        repeated ? reflection->AddString(message, field, text)
                 : reflection->SetString(message, field, text);
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_MESSAGE:
        break;  // Handled above.
    }
    return Error(node, path, "unsupported field type");
  }

  absl::Status FillDate(const YAML::Node& node, const std::string& path,
                        v1::Date* date) {
    if (node.IsMap()) {
      absl::Status status = FillMessage(node, path, date);
      if (!status.ok()) return status;
      const absl::CivilDay day(date->year(), date->month(), date->day());
      if (date->year() < 1 || date->year() > 9999 ||
          day.year() != date->year() || day.month() != date->month() ||
          day.day() != date->day()) {
        return Error(node, path,
                     absl::StrCat(date->year(), "-", date->month(), "-",
                                  date->day(), " is not a valid date"));
      }
      return absl::OkStatus();
    }
    if (!node.IsScalar()) {
      return Error(
          node, path,
          absl::StrCat("expected a date YYYY-MM-DD, found ", KindOf(node)));
    }
    const std::optional<absl::CivilDay> day = ParseIsoDay(node.Scalar());
    if (!day.has_value()) {
      return Error(node, path,
                   absl::StrCat(Quote(node.Scalar()),
                                " is not a valid date (expected YYYY-MM-DD)"));
    }
    date->set_year(static_cast<int32_t>(day->year()));
    date->set_month(day->month());
    date->set_day(day->day());
    return absl::OkStatus();
  }

  std::string file_name_;
  std::vector<std::string> errors_;
  size_t errors_not_shown_ = 0;
};

}  // namespace

std::optional<absl::CivilDay> ParseIsoDay(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 ||
      parts[2].size() != 2) {
    return std::nullopt;
  }
  int year = 0, month = 0, day = 0;
  for (absl::string_view part : parts) {
    for (char c : part) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
        return std::nullopt;
      }
    }
  }
  if (!absl::SimpleAtoi(parts[0], &year) ||
      !absl::SimpleAtoi(parts[1], &month) ||
      !absl::SimpleAtoi(parts[2], &day) || year < 1) {
    return std::nullopt;
  }
  const absl::CivilDay result(year, month, day);
  if (result.year() != year || result.month() != month || result.day() != day) {
    return std::nullopt;  // CivilDay normalised it: not a real day.
  }
  return result;
}

absl::StatusOr<v1::Plan> ParsePlanText(absl::string_view text,
                                       absl::string_view file_name) {
  v1::Plan plan;
  Walker walker(file_name);
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) {
      return absl::InvalidArgumentError(absl::StrCat(
          root.Mark().is_null() ? absl::StrCat(file_name, ":1:1")
                                : Where(file_name, root.Mark()),
          ": expected a plan (a map with outcome, goals, tasks, ...), found ",
          KindOf(root)));
    }
    (void)walker.FillMessage(root, "", &plan);
    if (walker.failed()) return absl::InvalidArgumentError(walker.Report());
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports syntax errors by exception, the first one only; turn
    // it into the same form, with a hint at the usual cause.
    return absl::InvalidArgumentError(
        absl::StrCat(Where(file_name, e.mark), ": YAML syntax: ", e.msg,
                     " (hint: ", SyntaxHint(e.msg, LineAt(text, e.mark)), ")"));
  }
  return plan;
}

absl::StatusOr<v1::Plan> LoadPlanFile(absl::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::NotFoundError(absl::StrCat(path, ": read error"));
  }
  return ParsePlanText(text.str(), path);
}

}  // namespace backplan::cli
