// Reads HTTP requests on a fresh connection (after the TLS handshake on a
// TLS listener) under one deadline and a header limit, answers /healthz,
// /readyz, /metrics and errors itself, checks and admits an upgrade on /ws
// and hands it to a websocket_session. One template serves plain and TLS
// streams; http_session.cpp instantiates it for both.
#pragma once

#include <memory>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/hooks.hpp"
#include "net/session_stream.hpp"
#include "net/tls_stream.hpp"

namespace nexus::net {

namespace beast = boost::beast;
namespace http = beast::http;

/// One connection until it upgrades or closes. `Stream` is
/// `session_stream` (plain) or `tls_stream`.
template <class Stream>
class http_session
  : public std::enable_shared_from_this<http_session<Stream>> {
public:
  http_session(Stream&& stream, std::shared_ptr<const listener_options> opts,
               std::shared_ptr<const server_hooks> hooks);

  /// Arms the handshake deadline and starts on the connection's strand.
  void run();

private:
  using request_type = http::request<http::string_body>;

  void do_handshake();
  void on_handshake(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void route(request_type req);
  void upgrade(request_type req);
  void refuse(handshake_failure why, http::status status,
              std::string body);
  void respond(http::response<http::string_body> res);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void count(handshake_failure why);
  void do_close();
  upgrade_request describe(const request_type& req) const;

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<const listener_options> opts_;
  std::shared_ptr<const server_hooks> hooks_;
  std::shared_ptr<void> response_;
  bool served_ = false;
};

extern template class http_session<session_stream>;
extern template class http_session<tls_stream>;

} // namespace nexus::net
