// Helpers shared by the two dialect codecs: depth-limited parsing, envelope
// field checks and compact JSON text building. Internal to messages/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "messages/codec.hpp"
#include "messages/envelope.hpp"

namespace nexus::messages::detail {

// -- parsing ----------------------------------------------------------------

/// The top-level object of a frame, or the INVALID_JSON error.
using parse_result = std::variant<nlohmann::json, error_body>;

/// Parses `text` as one JSON object nested at most `max_depth` levels (the
/// object itself is level 1). Never builds a tree deeper than that, so the
/// result is safe to copy and dump.
parse_result parse_object(std::string_view text, uint32_t max_depth);

// -- envelope checks --------------------------------------------------------

/// Longest `type` and id accepted, in characters (code points).
constexpr std::size_t max_name_chars = 128;

/// An error body without details.
error_body make_error(errc code, std::string message, std::string field = {});

/// Number of code points in the (valid) UTF-8 string `s`.
std::size_t utf8_length(std::string_view s);

/// Member `key` of the object `obj`, or nullptr.
const nlohmann::json* member(const nlohmann::json& obj, std::string_view key);

/// Reads the id under `key` (absent is fine) into `req.request_id`; an id
/// that is not a 1–128 char string yields VALIDATION_FAILED for `key`.
std::optional<error_body> take_id(const nlohmann::json& doc,
                                  std::string_view key, request& req);

/// Reads `type` (a 1–128 char string) into `req.type`.
std::optional<error_body> take_type(const nlohmann::json& doc, request& req);

/// Moves `payload` (absent: `{}`; else must be an object) into `req`.
std::optional<error_body> take_payload(nlohmann::json& doc, request& req);

/// `timestamp`, when present, must be a number (seconds or milliseconds).
std::optional<error_body> check_timestamp(const nlohmann::json& doc);

// -- building ---------------------------------------------------------------

/// Appends `s` as a JSON string literal. Invalid UTF-8 becomes U+FFFD.
void append_string(std::string& out, std::string_view s);

/// Appends `v` as compact JSON. Invalid UTF-8 becomes U+FFFD.
void append_json(std::string& out, const nlohmann::json& v);

/// Appends `*payload`, or `{}` when there is none.
void append_payload(std::string& out, const nlohmann::json* payload);

/// Appends a decimal integer.
void append_int(std::string& out, int64_t v);

/// Appends the §5 error object `{code, type, message, field?, details?}`.
void append_error_object(std::string& out, const error_body& err);

// -- dialects ---------------------------------------------------------------

decode_result decode_nexus(std::string_view text, const decode_limits& limits);

decode_result decode_neurograph(std::string_view text,
                                const decode_limits& limits);

std::string encode_nexus(const outbound_message& msg, const server_info& info);

std::string encode_neurograph(const outbound_message& msg);

} // namespace nexus::messages::detail
