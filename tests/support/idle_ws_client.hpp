// A Beast WebSocket client for keep-alive tests. Unlike `ws_client`, a read
// whose deadline passes is not an error and does not close the socket: the
// read stays outstanding (Beast keeps answering the server's pings while it
// is) and the next `read_text` picks it up.
#pragma once

#include "tests/support/wait.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace nexus::test {

/// One client connection to 127.0.0.1 that may stay silent.
class idle_ws_client {
public:
  /// Connects and upgrades on `target`; throws `std::runtime_error` when
  /// that fails.
  explicit idle_ws_client(std::uint16_t port, std::string target = "/ws",
                          millis deadline = 5s);
  ~idle_ws_client();

  idle_ws_client(idle_ws_client const&) = delete;
  idle_ws_client& operator=(idle_ws_client const&) = delete;

  /// Waits up to `deadline` for the next message. Returns it, or nullopt
  /// when the deadline passed first (the read stays outstanding). Throws
  /// `std::runtime_error` when the connection failed or was closed.
  std::optional<std::string> read_text(millis deadline);

  /// Sends one text message while a read may be outstanding; throws on
  /// failure or when `deadline` passes.
  void send_text(std::string const& text, millis deadline = 5s);

  /// Number of ping frames received (and answered by Beast) so far.
  int pings_received() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace nexus::test
