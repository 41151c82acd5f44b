// Reads HTTP requests on a fresh connection under a deadline and a header
// limit, answers /healthz, /readyz, /metrics and errors itself, and hands
// a valid upgrade on /ws to a websocket_session.
#pragma once

#include <memory>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/hooks.hpp"

namespace nexus::net {

namespace beast = boost::beast;
namespace http = beast::http;

/// One TCP connection until it upgrades or closes.
class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(beast::tcp_stream&& stream,
               std::shared_ptr<const listener_options> opts,
               std::shared_ptr<const server_hooks> hooks);

  /// Starts reading on the connection's strand.
  void run();

private:
  using request_type = http::request<http::string_body>;

  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void route(request_type req);
  void refuse(handshake_failure why, http::status status,
              std::string body);
  void respond(http::response<http::string_body> res);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void count(handshake_failure why);
  void do_close();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<const listener_options> opts_;
  std::shared_ptr<const server_hooks> hooks_;
  std::shared_ptr<void> response_;
  bool served_ = false;
};

} // namespace nexus::net
