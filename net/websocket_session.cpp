// WebSocket session: upgrade, read loop with an inbound window, bounded
// write queue, orderly close with a deadline.
#include "net/websocket_session.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "metrics/registry.hpp"
#include "net/query.hpp"

namespace nexus::net {

namespace {

/// Close code for a client that does not read fast enough (PROTOCOL §5).
constexpr uint16_t slow_consumer_code = 4008;

/// Picks the first subprotocol the client offered that we support.
std::string select_subprotocol(std::string_view offered,
                               const std::vector<std::string>& supported) {
  while (!offered.empty()) {
    auto comma = offered.find(',');
    auto token = offered.substr(0, comma);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
      token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
      token.remove_suffix(1);
    for (auto& s : supported)
      if (token == s)
        return s;
    if (comma == std::string_view::npos)
      break;
    offered.remove_prefix(comma + 1);
  }
  return {};
}

/// The `outbound` handle actors hold: a weak reference to the session.
class session_outbound final : public outbound {
public:
  explicit session_outbound(std::weak_ptr<websocket_session> s)
    : session_(std::move(s)) {}

  void send(frame_ptr frame) override {
    if (auto s = session_.lock())
      s->send(std::move(frame));
  }

  void close(uint16_t code, std::string reason) override {
    if (auto s = session_.lock())
      s->close(code, std::move(reason));
  }

  void frame_done() override {
    if (auto s = session_.lock())
      s->frame_done();
  }

private:
  std::weak_ptr<websocket_session> session_;
};

} // namespace

std::shared_ptr<outbound>
make_outbound(const std::shared_ptr<websocket_session>& session) {
  return std::make_shared<session_outbound>(session);
}

websocket_session::websocket_session(
  beast::tcp_stream&& stream, std::shared_ptr<const listener_options> opts,
  std::shared_ptr<const server_hooks> hooks)
  : ws_(std::move(stream), opts->handshake_timeout),
    // Slack over the message limit so Beast reports message_too_big (and
    // closes with 1009) before the buffer itself overflows.
    buffer_(opts->max_message_bytes + 4096),
    opts_(std::move(opts)),
    hooks_(std::move(hooks)),
    close_deadline_(ws_.get_executor()),
    pause_hold_(ws_.get_executor()) {
  if (hooks_->sessions)
    hooks_->sessions->add(std::size_t{0}, 1);
}

websocket_session::~websocket_session() {
  if (hooks_->sessions)
    hooks_->sessions->add(std::size_t{0}, -1);
}

void websocket_session::run(request_type req) {
  info_ = describe(req);
  info_.subprotocol = select_subprotocol(
    req[http::field::sec_websocket_protocol], opts_->subprotocols);
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
                                                  shared_from_this()));
}

void websocket_session::on_accept(beast::error_code ec) {
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
  sink_ = hooks_->on_upgrade(info_, make_outbound(shared_from_this()));
  if (!sink_)
    return start_close(websocket::close_code::internal_error, "");
  do_read();
}

void websocket_session::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&websocket_session::on_read,
                                                    shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
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

void websocket_session::hold_while_paused() {
  pause_hold_.expires_at(asio::steady_timer::time_point::max());
  pause_hold_.async_wait([self = shared_from_this()](beast::error_code) {});
}

void websocket_session::release_pause_hold() {
  pause_hold_.cancel();
}

void websocket_session::frame_done() {
  pending_frames_.fetch_sub(1);
  if (paused_.load())
    asio::post(ws_.get_executor(),
               [self = shared_from_this()] { self->resume_reading(); });
}

void websocket_session::resume_reading() {
  if (!paused_.load() || read_ended_)
    return;
  if (pending_frames_.load() >= opts_->inbound_window)
    return;
  paused_.store(false);
  release_pause_hold();
  do_read();
}

void websocket_session::send(frame_ptr frame) {
  asio::post(ws_.get_executor(),
             [self = shared_from_this(), f = std::move(frame)]() mutable {
               self->on_send(std::move(f));
             });
}

void websocket_session::close(uint16_t code, std::string reason) {
  asio::post(ws_.get_executor(),
             [self = shared_from_this(), code, r = std::move(reason)]() mutable {
               self->start_close(code, std::move(r));
             });
}

void websocket_session::on_send(frame_ptr frame) {
  if (!open_ || close_)
    return;
  if (queued_bytes_ + frame->size() > opts_->outbound_queue_bytes) {
    sink_->log().warn("slow consumer: {} bytes queued, closing with {}",
                      queued_bytes_, slow_consumer_code);
    // Keep only the frame being written; the client recovers by resuming.
    while (queue_.size() > (writing_ ? 1u : 0u)) {
      queued_bytes_ -= queue_.back()->size();
      queue_.pop_back();
    }
    return start_close(slow_consumer_code, "slow consumer");
  }
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (!writing_)
    do_write();
}

void websocket_session::do_write() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(*queue_.front()),
                  beast::bind_front_handler(&websocket_session::on_write,
                                            shared_from_this()));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    queue_.clear();
    queued_bytes_ = 0;
    return fail(ec, "write");
  }
  queued_bytes_ -= queue_.front()->size();
  queue_.pop_front();
  if (!queue_.empty())
    return do_write();
  if (close_ && !close_started_)
    do_close();
}

void websocket_session::start_close(uint16_t code, std::string reason) {
  if (close_ || !open_ || read_ended_)
    return;
  close_ = websocket::close_reason{static_cast<websocket::close_code>(code),
                                   reason};
  arm_close_deadline();
  if (!writing_)
    do_close();
}

void websocket_session::do_close() {
  close_started_ = true;
  ws_.async_close(*close_, beast::bind_front_handler(
                             &websocket_session::on_close, shared_from_this()));
}

void websocket_session::on_close(beast::error_code ec) {
  // Beast has read up to the peer's close frame; a paused session has
  // nothing left to wait for.
  release_pause_hold();
  if (ec)
    fail(ec, "close");
}

void websocket_session::arm_close_deadline() {
  // A client that never reads would keep a write (and so the close) stuck;
  // after the handshake timeout the socket is closed hard.
  close_deadline_.expires_after(opts_->handshake_timeout);
  close_deadline_.async_wait(
    [weak = weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self)
        return;
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
      self->release_pause_hold();
    });
}

void websocket_session::fail(beast::error_code ec, const char* what) {
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

upgrade_request websocket_session::describe(const request_type& req) const {
  upgrade_request out;
  out.target_redacted = redact_target(req.target());
  out.query = parse_query(req.target());
  out.authorization = std::string{req[http::field::authorization]};
  out.origin = std::string{req[http::field::origin]};
  out.listener = opts_->name;
  beast::error_code ec;
  auto& sock = beast::get_lowest_layer(ws_).socket();
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

} // namespace nexus::net
