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

/// Appends `payload` to `out` as one final masked client frame (RFC 6455
/// §5.2) of `opcode` (1 text, 8 close, 10 pong) with masking key `mask`.
/// Encoding frames here lets a connection send every queued request in one
/// write (Beast's stream writes one message per call: one sendmsg each).
void append_client_frame(std::string& out, std::string_view payload,
                         uint32_t mask, uint8_t opcode = 1);

/// One server frame found at the start of a buffer.
struct frame_view {
  uint8_t opcode = 0; ///< 0 continuation, 1 text, 2 binary, 8 close, 9 ping
  bool fin = false;
  std::string_view payload;
  size_t size = 0; ///< bytes of the whole frame, header included
};

/// What parse_frame found.
enum class frame_status { complete, incomplete, invalid };

/// Parses the frame at the start of `data` (server frames are unmasked;
/// a masked one, or one longer than `max_payload`, is invalid).
frame_status parse_frame(std::string_view data, size_t max_payload,
                         frame_view& out);

/// Finds `"request_id":"b<conn>_<seq>"` in `text` (whitespace around the
/// colon allowed). Returns nothing for messages that answer none of this
/// connection's requests, e.g. `connection.established`.
std::optional<reply_info> scan_reply(std::string_view text, uint32_t conn);

} // namespace nexus::bench
