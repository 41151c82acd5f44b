// One upgraded WebSocket connection: negotiates the subprotocol, reads
// messages into a size-limited buffer and hands each to the inbound sink,
// and writes queued frames one at a time. Beast-shaped: a strand per
// connection, do_x/on_x pairs, one read and one write in flight, one fail().
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <optional>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "net/hooks.hpp"
#include "net/session_stream.hpp"

namespace nexus::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

/// An upgraded connection. Lives while a read, a write or a posted call
/// holds it; `outbound` handles only hold a weak reference.
class websocket_session
  : public std::enable_shared_from_this<websocket_session> {
public:
  using request_type = http::request<http::string_body>;

  websocket_session(beast::tcp_stream&& stream,
                    std::shared_ptr<const listener_options> opts,
                    std::shared_ptr<const server_hooks> hooks);
  ~websocket_session();

  /// Completes the upgrade answering `req`, then starts reading.
  void run(request_type req);

  /// Any thread: queue a frame (posted onto the strand).
  void send(frame_ptr frame);

  /// Any thread: close with `code` once the queue has drained.
  void close(uint16_t code, std::string reason);

  /// Any thread: one inbound frame was handled; may resume reading.
  void frame_done();

private:
  void on_send(frame_ptr frame);
  void start_close(uint16_t code, std::string reason);
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void do_close();
  void on_close(beast::error_code ec);
  void arm_close_deadline();
  void resume_reading();
  void hold_while_paused();
  void release_pause_hold();
  void fail(beast::error_code ec, const char* what);
  upgrade_request describe(const request_type& req) const;

  websocket::stream<session_stream> ws_;
  beast::flat_buffer buffer_;
  std::shared_ptr<const listener_options> opts_;
  std::shared_ptr<const server_hooks> hooks_;
  std::unique_ptr<inbound_sink> sink_;
  upgrade_request info_;
  std::deque<frame_ptr> queue_;
  uint64_t queued_bytes_ = 0;
  bool writing_ = false;
  bool open_ = false;
  bool read_ended_ = false;
  std::optional<websocket::close_reason> close_;
  bool close_started_ = false;
  asio::steady_timer close_deadline_;
  std::atomic<uint32_t> pending_frames_{0};
  std::atomic<bool> paused_{false};
  /// While paused no read holds the session: a wait on this timer does,
  /// until it resumes or closes (the actor always acks or closes, see
  /// connection_state). Being a pending operation, it is released when
  /// the io_context goes away, so no reference cycle can outlive it.
  asio::steady_timer pause_hold_;
};

/// Creates the outbound handle of `session` (weak reference).
std::shared_ptr<outbound>
make_outbound(const std::shared_ptr<websocket_session>& session);

} // namespace nexus::net
