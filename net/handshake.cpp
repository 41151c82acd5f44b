// Upgrade rules: key check, subprotocol choice, refusal labels, and the
// label names of net's counters.
#include "net/handshake.hpp"

namespace nexus::net {

namespace {

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace

const std::vector<std::string>& handshake_failure_names() {
  static const std::vector<std::string> names{
    "timeout",      "header_too_large", "bad_request", "not_upgrade",
    "not_found",    "draining",         "io_error",    "unauthorized",
    "forbidden",    "over_limit",       "refused",     "tls"};
  return names;
}

const std::vector<std::string>& forced_close_names() {
  static const std::vector<std::string> names{"slow_consumer", "write_stall"};
  return names;
}

bool valid_websocket_key(std::string_view key) {
  // 16 bytes = 5 groups of 3 (20 characters) + 1 byte (2 characters + ==).
  constexpr std::size_t encoded_chars = 24;
  constexpr std::size_t data_chars = 22;
  if (key.size() != encoded_chars)
    return false;
  for (std::size_t i = 0; i < data_chars; ++i)
    if (!is_base64_char(key[i]))
      return false;
  return key.substr(data_chars) == "==";
}

std::string select_subprotocol(std::string_view offered,
                               const std::vector<std::string>& supported) {
  while (!offered.empty()) {
    auto comma = offered.find(',');
    auto token = trim(offered.substr(0, comma));
    for (auto& s : supported)
      if (token == s)
        return s;
    if (comma == std::string_view::npos)
      break;
    offered.remove_prefix(comma + 1);
  }
  return {};
}

handshake_failure refusal_reason(unsigned status) {
  switch (status) {
    case 401:
      return handshake_failure::unauthorized;
    case 403:
      return handshake_failure::forbidden;
    case 429:
    case 503:
      return handshake_failure::over_limit;
    default:
      return handshake_failure::refused;
  }
}

} // namespace nexus::net
