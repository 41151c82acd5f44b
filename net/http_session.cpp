// HTTP side of a connection: the upgrade gate and the plain endpoints.
#include "net/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "metrics/registry.hpp"
#include "net/query.hpp"
#include "net/websocket_session.hpp"

namespace nexus::net {

namespace {

/// Plain requests carry no meaningful body; refuse anything larger.
constexpr std::size_t max_body_bytes = 16 * 1024;

} // namespace

const std::vector<std::string>& handshake_failure_names() {
  static const std::vector<std::string> names{
    "timeout",  "header_too_large", "bad_request", "not_upgrade",
    "not_found", "draining",        "io_error"};
  return names;
}

http_session::http_session(beast::tcp_stream&& stream,
                           std::shared_ptr<const listener_options> opts,
                           std::shared_ptr<const server_hooks> hooks)
  : stream_(std::move(stream)),
    opts_(std::move(opts)),
    hooks_(std::move(hooks)) {
}

void http_session::run() {
  boost::asio::dispatch(stream_.get_executor(),
                        beast::bind_front_handler(&http_session::do_read,
                                                  shared_from_this()));
}

void http_session::do_read() {
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(opts_->max_header_bytes));
  parser_->body_limit(max_body_bytes);
  stream_.expires_after(opts_->handshake_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read,
                                             shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream || ec == boost::asio::error::eof) {
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
  if (ec) {
    if (ec == boost::asio::error::connection_reset)
      return count(handshake_failure::io_error);
    return refuse(handshake_failure::bad_request, http::status::bad_request,
                  "bad request\n");
  }
  route(parser_->release());
}

void http_session::route(request_type req) {
  auto path = target_path(req.target());
  if (path == "/ws") {
    if (!beast::websocket::is_upgrade(req))
      return refuse(handshake_failure::not_upgrade,
                    http::status::upgrade_required,
                    "this endpoint speaks WebSocket only\n");
    if (hooks_->accepting && !hooks_->accepting())
      return refuse(handshake_failure::draining,
                    http::status::service_unavailable, "draining\n");
    spdlog::debug("upgrade {} on {}", redact_target(req.target()),
                  opts_->name);
    std::make_shared<websocket_session>(std::move(stream_), opts_, hooks_)
      ->run(std::move(req));
    return;
  }
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

void http_session::refuse(handshake_failure why, http::status status,
                          std::string body) {
  count(why);
  http::response<http::string_body> res{status, 11};
  res.set(http::field::server, "nexus");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  if (status == http::status::upgrade_required) {
    res.set(http::field::upgrade, "websocket");
    res.set(http::field::connection, "Upgrade");
  }
  res.keep_alive(false);
  res.body() = std::move(body);
  res.prepare_payload();
  respond(std::move(res));
}

void http_session::respond(http::response<http::string_body> res) {
  auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
  response_ = sp;
  bool keep_alive = sp->keep_alive();
  http::async_write(stream_, *sp,
                    beast::bind_front_handler(&http_session::on_write,
                                              shared_from_this(), keep_alive));
}

void http_session::on_write(bool keep_alive, beast::error_code ec,
                            std::size_t) {
  response_.reset();
  if (ec)
    return;
  if (!keep_alive)
    return do_close();
  do_read();
}

void http_session::count(handshake_failure why) {
  if (hooks_->handshake_failures)
    hooks_->handshake_failures->add(static_cast<std::size_t>(why));
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
}

} // namespace nexus::net
