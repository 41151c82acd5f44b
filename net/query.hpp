// Request-target helpers: split path and query, decode query parameters,
// and redact credentials before a URL reaches a log. Pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace nexus::net {

/// The path part of a request target (`/ws?x=1` → `/ws`).
std::string_view target_path(std::string_view target);

/// Percent-decoded query parameters; the first occurrence of a name wins.
std::map<std::string, std::string> parse_query(std::string_view target);

/// `target` with the value of every `token` parameter replaced by
/// `REDACTED`, so a JWT never reaches a log line.
std::string redact_target(std::string_view target);

} // namespace nexus::net
