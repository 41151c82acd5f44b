// Decoding and encoding of both dialects. No exception leaves these
// functions: every failure is a value naming the wire error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "messages/dialect.hpp"
#include "messages/envelope.hpp"

namespace nexus::messages {

/// Limits the decoder enforces.
struct decode_limits {
  /// Deepest nesting of arrays/objects accepted (the envelope is depth 1).
  uint32_t max_depth = 64;
};

/// A frame that is not a valid request: the error to answer with, and the
/// request id when it could be read, so the client can correlate it.
struct decode_failure {
  error_body error;
  std::string request_id;
};

/// Either a valid request or the reason it is not one.
using decode_result = std::variant<request, decode_failure>;

/// Validates one inbound text frame of dialect `d`:
/// - INVALID_JSON: not JSON, not an object, nesting over `max_depth`;
/// - VALIDATION_FAILED (+`field`): `type` missing/not a non-empty string;
///   id not a 1–128 char string; nexus `request_id` missing on a type other
///   than `heartbeat`; `payload`/`metadata` not objects; `timestamp` not a
///   number;
/// - UNSUPPORTED_PROTOCOL_VERSION: nexus `metadata.protocol_version` with a
///   major version other than 2.
/// Whether the type exists is the router's business (catalog.hpp).
decode_result decode(dialect d, std::string_view text,
                     const decode_limits& limits);

/// Server identity stamped into outbound nexus metadata.
struct server_info {
  std::string server_version = "0.1.0";
};

/// One outbound message before it is given its dialect's envelope.
struct outbound_message {
  /// e.g. `heartbeat`, `connection.established`, `error`.
  std::string_view type;
  /// The request this answers; empty for events (nexus then gets a fresh
  /// server-made request_id, neurograph omits `request_id`).
  std::string_view request_id;
  /// The payload (ignored when `error` is set).
  const nlohmann::json* payload = nullptr;
  /// Set for `type == "error"`: nexus puts it in `error` with
  /// `success:false`, neurograph in `payload`.
  const error_body* error = nullptr;
  /// nexus `metadata.processing_time_ms`, when known.
  std::optional<int64_t> processing_time_ms;
  /// True when the request carried no id at all; nexus then sends
  /// `request_id: null` on errors instead of a fresh id.
  bool uncorrelated_error = false;
};

/// Encodes `msg` in dialect `d` as compact JSON text.
std::string encode(dialect d, const outbound_message& msg,
                   const server_info& info);

/// Shorthand: an `error` answering `request_id`.
std::string encode_error(dialect d, std::string_view request_id,
                         const error_body& err, const server_info& info);

/// The error object alone as JSON (`{code, type, message, ...}`).
nlohmann::json to_json(const error_body& err);

} // namespace nexus::messages
