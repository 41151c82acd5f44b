// Cutting a compact JWS into header, payload and signature and decoding the
// two JSON segments with limits, before any key or library sees the token.
#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "auth/failure.hpp"

namespace nexus::auth {

/// Deepest nesting accepted in a header or payload (objects and arrays).
constexpr std::size_t max_json_depth = 16;

/// A compact JWS cut into its segments, header and payload decoded.
struct token_parts {
  nlohmann::json header;  ///< a JSON object
  nlohmann::json payload; ///< a JSON object (the claims)
};

/// Splits `token` into exactly three base64url segments (strict, see
/// base64url::decode) and decodes header and payload with parse_object.
/// Any problem is a `malformed` failure. Never throws.
std::variant<token_parts, failure> split_token(std::string_view token);

/// Parses `text` as a JSON object nested at most max_json_depth deep and
/// without repeated member names at any level; nullopt otherwise. Never
/// throws.
std::optional<nlohmann::json> parse_object(std::string_view text);

} // namespace nexus::auth
