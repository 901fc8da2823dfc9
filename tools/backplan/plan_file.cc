#include "tools/backplan/plan_file.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
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
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      const YAML::Node& value = entry.second;
      if (!key.IsScalar()) {
        return Error(key, path, "a key must be a plain name");
      }
      const std::string& name = key.Scalar();
      const std::string field_path = path.empty() ? name : path + "." + name;
      const FieldDescriptor* field = descriptor->FindFieldByName(name);
      if (field == nullptr) field = descriptor->FindFieldByCamelcaseName(name);
      if (field == nullptr) {
        std::vector<std::string> names;
        for (int i = 0; i < descriptor->field_count(); ++i) {
          names.push_back(descriptor->field(i)->name());
        }
        return Error(key, field_path,
                     absl::StrCat("unknown key; expected one of ",
                                  absl::StrJoin(names, ", ")));
      }
      if (!seen.insert(field->name()).second) {
        return Error(key, field_path, "duplicate key");
      }
      if (value.IsNull()) continue;  // `key:` with nothing leaves it unset.
      if (field->is_map()) {
        return Error(key, field_path, "map fields are not supported");
      }
      if (field->is_repeated()) {
        if (!value.IsSequence()) {
          return Error(value, field_path,
                       absl::StrCat("expected a list, found ", KindOf(value)));
        }
        for (size_t i = 0; i < value.size(); ++i) {
          absl::Status status = FillField(
              value[i], absl::StrCat(field_path, "[", i, "]"), message, field);
          if (!status.ok()) return status;
        }
      } else {
        absl::Status status = FillField(value, field_path, message, field);
        if (!status.ok()) return status;
      }
    }
    return absl::OkStatus();
  }

  absl::Status Error(const YAML::Node& node, absl::string_view path,
                     absl::string_view what) const {
    const YAML::Mark mark = node.Mark();
    std::string where = file_name_;
    if (!mark.is_null()) absl::StrAppend(&where, ":", mark.line + 1);
    if (path.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
    }
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", path, ": ", what));
  }

 private:
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
          file_name, ":", root.Mark().is_null() ? 1 : root.Mark().line + 1,
          ": expected a plan (a map with outcome, goals, tasks, ...), found ",
          KindOf(root)));
    }
    absl::Status status = walker.FillMessage(root, "", &plan);
    if (!status.ok()) return status;
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports syntax errors by exception; turn them into the same
    // one-line form.
    std::string where(file_name);
    if (!e.mark.is_null()) absl::StrAppend(&where, ":", e.mark.line + 1);
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", e.msg));
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
