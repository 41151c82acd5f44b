// Accepts TCP connections on one address and starts an http_session for
// each. Beast-free interface; the Asio types stay in the .cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "net/hooks.hpp"

namespace nexus::net {

class io_runtime;

/// One listening socket. Create with `listener::open`.
class listener {
public:
  virtual ~listener() = default;

  /// Loads the TLS certificate and key when `opts` names them, binds and
  /// listens; returns nullptr and sets `error` on failure (a message naming
  /// the listener and, for TLS, the file that could not be used).
  static std::shared_ptr<listener> open(io_runtime& io, listener_options opts,
                                        std::shared_ptr<const server_hooks> h,
                                        std::string& error);

  /// The port actually bound (useful with port 0).
  virtual uint16_t port() const = 0;

  /// True when the listener speaks TLS (wss://, https://).
  virtual bool secure() const = 0;

  /// Starts accepting.
  virtual void run() = 0;

  /// Stops accepting; open sessions are not affected.
  virtual void stop() = 0;
};

} // namespace nexus::net
