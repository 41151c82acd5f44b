// Pure rules of the WebSocket upgrade, apart from the sessions so they are
// tested without sockets: the Sec-WebSocket-Key check Beast 1.81 skips,
// subprotocol selection, and how an admission refusal is counted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/options.hpp"

namespace nexus::net {

/// RFC 6455 §4.2.1: the key is base64 that decodes to exactly 16 bytes,
/// i.e. 22 base64 characters and `==`. Beast 1.81 only checks that it is
/// at most 24 characters long (PITFALLS). The 4 unused bits of the last
/// character are not required to be 0, as lenient decoders ignore them.
bool valid_websocket_key(std::string_view key);

/// The first subprotocol in the client's comma-separated `offered` list
/// that is in `supported`; empty when none is.
std::string select_subprotocol(std::string_view offered,
                               const std::vector<std::string>& supported);

/// The label an admission refusal with HTTP `status` is counted under.
handshake_failure refusal_reason(unsigned status);

} // namespace nexus::net
