// The wire error codes of PROTOCOL.md §5 and their types.
#pragma once

#include <cstdint>
#include <string_view>

namespace nexus::messages {

/// Stable error codes a client may switch on.
enum class errc : uint8_t {
  invalid_json,
  unknown_message_type,
  unsupported_protocol_version,
  validation_failed,
  authentication_failed,
  forbidden,
  rate_limit_exceeded,
  not_found,
  conflict,
  timeout,
  execution_failed,
  overloaded,
  internal_error,
};

/// Number of codes (for tables indexed by errc).
constexpr std::size_t errc_count = 13;

/// The wire `code`, e.g. `INVALID_JSON`.
std::string_view code_string(errc e);

/// The wire `type`, e.g. `PROTOCOL_ERROR`.
std::string_view type_string(errc e);

} // namespace nexus::messages
