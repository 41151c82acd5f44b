// The two envelope formats a connection may speak (PROTOCOL.md §1–§2).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace nexus::messages {

/// Envelope format of one connection; the message catalog is shared.
enum class dialect : uint8_t { nexus, neurograph };

/// `nexus` or `neurograph` (log lines, metrics labels).
std::string_view to_string(dialect d);

/// The WebSocket subprotocol that selects `d`: `nexus-json` /
/// `neurograph-json`.
std::string_view subprotocol(dialect d);

/// The dialect a subprotocol token selects, if any.
std::optional<dialect> from_subprotocol(std::string_view token);

/// Protocol version this server speaks.
constexpr std::string_view protocol_version = "2.0.0";

} // namespace nexus::messages
