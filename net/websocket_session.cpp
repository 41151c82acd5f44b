// WebSocket session: upgrade, read loop with an inbound window, bounded
// priority write queue with a stall deadline, orderly close with a
// deadline.
#include "net/websocket_session.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "metrics/registry.hpp"
#include "net/session_outbound.hpp"

namespace nexus::net {

namespace {

/// Close code for a client that does not read fast enough (PROTOCOL §5).
constexpr uint16_t slow_consumer_code = 4008;

} // namespace

template <class Stream>
websocket_session<Stream>::websocket_session(
  Stream&& stream, std::shared_ptr<const listener_options> opts,
  std::shared_ptr<const server_hooks> hooks, upgrade_request info,
  std::shared_ptr<void> ticket)
  : ticket_(std::move(ticket)),
    ws_(std::move(stream)),
    // Slack over the message limit so Beast reports message_too_big (and
    // closes with 1009) before the buffer itself overflows.
    buffer_(opts->max_message_bytes + 4096),
    opts_(std::move(opts)),
    hooks_(std::move(hooks)),
    info_(std::move(info)),
    stall_timer_(ws_.get_executor()),
    close_deadline_(ws_.get_executor()),
    pause_hold_(ws_.get_executor()) {
  if (hooks_->sessions)
    hooks_->sessions->add(std::size_t{0}, 1);
}

template <class Stream>
websocket_session<Stream>::~websocket_session() {
  if (hooks_->sessions)
    hooks_->sessions->add(std::size_t{0}, -1);
}

template <class Stream>
void websocket_session<Stream>::run(request_type req) {
  beast::get_lowest_layer(ws_).expires_never();
  // Beast pings after half the idle timeout without traffic and closes
  // after the whole: ping every interval, close after two silent ones.
  websocket::stream_base::timeout t;
  t.handshake_timeout = opts_->handshake_timeout;
  t.idle_timeout = 2 * opts_->ping_interval;
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.set_option(websocket::stream_base::decorator(
    [proto = info_.subprotocol](websocket::response_type& res) {
      res.set(http::field::server, "nexus");
      if (!proto.empty())
        res.set(http::field::sec_websocket_protocol, proto);
    }));
  ws_.read_message_max(opts_->max_message_bytes);
  ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept,
                                                  this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_accept(beast::error_code ec) {
  if (ec) {
    if (hooks_->handshake_failures)
      hooks_->handshake_failures->add(
        static_cast<std::size_t>(handshake_failure::bad_request));
    return fail(ec, "accept");
  }
  open_ = true;
  if (hooks_->accepting && !hooks_->accepting())
    return start_close(websocket::close_code::going_away,
                       "server shutting down");
  sink_ = hooks_->on_upgrade(
    info_, std::make_shared<session_outbound<websocket_session>>(
             this->weak_from_this()));
  if (!sink_)
    return start_close(websocket::close_code::internal_error, "");
  do_read();
}

template <class Stream>
void websocket_session<Stream>::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&websocket_session::on_read,
                                                    this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    read_ended_ = true;
    return fail(ec, "read");
  }
  auto text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  auto pending = pending_frames_.fetch_add(1) + 1;
  sink_->on_frame(std::move(text));
  if (pending < opts_->inbound_window)
    return do_read();
  // Window full: stop reading until the actor catches up (TCP
  // back-pressure instead of an unbounded mailbox). Re-check after
  // publishing `paused_` so a concurrent frame_done cannot be missed.
  paused_.store(true);
  hold_while_paused();
  resume_reading();
}

template <class Stream>
void websocket_session<Stream>::hold_while_paused() {
  pause_hold_.expires_at(asio::steady_timer::time_point::max());
  pause_hold_.async_wait(
    [self = this->shared_from_this()](beast::error_code) {});
}

template <class Stream>
void websocket_session<Stream>::release_pause_hold() {
  pause_hold_.cancel();
}

template <class Stream>
void websocket_session<Stream>::frame_done() {
  pending_frames_.fetch_sub(1);
  if (paused_.load())
    asio::post(ws_.get_executor(),
               [self = this->shared_from_this()] { self->resume_reading(); });
}

template <class Stream>
void websocket_session<Stream>::resume_reading() {
  if (!paused_.load() || read_ended_)
    return;
  if (pending_frames_.load() >= opts_->inbound_window)
    return;
  paused_.store(false);
  release_pause_hold();
  do_read();
}

template <class Stream>
void websocket_session<Stream>::send(frame_ptr frame, priority p) {
  if (!frame || overflowed_.load(std::memory_order_relaxed))
    return;
  auto size = frame->size();
  auto held = held_bytes_.fetch_add(size, std::memory_order_relaxed) + size;
  if (held > opts_->outbound_queue_bytes) {
    held_bytes_.fetch_sub(size, std::memory_order_relaxed);
    if (!overflowed_.exchange(true))
      asio::post(ws_.get_executor(),
                 [self = this->shared_from_this()] { self->on_overflow(); });
    return;
  }
  asio::post(ws_.get_executor(),
             [self = this->shared_from_this(), f = std::move(frame),
              p]() mutable { self->on_send(std::move(f), p); });
}

template <class Stream>
void websocket_session<Stream>::close(uint16_t code, std::string reason) {
  asio::post(ws_.get_executor(),
             [self = this->shared_from_this(), code,
              r = std::move(reason)]() mutable {
               self->start_close(code, std::move(r));
             });
}

template <class Stream>
void websocket_session<Stream>::on_send(frame_ptr frame, priority p) {
  if (!open_ || close_) {
    held_bytes_.fetch_sub(frame->size(), std::memory_order_relaxed);
    return;
  }
  queue_.push(std::move(frame), p);
  if (!queue_.in_flight())
    do_write();
}

template <class Stream>
void websocket_session<Stream>::on_overflow() {
  if (!open_ || close_)
    return;
  log().warn("slow consumer: {} bytes held, bound {}; closing with {}",
             held_bytes_.load(), opts_->outbound_queue_bytes,
             slow_consumer_code);
  count(forced_close::slow_consumer);
  // Keep only the frame being written; the client recovers by resuming.
  held_bytes_.fetch_sub(queue_.drop_queued());
  start_close(slow_consumer_code, "slow consumer");
}

template <class Stream>
void websocket_session<Stream>::do_write() {
  write_started_ = clock::now();
  if (!stall_armed_)
    arm_stall_timer(write_started_ + opts_->write_stall_timeout);
  ws_.text(true);
  ws_.async_write(asio::buffer(queue_.start_next()),
                  beast::bind_front_handler(&websocket_session::on_write,
                                            this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    held_bytes_.fetch_sub(queue_.clear());
    open_ = false;
    return fail(ec, "write");
  }
  held_bytes_.fetch_sub(queue_.finish_current(), std::memory_order_relaxed);
  if (queue_.has_queued())
    return do_write();
  if (close_ && !close_started_)
    do_close();
}

template <class Stream>
void websocket_session<Stream>::arm_stall_timer(clock::time_point at) {
  stall_armed_ = true;
  stall_timer_.expires_at(at);
  stall_timer_.async_wait([weak = this->weak_from_this()](
                            beast::error_code ec) {
    if (auto self = weak.lock())
      self->on_stall_timer(ec);
  });
}

template <class Stream>
void websocket_session<Stream>::on_stall_timer(beast::error_code ec) {
  stall_armed_ = false;
  if (ec || !open_ || !queue_.in_flight())
    return; // idle: the next write arms the timer again
  auto due = write_started_ + opts_->write_stall_timeout;
  if (clock::now() < due)
    return arm_stall_timer(due);
  log().warn("write stalled: a frame unwritten for {} ms, {} bytes held; "
             "closing without a close handshake",
             opts_->write_stall_timeout.count(), held_bytes_.load());
  count(forced_close::write_stall);
  tear_down();
}

template <class Stream>
void websocket_session<Stream>::start_close(uint16_t code,
                                            std::string reason) {
  if (close_ || !open_ || read_ended_)
    return;
  close_ = websocket::close_reason{static_cast<websocket::close_code>(code),
                                   reason};
  arm_close_deadline();
  if (!queue_.in_flight())
    do_close();
}

template <class Stream>
void websocket_session<Stream>::do_close() {
  close_started_ = true;
  ws_.async_close(*close_,
                  beast::bind_front_handler(&websocket_session::on_close,
                                            this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_close(beast::error_code ec) {
  // Beast has read up to the peer's close frame; a paused session has
  // nothing left to wait for.
  release_pause_hold();
  if (ec)
    fail(ec, "close");
}

template <class Stream>
void websocket_session<Stream>::arm_close_deadline() {
  // A client that never reads would keep a write (and so the close) stuck;
  // after the handshake timeout the socket is closed hard.
  close_deadline_.expires_after(opts_->handshake_timeout);
  close_deadline_.async_wait(
    [weak = this->weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (!ec && self)
        self->tear_down();
    });
}

template <class Stream>
void websocket_session<Stream>::tear_down() {
  // Closing the socket fails every pending operation, which frees the
  // session; a paused one is held by nothing else but pause_hold_.
  open_ = false;
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  close_deadline_.cancel();
  stall_timer_.cancel();
  release_pause_hold();
}

template <class Stream>
void websocket_session<Stream>::count(forced_close why) {
  if (hooks_->forced_closes)
    hooks_->forced_closes->add(static_cast<std::size_t>(why));
}

template <class Stream>
spdlog::logger& websocket_session<Stream>::log() const {
  return sink_ ? sink_->log() : *spdlog::default_logger_raw();
}

template <class Stream>
void websocket_session<Stream>::fail(beast::error_code ec, const char* what) {
  bool expected = ec == websocket::error::closed
                  || ec == asio::error::operation_aborted
                  || ec == beast::error::timeout || ec == asio::error::eof;
  auto level = expected ? spdlog::level::debug : spdlog::level::info;
  if (sink_)
    sink_->log().log(level, "{}: {}", what, ec.message());
  else
    spdlog::log(level, "[{}] {}: {}", info_.remote_address, what,
                ec.message());
  if (read_ended_) {
    close_deadline_.cancel();
    release_pause_hold();
  }
}

template class websocket_session<session_stream>;
template class websocket_session<tls_stream>;

} // namespace nexus::net
