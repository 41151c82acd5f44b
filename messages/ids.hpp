// Server-made identifiers: random UUIDs (nexus request ids, connection ids)
// and `msg_<hex>` message ids (neurograph). Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace nexus::messages {

/// A random RFC 4122 version-4 UUID, lower case.
std::string make_uuid();

/// A unique neurograph message id, `msg_` followed by 16 hex digits.
std::string make_message_id();

/// Milliseconds since the Unix epoch.
int64_t unix_millis();

/// RFC 3339 UTC time with milliseconds, e.g. `2025-01-18T10:01:00.123Z`.
std::string rfc3339_now();

/// `unix_ms` (milliseconds since the Unix epoch) in the format of
/// rfc3339_now(); lets a caller stamp one instant in two formats.
std::string rfc3339(int64_t unix_ms);

} // namespace nexus::messages
