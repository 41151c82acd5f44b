// The benchmark connection: connect/upgrade with retries, a read loop that
// matches answers by request id, a one-at-a-time write queue and, for the
// open loop, a timer that releases requests at their scheduled times.
#include "client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

#include <boost/asio/buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "wire.hpp"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace nexus::bench {

namespace websocket = beast::websocket;
using namespace std::chrono_literals;

namespace {

/// Give up connecting this long after the first attempt.
constexpr auto connect_budget = 30s;

/// Handshake (and close) timeout of one attempt.
constexpr auto attempt_timeout = 5s;

/// Largest message we accept from the server.
constexpr size_t max_message_bytes = 1 << 20;

int64_t unix_ms() {
  using namespace std::chrono;
  auto now = system_clock::now().time_since_epoch();
  return duration_cast<milliseconds>(now).count();
}

} // namespace

client::client(asio::io_context& ioc, const bench_options& opts, uint32_t id,
               asio::ip::tcp::endpoint target,
               std::optional<asio::ip::address> source, worker_stats& stats)
    : ioc_(ioc), opts_(opts), id_(id), target_(target), source_(source),
      stats_(stats), read_buf_(max_message_bytes + 4096), timer_(ioc) {
  // nop
}

void client::connect(connect_handler done) {
  on_connected_ = std::move(done);
  connect_deadline_ = bench_clock::now() + connect_budget;
  do_connect();
}

void client::do_connect() {
  ++attempts_;
  ws_.emplace(ioc_);
  auto& sock = beast::get_lowest_layer(*ws_).socket();
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
  beast::get_lowest_layer(*ws_).expires_after(attempt_timeout);
  beast::get_lowest_layer(*ws_).async_connect(
      target_, [self = shared_from_this()](beast::error_code ec) {
        self->on_connect(ec);
      });
}

void client::on_connect(beast::error_code ec) {
  if (ec)
    return retry_or_give_up(ec, "connect");
  auto& lowest = beast::get_lowest_layer(*ws_);
  lowest.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  lowest.expires_never();
  ws_->set_option(websocket::stream_base::timeout{
      attempt_timeout, websocket::stream_base::none(), false});
  ws_->set_option(websocket::stream_base::decorator(
      [proto = opts_.subprotocol](websocket::request_type& req) {
        req.set(beast::http::field::user_agent, "nexus-bench");
        if (proto != "none")
          req.set(beast::http::field::sec_websocket_protocol, proto);
      }));
  ws_->read_message_max(max_message_bytes);
  ws_->text(true);
  auto host = opts_.host + ":" + std::to_string(opts_.port);
  ws_->async_handshake(host, opts_.path,
                       [self = shared_from_this()](beast::error_code ec) {
                         self->on_handshake(ec);
                       });
}

void client::on_handshake(beast::error_code ec) {
  if (ec)
    return retry_or_give_up(ec, "handshake");
  auto done = std::move(on_connected_);
  done(std::string{});
  do_read();
}

void client::retry_or_give_up(beast::error_code ec, const char* what) {
  auto delay = std::min<bench_clock::duration>(50ms * attempts_, 1s);
  if (stopping_ || bench_clock::now() + delay >= connect_deadline_) {
    broken_ = true;
    auto done = std::move(on_connected_);
    done(std::string{what} + ": " + ec.message());
    return;
  }
  timer_.expires_after(delay);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && !self->stopping_)
      self->do_connect();
  });
}

void client::start(const run_clock& clock) {
  if (broken_)
    return;
  clock_ = clock;
  running_ = true;
  if (opts_.rate > 0) {
    interval_ns_ = 1e9 * opts_.connections / opts_.rate;
    // Stagger the connections evenly across one interval.
    next_offset_ns_ = interval_ns_ * id_ / opts_.connections;
  }
  schedule_tick();
}

void client::schedule_tick() {
  auto offset = std::chrono::nanoseconds(static_cast<int64_t>(next_offset_ns_));
  auto at = clock_.start + offset;
  if (at >= clock_.measure_end)
    return;
  timer_.expires_at(at);
  timer_.async_wait(
      [self = shared_from_this()](beast::error_code ec) { self->on_tick(ec); });
}

void client::on_tick(beast::error_code ec) {
  if (ec || stopping_ || broken_)
    return;
  auto now = bench_clock::now();
  if (opts_.rate <= 0) {
    for (uint32_t i = 0; i < opts_.window; ++i)
      enqueue(now);
    return;
  }
  // Release every request whose time has come; each keeps its scheduled
  // time, so a late send still counts (no coordinated omission).
  for (;;) {
    auto at = clock_.start +
              std::chrono::nanoseconds(static_cast<int64_t>(next_offset_ns_));
    if (at > now || at >= clock_.measure_end)
      break;
    enqueue(at);
    next_offset_ns_ += interval_ns_;
  }
  schedule_tick();
}

void client::enqueue(bench_clock::time_point scheduled) {
  auto seq = next_seq_++;
  inflight_.emplace(seq, scheduled);
  send_queue_.push_back(seq);
  do_write();
}

void client::do_write() {
  if (writing_ || broken_ || send_queue_.empty())
    return;
  auto seq = send_queue_.front();
  send_queue_.pop_front();
  make_heartbeat(write_buf_, opts_.format, id_, seq, unix_ms());
  writing_ = true;
  ws_->async_write(asio::buffer(write_buf_),
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     self->on_write(ec);
                   });
}

void client::on_write(beast::error_code ec) {
  writing_ = false;
  if (ec)
    return fail(ec, "write");
  do_write();
}

void client::do_read() {
  ws_->async_read(read_buf_, [self = shared_from_this()](beast::error_code ec,
                                                         size_t bytes) {
    self->on_read(ec, bytes);
  });
}

void client::on_read(beast::error_code ec, size_t) {
  if (ec)
    return fail(ec, "read");
  auto data = read_buf_.cdata();
  std::string_view text{static_cast<const char*>(data.data()), data.size()};
  on_reply(text, bench_clock::now());
  read_buf_.consume(read_buf_.size());
  do_read();
}

void client::on_reply(std::string_view text, bench_clock::time_point now) {
  auto info = scan_reply(text, id_);
  auto it = info ? inflight_.find(info->seq) : inflight_.end();
  if (it == inflight_.end()) {
    ++stats_.unmatched; // connection.established, server events, strays
    return;
  }
  auto scheduled = it->second;
  inflight_.erase(it);
  ++stats_.answered;
  if (in_window(scheduled)) {
    auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - scheduled);
    stats_.latency.record(
        static_cast<uint64_t>(std::max<int64_t>(0, ns.count())));
    if (info->error)
      ++stats_.errors;
  }
  if (now >= clock_.measure_begin && now < clock_.measure_end)
    ++stats_.completed;
  if (running_ && opts_.rate <= 0 && now < clock_.measure_end)
    enqueue(now);
}

bool client::in_window(bench_clock::time_point t) const {
  return t >= clock_.measure_begin && t < clock_.measure_end;
}

void client::fail(beast::error_code ec, const char* what) {
  if (stopping_ || broken_)
    return;
  broken_ = true;
  ++stats_.dropped;
  if (stats_.first_error.empty())
    stats_.first_error =
        "connection " + std::to_string(id_) + ": " + what + ": " + ec.message();
}

void client::stop() {
  running_ = false;
  stopping_ = true;
  timer_.cancel();
  for (auto& entry : inflight_)
    if (in_window(entry.second))
      ++stats_.lost;
  inflight_.clear();
  send_queue_.clear();
  if (broken_ || !ws_ || !ws_->is_open())
    return;
  ws_->async_close(websocket::close_code::normal,
                   [self = shared_from_this()](beast::error_code) {});
}

} // namespace nexus::bench
