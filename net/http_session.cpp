// HTTP side of a connection: the TLS handshake, the upgrade gate (key
// check, draining, admission) and the plain endpoints.
#include "net/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "metrics/registry.hpp"
#include "net/handshake.hpp"
#include "net/query.hpp"
#include "net/websocket_session.hpp"

namespace nexus::net {

namespace {

/// Plain requests carry no meaningful body; refuse anything larger.
constexpr std::size_t max_body_bytes = 16 * 1024;

/// An error of the TLS layer rather than of TCP or HTTP.
bool is_tls_error(beast::error_code ec) {
  return ec.category() == asio::error::get_ssl_category()
         || ec.category() == asio::ssl::error::get_stream_category();
}

} // namespace

template <class Stream>
http_session<Stream>::http_session(
  Stream&& stream, std::shared_ptr<const listener_options> opts,
  std::shared_ptr<const server_hooks> hooks)
  : stream_(std::move(stream)),
    opts_(std::move(opts)),
    hooks_(std::move(hooks)) {
}

template <class Stream>
void http_session<Stream>::run() {
  // One deadline from accept to a complete request: on a TLS listener the
  // TLS handshake counts against it.
  beast::get_lowest_layer(stream_).expires_after(opts_->handshake_timeout);
  auto self = this->shared_from_this();
  if constexpr (is_tls_v<Stream>)
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&http_session::do_handshake,
                                             std::move(self)));
  else
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&http_session::do_read,
                                             std::move(self)));
}

template <class Stream>
void http_session<Stream>::do_handshake() {
  if constexpr (is_tls_v<Stream>)
    stream_.async_handshake(
      asio::ssl::stream_base::server,
      beast::bind_front_handler(&http_session::on_handshake,
                                this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_handshake(beast::error_code ec) {
  if (!ec)
    return do_read();
  // Scanners and plain-HTTP clients end here; not worth more than debug.
  spdlog::debug("TLS handshake on {}: {}", opts_->name, ec.message());
  count(ec == beast::error::timeout ? handshake_failure::timeout
                                    : handshake_failure::tls);
}

template <class Stream>
void http_session<Stream>::do_read() {
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(opts_->max_header_bytes));
  parser_->body_limit(max_body_bytes);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read,
                                             this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream || ec == asio::error::eof) {
    if (!served_)
      count(handshake_failure::io_error);
    return do_close();
  }
  if (ec == beast::error::timeout) {
    spdlog::debug("handshake timeout on {}", opts_->name);
    return count(handshake_failure::timeout);
  }
  if (ec == http::error::header_limit)
    return refuse(handshake_failure::header_too_large,
                  http::status::request_header_fields_too_large,
                  "request headers too large\n");
  if (ec == asio::error::connection_reset
      || ec == asio::ssl::error::stream_truncated)
    return count(handshake_failure::io_error);
  if (is_tls_error(ec)) {
    spdlog::debug("TLS error on {}: {}", opts_->name, ec.message());
    return count(handshake_failure::tls);
  }
  if (ec)
    return refuse(handshake_failure::bad_request, http::status::bad_request,
                  "bad request\n");
  route(parser_->release());
}

template <class Stream>
void http_session<Stream>::route(request_type req) {
  auto path = target_path(req.target());
  if (path == "/ws")
    return upgrade(std::move(req));
  std::optional<http_answer> answer;
  if (req.method() == http::verb::get || req.method() == http::verb::head)
    answer = hooks_->on_http ? hooks_->on_http(path) : std::nullopt;
  if (!answer)
    return refuse(handshake_failure::not_found, http::status::not_found,
                  "not found\n");
  http::response<http::string_body> res{
    static_cast<http::status>(answer->status), req.version()};
  res.set(http::field::server, "nexus");
  res.set(http::field::content_type, answer->content_type);
  res.keep_alive(req.keep_alive());
  if (req.method() != http::verb::head)
    res.body() = std::move(answer->body);
  res.prepare_payload();
  served_ = true;
  respond(std::move(res));
}

template <class Stream>
void http_session<Stream>::upgrade(request_type req) {
  if (!beast::websocket::is_upgrade(req))
    return refuse(handshake_failure::not_upgrade,
                  http::status::upgrade_required,
                  "this endpoint speaks WebSocket only\n");
  // Before anything else about the upgrade: Beast 1.81 takes any key of
  // at most 24 characters (PITFALLS).
  if (!valid_websocket_key(req[http::field::sec_websocket_key]))
    return refuse(handshake_failure::bad_request, http::status::bad_request,
                  "bad Sec-WebSocket-Key\n");
  if (hooks_->accepting && !hooks_->accepting())
    return refuse(handshake_failure::draining,
                  http::status::service_unavailable, "draining\n");
  auto info = describe(req);
  std::shared_ptr<void> ticket;
  if (hooks_->admit) {
    auto verdict = hooks_->admit(info);
    if (auto status = verdict.refuse_status; status != 0) {
      verdict.ticket.reset(); // before the answer can reach the client
      if (status < 400 || status > 599) {
        spdlog::warn("admission on {} refused with status {}; answering 500",
                     opts_->name, status);
        status = 500;
      }
      return refuse(refusal_reason(status), static_cast<http::status>(status),
                    verdict.reason + "\n");
    }
    ticket = std::move(verdict.ticket);
  }
  spdlog::debug("upgrade {} on {}", info.target_redacted, opts_->name);
  std::make_shared<websocket_session<Stream>>(std::move(stream_), opts_, hooks_,
                                              std::move(info),
                                              std::move(ticket))
    ->run(std::move(req));
}

template <class Stream>
void http_session<Stream>::refuse(handshake_failure why, http::status status,
                                  std::string body) {
  count(why);
  http::response<http::string_body> res{status, 11};
  res.set(http::field::server, "nexus");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  if (status == http::status::upgrade_required) {
    res.set(http::field::upgrade, "websocket");
    res.set(http::field::connection, "Upgrade");
  }
  if (status == http::status::unauthorized)
    res.set(http::field::www_authenticate, "Bearer");
  res.keep_alive(false);
  res.body() = std::move(body);
  res.prepare_payload();
  respond(std::move(res));
}

template <class Stream>
void http_session<Stream>::respond(http::response<http::string_body> res) {
  auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
  response_ = sp;
  bool keep_alive = sp->keep_alive();
  http::async_write(stream_, *sp,
                    beast::bind_front_handler(&http_session::on_write,
                                              this->shared_from_this(),
                                              keep_alive));
}

template <class Stream>
void http_session<Stream>::on_write(bool keep_alive, beast::error_code ec,
                                    std::size_t) {
  response_.reset();
  if (ec)
    return;
  if (!keep_alive)
    return do_close();
  beast::get_lowest_layer(stream_).expires_after(opts_->handshake_timeout);
  do_read();
}

template <class Stream>
void http_session<Stream>::count(handshake_failure why) {
  if (hooks_->handshake_failures)
    hooks_->handshake_failures->add(static_cast<std::size_t>(why));
}

template <class Stream>
void http_session<Stream>::do_close() {
  if constexpr (is_tls_v<Stream>) {
    // close_notify, then the TCP teardown, within the teardown deadline.
    async_teardown(beast::role_type::server, stream_,
                   [self = this->shared_from_this()](beast::error_code) {});
  } else {
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  }
}

template <class Stream>
upgrade_request
http_session<Stream>::describe(const request_type& req) const {
  upgrade_request out;
  out.target_redacted = redact_target(req.target());
  out.query = parse_query(req.target());
  out.authorization = std::string{req[http::field::authorization]};
  out.origin = std::string{req[http::field::origin]};
  out.host = std::string{req[http::field::host]};
  out.secure = is_tls_v<Stream>;
  out.subprotocol = select_subprotocol(
    req[http::field::sec_websocket_protocol], opts_->subprotocols);
  out.listener = opts_->name;
  beast::error_code ec;
  auto& sock = beast::get_lowest_layer(stream_).socket();
  auto remote = sock.remote_endpoint(ec);
  if (!ec) {
    out.remote_address = remote.address().to_string();
    out.remote_port = remote.port();
  }
  auto local = sock.local_endpoint(ec);
  if (!ec)
    out.local_port = local.port();
  return out;
}

template class http_session<session_stream>;
template class http_session<tls_stream>;

} // namespace nexus::net
