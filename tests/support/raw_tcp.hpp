// Raw TCP clients for behaviour no well-behaved library produces: a header
// sent one byte at a time, a WebSocket peer that never answers a close.
#pragma once

#include "tests/support/wait.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace nexus::test {

/// One WebSocket frame as a raw client sees it.
struct ws_frame {
  /// RFC 6455 opcode: 0x1 text, 0x2 binary, 0x8 close, 0x9 ping, 0xA pong.
  unsigned opcode = 0;
  /// Unmasked payload.
  std::string payload;
  /// True when the frame was masked (a server must never mask).
  bool masked = false;
};

/// A blocking TCP connection to 127.0.0.1 with deadlines on every call.
class raw_tcp {
public:
  /// Connects; throws `std::runtime_error` when that fails.
  explicit raw_tcp(std::uint16_t port, millis deadline = 5s);
  ~raw_tcp();

  raw_tcp(raw_tcp const&) = delete;
  raw_tcp& operator=(raw_tcp const&) = delete;

  /// Writes all of `data`; false on error or deadline (see `last_error`).
  bool write(std::string_view data, millis deadline = 5s);

  /// Reads until `delim` arrives and returns the data up to and including
  /// it (later bytes stay buffered); nullopt on close, error or deadline.
  std::optional<std::string> read_until(std::string_view delim,
                                        millis deadline = 5s);

  /// Reads the next WebSocket frame (after the upgrade answer was consumed
  /// with `read_until`); nullopt on close, error or deadline.
  std::optional<ws_frame> read_frame(millis deadline = 5s);

  /// Reads frames until a close frame arrives; returns its status code
  /// (1005 when it has none), or nullopt on close, error or deadline.
  std::optional<std::uint16_t> read_close_frame(millis deadline = 5s);

  /// Description of the last failure.
  std::string const& last_error() const;

private:
  /// Reads once more into the buffer; false on close, error or deadline.
  bool read_more(millis deadline);

  struct impl;
  std::unique_ptr<impl> impl_;
};

/// An HTTP/1.1 WebSocket upgrade request for `target` (complete, with the
/// empty line at the end).
std::string upgrade_request_text(std::uint16_t port, std::string const& target);

/// The header of a masked client frame (FIN set, zero mask key) announcing
/// `length` payload bytes; the payload may follow, or never.
std::string client_frame_header(unsigned opcode, std::uint64_t length);

/// What happened to a client that sent its request header slowly.
struct slow_header_result {
  /// True when the server closed (or reset) the connection.
  bool closed = false;
  /// Time from connect until the server closed, or until giving up.
  millis elapsed{0};
  /// Header bytes sent before the end.
  std::size_t bytes_sent = 0;
  /// How the connection ended.
  std::string how;
};

/// Connects to `port` and sends a never-ending request header one byte per
/// `interval`, until the server closes the connection or `give_up` passes.
slow_header_result send_header_slowly(std::uint16_t port, millis interval,
                                      millis give_up);

} // namespace nexus::test
