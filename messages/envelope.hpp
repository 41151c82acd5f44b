// Decoded inbound requests and the pieces of outbound messages, independent
// of the dialect that carried them (PROTOCOL.md §2).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "messages/errc.hpp"

namespace nexus::messages {

/// An inbound request after envelope validation.
struct request {
  /// The message type, e.g. `heartbeat` (non-empty).
  std::string type;
  /// nexus `request_id` or neurograph `id`; empty when the client sent none.
  std::string request_id;
  /// Always a JSON object (`{}` when absent). Depth-checked: safe to copy.
  nlohmann::json payload = nlohmann::json::object();
  /// nexus `metadata.client_id`, neurograph `sender_id`; may be empty.
  std::string client_id;
  /// Size of the frame this request came in, for metrics.
  std::size_t frame_bytes = 0;
};

/// The error object of PROTOCOL.md §5: `{code, type, message, field?,
/// details?}`.
struct error_body {
  errc code = errc::internal_error;
  std::string message;
  /// Dotted path of the offending field; omitted on the wire when empty.
  std::string field;
  /// Omitted on the wire when null.
  nlohmann::json details;
};

} // namespace nexus::messages
