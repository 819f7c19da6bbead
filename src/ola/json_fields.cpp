#include "ola/json_fields.h"

#include <cmath>
#include <limits>

#include "util/error.h"

namespace ola::opt::json_fields {

std::string type_name(const nlohmann::json* v) {
  if (v == nullptr) return "missing";
  return v->type_name();
}

void require_object(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw FormatError(ola::mismatch(where, "(value)", "a JSON object", j.type_name()));
}

namespace {
const nlohmann::json* find(const nlohmann::json& j, const std::string& key, const std::string& where) {
  require_object(j, where);
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}
}  // namespace

double get_double(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const nlohmann::json* v = find(j, key, where);
  if (v == nullptr || !v->is_number()) throw FormatError(ola::mismatch(where, key, "a number", type_name(v)));
  const double d = v->get<double>();
  if (!std::isfinite(d)) throw FormatError(ola::mismatch(where, key, "a finite number", d));
  return d;
}

int get_int(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const nlohmann::json* v = find(j, key, where);
  if (v == nullptr || !v->is_number_integer()) {
    throw FormatError(ola::mismatch(where, key, "an integer", v == nullptr ? "missing" : v->dump()));
  }
  const auto i = v->get<long long>();
  if (i < std::numeric_limits<int>::min() || i > std::numeric_limits<int>::max()) {
    throw FormatError(ola::mismatch(where, key, "a 32-bit integer", i));
  }
  return static_cast<int>(i);
}

bool get_bool(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const nlohmann::json* v = find(j, key, where);
  if (v == nullptr || !v->is_boolean()) throw FormatError(ola::mismatch(where, key, "a boolean", type_name(v)));
  return v->get<bool>();
}

std::string get_string(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const nlohmann::json* v = find(j, key, where);
  if (v == nullptr || !v->is_string()) throw FormatError(ola::mismatch(where, key, "a string", type_name(v)));
  return v->get<std::string>();
}

const nlohmann::json& get_array(const nlohmann::json& j, const std::string& key,
                                const std::string& where) {
  const nlohmann::json* v = find(j, key, where);
  if (v == nullptr || !v->is_array()) throw FormatError(ola::mismatch(where, key, "an array", type_name(v)));
  return *v;
}

const nlohmann::json& get_object(const nlohmann::json& j, const std::string& key,
                                 const std::string& where) {
  const nlohmann::json* v = find(j, key, where);
  if (v == nullptr || !v->is_object()) throw FormatError(ola::mismatch(where, key, "an object", type_name(v)));
  return *v;
}

void expect_string(const nlohmann::json& j, const std::string& key, const std::string& expected,
                   const std::string& where) {
  const std::string got = get_string(j, key, where);
  if (got != expected) throw FormatError(ola::mismatch(where, key, "\"" + expected + "\"", "\"" + got + "\""));
}

void expect_int(const nlohmann::json& j, const std::string& key, int expected, const std::string& where) {
  const int got = get_int(j, key, where);
  if (got != expected) throw FormatError(ola::mismatch(where, key, expected, got));
}

}  // namespace ola::opt::json_fields
