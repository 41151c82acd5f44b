// Wire strings of the error codes (PROTOCOL.md §5).
#include "messages/errc.hpp"

#include <array>

namespace nexus::messages {

namespace {

/// One row of the §5 table: wire code and wire type.
struct errc_row {
  std::string_view code;
  std::string_view type;
};

/// Indexed by errc; keep in the enum's order.
constexpr std::array<errc_row, errc_count> errc_table{{
    {"INVALID_JSON", "PROTOCOL_ERROR"},
    {"UNKNOWN_MESSAGE_TYPE", "PROTOCOL_ERROR"},
    {"UNSUPPORTED_PROTOCOL_VERSION", "PROTOCOL_ERROR"},
    {"VALIDATION_FAILED", "VALIDATION_ERROR"},
    {"AUTHENTICATION_FAILED", "AUTH_ERROR"},
    {"FORBIDDEN", "AUTH_ERROR"},
    {"RATE_LIMIT_EXCEEDED", "RATE_LIMIT_ERROR"},
    {"NOT_FOUND", "NOT_FOUND_ERROR"},
    {"CONFLICT", "VALIDATION_ERROR"},
    {"TIMEOUT", "EXECUTION_ERROR"},
    {"EXECUTION_FAILED", "EXECUTION_ERROR"},
    {"OVERLOADED", "SERVER_ERROR"},
    {"INTERNAL_ERROR", "SERVER_ERROR"},
}};

static_assert(static_cast<std::size_t>(errc::internal_error) + 1 == errc_count,
              "errc_table must cover every errc");

/// The row of `e`; out-of-range values read as INTERNAL_ERROR.
const errc_row& row(errc e) {
  auto i = static_cast<std::size_t>(e);
  return i < errc_count ? errc_table[i] : errc_table.back();
}

} // namespace

std::string_view code_string(errc e) {
  return row(e).code;
}

std::string_view type_string(errc e) {
  return row(e).type;
}

} // namespace nexus::messages
