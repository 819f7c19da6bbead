// Typed, checked access to JSON object fields for the optimizer's file formats (cost tables,
// plans, impact caches): every failure is an ola::FormatError "where: field: expected X, got Y".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ola::opt::json_fields {

/// Name of a JSON value's type for error messages ("number", "string", "missing", ...).
std::string type_name(const nlohmann::json* v);

/// @throws ola::FormatError if `j` is not an object.
void require_object(const nlohmann::json& j, const std::string& where);

/// The field `key` of object `j`.
/// @throws ola::FormatError if it is missing or not of the requested type; get_double also if it is
///         not finite, get_int also if it is not an integer.
double get_double(const nlohmann::json& j, const std::string& key, const std::string& where);
int get_int(const nlohmann::json& j, const std::string& key, const std::string& where);
bool get_bool(const nlohmann::json& j, const std::string& key, const std::string& where);
std::string get_string(const nlohmann::json& j, const std::string& key, const std::string& where);
const nlohmann::json& get_array(const nlohmann::json& j, const std::string& key,
                                const std::string& where);
const nlohmann::json& get_object(const nlohmann::json& j, const std::string& key,
                                 const std::string& where);

/// `j[key]` must equal `expected` (format tags, versions).
/// @throws ola::FormatError naming both values otherwise.
void expect_string(const nlohmann::json& j, const std::string& key, const std::string& expected,
                   const std::string& where);
void expect_int(const nlohmann::json& j, const std::string& key, int expected,
                const std::string& where);

}  // namespace ola::opt::json_fields
