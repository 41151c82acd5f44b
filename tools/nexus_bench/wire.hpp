// The heartbeat request the generator sends and the cheap scan that finds the
// request id in a reply: a full JSON parse per reply would make the
// generator, not the server, the bottleneck.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nexus::bench {

/// Envelope format of the requests (PROTOCOL.md §2).
enum class dialect { nexus, neurograph };

/// What one reply said about one of our requests.
struct reply_info {
  /// Sequence number encoded in the echoed request id.
  uint64_t seq = 0;
  /// True for `"success":false` (nexus) or `"type":"error"` (neurograph).
  bool error = false;
};

/// Writes the heartbeat for request `seq` of connection `conn` into `out`
/// (replacing its contents; the capacity is reused). Ids look like
/// `b<conn>_<seq>`, unique across the run.
void make_heartbeat(std::string& out, dialect d, uint32_t conn, uint64_t seq,
                    int64_t unix_ms);

/// Finds `"request_id":"b<conn>_<seq>"` in `text` (whitespace around the
/// colon allowed). Returns nothing for messages that answer none of this
/// connection's requests, e.g. `connection.established`.
std::optional<reply_info> scan_reply(std::string_view text, uint32_t conn);

} // namespace nexus::bench
