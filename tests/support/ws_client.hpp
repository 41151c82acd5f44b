// A blocking WebSocket client for tests (Boost.Beast underneath, hidden
// behind a pointer so test files do not compile Beast). Every call takes a
// deadline; when it passes, the call fails instead of hanging.
#pragma once

#include "tests/support/wait.hpp"

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nexus::test {

/// How to open a WebSocket connection.
struct ws_connect_options {
  /// Request target, e.g. "/ws?client_id=abc".
  std::string target;
  /// Value of `Sec-WebSocket-Protocol` to offer; empty offers none.
  std::string subprotocol;
  /// Extra request headers.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Deadline for TCP connect plus the upgrade.
  millis deadline;

  ws_connect_options(
    std::string target = "/ws", std::string subprotocol = {},
    std::vector<std::pair<std::string, std::string>> headers = {},
    millis deadline = 5s)
    : target(std::move(target)),
      subprotocol(std::move(subprotocol)),
      headers(std::move(headers)),
      deadline(deadline) {
  }
};

/// One client connection to 127.0.0.1.
class ws_client {
public:
  /// Connects and upgrades; throws `std::runtime_error` (naming the HTTP
  /// status when the server answered) when the upgrade fails.
  explicit ws_client(std::uint16_t port, ws_connect_options opts = {});
  ~ws_client();
  ws_client(ws_client&&) noexcept;
  ws_client& operator=(ws_client&&) noexcept;

  /// `Sec-WebSocket-Protocol` of the server's 101 answer (empty if none).
  std::string const& accepted_subprotocol() const;

  /// Sends one text message (a single frame); throws on failure.
  void send_text(std::string const& text, millis deadline = 5s);

  /// Reads the next message as text; throws on close, error or deadline.
  std::string read_text(millis deadline = 5s);

  /// Reads the next message and parses it; throws if it is not JSON.
  nlohmann::json read_json(millis deadline = 5s);

  /// Reads messages until one carries `"request_id": request_id` and returns
  /// it; other messages (at most `max_skipped`) are dropped.
  nlohmann::json read_reply(std::string const& request_id,
                            millis deadline = 5s, int max_skipped = 100);

  /// Reads (and drops) messages until the server closes the WebSocket.
  /// Returns the close code, or nullopt when the connection ended another way
  /// or the deadline passed (see `last_error`).
  std::optional<std::uint16_t> read_close_code(millis deadline = 5s);

  /// Sends `text` while reading, for messages the server refuses mid-frame
  /// (e.g. over the size limit). Returns the server's close code, or nullopt
  /// as `read_close_code` does.
  std::optional<std::uint16_t> send_expect_close(std::string const& text,
                                                 millis deadline = 10s);

  /// Performs the closing handshake with `code`; throws on failure.
  void close(std::uint16_t code = 1000, millis deadline = 5s);

  /// Closes the TCP connection without a closing handshake.
  void drop();

  /// Description of the last failure (error message or "timeout").
  std::string const& last_error() const;

  /// Number of messages dropped by the last read_close_code or
  /// send_expect_close.
  std::size_t dropped_messages() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace nexus::test
