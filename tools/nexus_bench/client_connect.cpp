// Connecting a benchmark client: TCP connect (bound to its source address)
// and the HTTP upgrade through Beast, retried with back-off until a
// deadline, so that a server limiting handshakes per second is waited for.
#include "client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace nexus::bench {

namespace http = beast::http;
using namespace std::chrono_literals;

namespace {

/// Give up connecting this long after the first attempt.
constexpr auto connect_budget = 30s;

/// Connect plus upgrade timeout of one attempt.
constexpr auto attempt_timeout = 5s;

/// The upgrade request (RFC 6455 §4.1). The key is the RFC's sample: a
/// load generator has no use for a fresh nonce.
std::string upgrade_request(const bench_options& o) {
  std::string req = "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" +
                    std::to_string(o.port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\nUser-Agent: nexus-bench\r\n";
  if (o.subprotocol != "none")
    req += "Sec-WebSocket-Protocol: " + o.subprotocol + "\r\n";
  return req + "\r\n";
}

} // namespace

client::client(asio::io_context& ioc, const bench_options& opts, uint32_t id,
               asio::ip::tcp::endpoint target,
               std::optional<asio::ip::address> source, worker_stats& stats)
    : ioc_(ioc), opts_(opts), id_(id), target_(target), source_(source),
      stats_(stats), read_buf_(max_message_bytes + 2 * read_chunk),
      mask_state_((0x9e3779b9u ^ (id * 2654435761u)) | 1u), timer_(ioc) {
  // nop
}

void client::connect(connect_handler done) {
  on_connected_ = std::move(done);
  connect_deadline_ = bench_clock::now() + connect_budget;
  do_connect();
}

void client::do_connect() {
  ++attempts_;
  stream_.emplace(ioc_);
  parser_.emplace();
  read_buf_.clear();
  auto& sock = stream_->socket();
  beast::error_code ec;
  sock.open(target_.protocol(), ec);
  if (!ec && source_) {
    // Choose the port at connect() time, per destination: without this a
    // bound source address runs out of ports after ~28k sockets in total.
    int one = 1;
    ::setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT,
                 &one, sizeof(one));
    sock.bind(asio::ip::tcp::endpoint{*source_, 0}, ec);
  }
  if (ec)
    return retry_or_give_up(ec, "bind");
  stream_->expires_after(attempt_timeout);
  stream_->async_connect(target_,
                         [self = shared_from_this()](beast::error_code ec) {
                           self->on_connect(ec);
                         });
}

void client::on_connect(beast::error_code ec) {
  if (ec)
    return retry_or_give_up(ec, "connect");
  stream_->socket().set_option(asio::ip::tcp::no_delay(true), ec);
  write_buf_ = upgrade_request(opts_);
  asio::async_write(*stream_, asio::buffer(write_buf_),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->on_upgrade_sent(ec);
                    });
}

void client::on_upgrade_sent(beast::error_code ec) {
  if (ec)
    return retry_or_give_up(ec, "upgrade");
  http::async_read(*stream_, read_buf_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     self->on_upgrade(ec);
                   });
}

void client::on_upgrade(beast::error_code ec) {
  if (ec)
    return retry_or_give_up(ec, "upgrade");
  auto status = parser_->get().result_int();
  if (status != 101)
    return retry_or_give_up({},
                            "upgrade answered HTTP " + std::to_string(status));
  stream_->expires_never();
  auto done = std::move(on_connected_);
  done(std::string{});
  // Bytes after the 101 answer (a connection.established) are frames.
  if (handle_frames())
    do_read();
}

void client::retry_or_give_up(beast::error_code ec, const std::string& what) {
  auto delay = std::min<bench_clock::duration>(50ms * attempts_, 1s);
  if (stopping_ || bench_clock::now() + delay >= connect_deadline_) {
    broken_ = true;
    auto done = std::move(on_connected_);
    done(ec ? what + ": " + ec.message() : what);
    return;
  }
  timer_.expires_after(delay);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && !self->stopping_)
      self->do_connect();
  });
}

} // namespace nexus::bench
