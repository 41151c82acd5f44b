// The plain TCP stream under every ws:// session, with our own teardown.
// Beast 1.81's teardown for TCP sockets stops reading after the first chunk
// it drains (it tests a stale `bytes_transferred`) and closes the socket
// while the peer may still be sending, so the peer gets a reset instead of
// our close frame; and after a protocol violation (e.g. 1009) Beast does
// not re-arm its timer, so a silent peer kept the socket for a whole idle
// interval. Our teardown, found by argument-dependent lookup, shuts down
// our send side, discards what the peer still sends until it closes, and
// gives up after `teardown_timeout`. tls_stream.hpp reuses it after the
// TLS shutdown.
#pragma once

#include <array>
#include <chrono>
#include <memory>

#include <boost/asio/compose.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/core/role.hpp>

namespace nexus::net {

namespace beast = boost::beast;

/// A `beast::tcp_stream` that carries the teardown deadline.
class session_stream : public beast::tcp_stream {
public:
  session_stream(beast::tcp_stream&& s, std::chrono::milliseconds timeout)
    : beast::tcp_stream(std::move(s)), teardown_timeout(timeout) {}

  /// Longest wait for the peer's EOF once our close frame is out.
  std::chrono::milliseconds teardown_timeout;
};

/// The TCP part of a teardown as a composed operation: shut down our send
/// side (server role), read and discard until EOF, error or `deadline`,
/// then close the socket.
class tcp_teardown_op {
public:
  tcp_teardown_op(beast::role_type role, beast::tcp_stream& s,
                  std::chrono::steady_clock::time_point deadline)
    : role_(role),
      s_(s),
      deadline_(deadline),
      buf_(std::make_unique<std::array<char, 2048>>()) {}

  template <class Self>
  void operator()(Self& self, beast::error_code ec = {}, std::size_t = 0) {
    if (!started_) {
      started_ = true;
      if (role_ == beast::role_type::server)
        s_.socket().shutdown(boost::asio::socket_base::shutdown_send, ec);
      s_.expires_at(deadline_);
    } else if (ec) {
      beast::error_code ignored;
      s_.socket().close(ignored);
      return self.complete(ec == boost::asio::error::eof ? beast::error_code{}
                                                         : ec);
    }
    s_.async_read_some(boost::asio::buffer(*buf_), std::move(self));
  }

private:
  beast::role_type role_;
  beast::tcp_stream& s_;
  std::chrono::steady_clock::time_point deadline_;
  std::unique_ptr<std::array<char, 2048>> buf_;
  bool started_ = false;
};

/// Found by Beast's websocket stream through ADL (see file comment).
template <class TeardownHandler>
void async_teardown(beast::role_type role, session_stream& s,
                    TeardownHandler&& handler) {
  boost::asio::async_compose<TeardownHandler, void(beast::error_code)>(
    tcp_teardown_op{role, s,
                    std::chrono::steady_clock::now() + s.teardown_timeout},
    handler, s);
}

/// Synchronous variant (unused by Nexus; required by the concept).
void teardown(beast::role_type role, session_stream& s,
              beast::error_code& ec);

} // namespace nexus::net
