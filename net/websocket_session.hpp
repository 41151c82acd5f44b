// One upgraded WebSocket connection: completes the upgrade, reads messages
// into a size-limited buffer and hands each to the inbound sink, and writes
// queued frames one at a time, replies ahead of events, under a bound and
// a per-frame stall deadline. Beast-shaped: a strand per connection,
// do_x/on_x pairs, one read and one write in flight, one fail(). One
// template serves plain and TLS streams; the .cpp instantiates both.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "net/hooks.hpp"
#include "net/session_stream.hpp"
#include "net/tls_stream.hpp"
#include "net/write_queue.hpp"

namespace nexus::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

/// An upgraded connection. Lives while a read, a write or a posted call
/// holds it; `outbound` handles only hold a weak reference.
template <class Stream>
class websocket_session
  : public std::enable_shared_from_this<websocket_session<Stream>> {
public:
  using request_type = http::request<http::string_body>;

  /// `info` describes the upgrade request; `ticket` (from admission) is
  /// released only after the socket is closed.
  websocket_session(Stream&& stream,
                    std::shared_ptr<const listener_options> opts,
                    std::shared_ptr<const server_hooks> hooks,
                    upgrade_request info, std::shared_ptr<void> ticket);
  ~websocket_session();

  /// Completes the upgrade answering `req`, then starts reading.
  void run(request_type req);

  /// Any thread: queue a frame (counted now, posted onto the strand).
  void send(frame_ptr frame, priority p);

  /// Any thread: close with `code` once the queue has drained.
  void close(uint16_t code, std::string reason);

  /// Any thread: one inbound frame was handled; may resume reading.
  void frame_done();

private:
  using clock = std::chrono::steady_clock;

  void on_send(frame_ptr frame, priority p);
  void on_overflow();
  void start_close(uint16_t code, std::string reason);
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void arm_stall_timer(clock::time_point at);
  void on_stall_timer(beast::error_code ec);
  void do_close();
  void on_close(beast::error_code ec);
  void arm_close_deadline();
  void tear_down();
  void resume_reading();
  void hold_while_paused();
  void release_pause_hold();
  void count(forced_close why);
  void fail(beast::error_code ec, const char* what);
  spdlog::logger& log() const;

  /// First member, so it is released after the socket (ws_) is closed.
  std::shared_ptr<void> ticket_;
  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  std::shared_ptr<const listener_options> opts_;
  std::shared_ptr<const server_hooks> hooks_;
  std::unique_ptr<inbound_sink> sink_;
  upgrade_request info_;
  write_queue queue_;
  /// Bytes of frames accepted by send() and not yet written or dropped:
  /// posted, queued or in flight. Checked against outbound_queue_bytes
  /// by the sending thread, so frames posted faster than the strand takes
  /// them are bounded too.
  std::atomic<uint64_t> held_bytes_{0};
  std::atomic<bool> overflowed_{false};
  bool open_ = false;
  bool read_ended_ = false;
  std::optional<websocket::close_reason> close_;
  bool close_started_ = false;
  /// When the frame in flight began. Arming a timer per frame would cost
  /// the write path a timer-queue update each; instead one timer, armed
  /// when a write starts and none is pending, fires and compares: stalled,
  /// or re-armed for the current frame's own deadline. Detection is
  /// exact, and a busy session wakes about once per write_stall_timeout.
  clock::time_point write_started_;
  asio::steady_timer stall_timer_;
  bool stall_armed_ = false;
  asio::steady_timer close_deadline_;
  std::atomic<uint32_t> pending_frames_{0};
  std::atomic<bool> paused_{false};
  /// While paused no read holds the session: a wait on this timer does,
  /// until it resumes or closes (the actor always acks or closes, see
  /// connection_state). Being a pending operation, it is released when
  /// the io_context goes away, so no reference cycle can outlive it.
  asio::steady_timer pause_hold_;
};

extern template class websocket_session<session_stream>;
extern template class websocket_session<tls_stream>;

} // namespace nexus::net
