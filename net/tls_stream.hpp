// The TLS stream under every wss:// session, and loading a listener's
// certificate. Beast's own TLS teardown has no deadline (a peer that never
// sends close_notify keeps the socket) and ends in the TCP teardown that
// session_stream.hpp replaces. Ours, found by argument-dependent lookup:
// TLS shutdown (close_notify both ways), then the TCP teardown of
// session_stream.hpp, together within `teardown_timeout`.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <type_traits>

#include <boost/asio/compose.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "net/session_stream.hpp"

namespace nexus::net {

namespace asio = boost::asio;

/// Keeps a stream's SSL context alive. A base class of `tls_stream`,
/// listed first, so it is destroyed after the SSL state that uses it.
struct tls_context_holder {
  std::shared_ptr<asio::ssl::context> tls_context;
};

/// `beast::ssl_stream` over TCP that carries the teardown deadline.
class tls_stream : private tls_context_holder,
                   public beast::ssl_stream<beast::tcp_stream> {
public:
  tls_stream(beast::tcp_stream&& s, std::shared_ptr<asio::ssl::context> ctx,
             std::chrono::milliseconds timeout)
    : tls_context_holder{std::move(ctx)},
      beast::ssl_stream<beast::tcp_stream>(std::move(s), *tls_context),
      teardown_timeout(timeout) {}

  /// Longest wait for TLS shutdown and the peer's EOF together.
  std::chrono::milliseconds teardown_timeout;
};

/// True for the stream types that speak TLS.
template <class Stream>
constexpr bool is_tls_v = std::is_same_v<Stream, tls_stream>;

/// A server context for TLS 1.2 and later from a PEM certificate chain
/// and an unencrypted PEM private key. On failure returns nullptr and sets
/// `error` to a message naming the file and the reason.
std::shared_ptr<asio::ssl::context>
load_tls_context(const std::string& cert_file, const std::string& key_file,
                 std::string& error);

/// The TLS teardown as a composed operation (see file comment).
class tls_teardown_op {
public:
  tls_teardown_op(beast::role_type role, tls_stream& s)
    : role_(role),
      s_(s),
      deadline_(std::chrono::steady_clock::now() + s.teardown_timeout) {}

  template <class Self>
  void operator()(Self& self, beast::error_code ec = {}) {
    auto& tcp = beast::get_lowest_layer(s_);
    switch (state_) {
      case state::start:
        state_ = state::tls_shutdown;
        tcp.expires_at(deadline_);
        return s_.async_shutdown(std::move(self));
      case state::tls_shutdown:
        state_ = state::tcp_teardown;
        // A peer that closes without close_notify is common and harmless.
        if (!benign(ec))
          tls_error_ = ec;
        return asio::async_compose<Self, void(beast::error_code)>(
          tcp_teardown_op{role_, tcp, deadline_}, self, tcp);
      case state::tcp_teardown:
        return self.complete(tls_error_ ? tls_error_ : ec);
    }
  }

  /// True for how a TLS shutdown normally ends: done, or the peer closed
  /// (with or without its own close_notify).
  static bool benign(beast::error_code ec);

private:
  enum class state : uint8_t { start, tls_shutdown, tcp_teardown };

  beast::role_type role_;
  tls_stream& s_;
  std::chrono::steady_clock::time_point deadline_;
  beast::error_code tls_error_;
  state state_ = state::start;
};

/// Found by Beast's websocket stream through ADL (see file comment).
template <class TeardownHandler>
void async_teardown(beast::role_type role, tls_stream& s,
                    TeardownHandler&& handler) {
  asio::async_compose<TeardownHandler, void(beast::error_code)>(
    tls_teardown_op{role, s}, handler, s);
}

/// Synchronous variant (unused by Nexus; required by the concept).
void teardown(beast::role_type role, tls_stream& s, beast::error_code& ec);

} // namespace nexus::net
