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

  /// Binds and listens; returns nullptr and sets `error` on failure.
  static std::shared_ptr<listener> open(io_runtime& io, listener_options opts,
                                        std::shared_ptr<const server_hooks> h,
                                        std::string& error);

  /// The port actually bound (useful with port 0).
  virtual uint16_t port() const = 0;

  /// Starts accepting.
  virtual void run() = 0;

  /// Stops accepting; open sessions are not affected.
  virtual void stop() = 0;
};

} // namespace nexus::net
