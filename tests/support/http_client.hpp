// Plain HTTP/1.1 requests to the server's listeners (health, readiness,
// metrics, refused upgrades). One connection per request; never throws, so a
// refused or reset connection is something a test can assert on.
#pragma once

#include "tests/support/wait.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nexus::test {

/// What the server answered, or why there is no answer.
struct http_response {
  /// HTTP status; 0 when no response arrived (see `error`).
  int status = 0;
  std::string body;
  /// Response header fields, names in lower case.
  std::map<std::string, std::string> headers;
  /// Why no response arrived (connection refused, reset, timeout).
  std::string error;

  /// Value of header `name` (lower case), empty when absent.
  std::string header(std::string const& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

/// Header fields to add to a request.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// Sends `method target` with `headers` to 127.0.0.1:`port`.
http_response http_request(std::uint16_t port, std::string const& method,
                           std::string const& target,
                           header_list const& headers = {},
                           millis deadline = 5s);

/// Sends `GET target` to 127.0.0.1:`port`.
inline http_response http_get(std::uint16_t port, std::string const& target,
                              millis deadline = 5s) {
  return http_request(port, "GET", target, {}, deadline);
}

/// Header fields of a valid WebSocket upgrade request (without Host).
header_list upgrade_headers();

} // namespace nexus::test
