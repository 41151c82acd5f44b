// One benchmark WebSocket connection: connects and upgrades (with retries),
// then sends heartbeats closed-loop (a window in flight) or open-loop (at
// scheduled times) and times each answer from its scheduled send time.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "histogram.hpp"
#include "options.hpp"
#include "wire.hpp"

namespace nexus::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
using bench_clock = std::chrono::steady_clock;

/// Largest message accepted from the server.
constexpr size_t max_message_bytes = 1 << 20;

/// Bytes asked for by one read.
constexpr size_t read_chunk = 64 * 1024;

/// Counters of one worker thread; merged after the run.
struct worker_stats {
  histogram latency;       ///< requests scheduled inside the window
  uint64_t completed = 0;  ///< answers received inside the window
  uint64_t errors = 0;     ///< error replies to requests in the window
  uint64_t lost = 0;       ///< requests never answered (after the drain)
  uint64_t dropped = 0;    ///< connections that broke during the run
  uint64_t unmatched = 0;  ///< messages that answer none of our requests
  uint64_t answered = 0;   ///< all answers, warm-up and drain included
  std::string first_error; ///< why the first connection broke, if any
};

/// The timeline of the run, fixed before the first request.
struct run_clock {
  bench_clock::time_point start;         ///< first request
  bench_clock::time_point measure_begin; ///< end of the warm-up
  bench_clock::time_point measure_end;   ///< no request is sent after it
};

/// A client connection; lives on exactly one io_context (one thread).
/// Beast does the TCP stream and the HTTP upgrade; the frames are our own
/// (wire.hpp) so that one read handles every buffered answer and one write
/// carries every queued request.
class client : public std::enable_shared_from_this<client> {
public:
  /// Called once when connecting ends: an empty string means success.
  using connect_handler = std::function<void(std::string)>;

  client(asio::io_context& ioc, const bench_options& opts, uint32_t id,
         asio::ip::tcp::endpoint target,
         std::optional<asio::ip::address> source, worker_stats& stats);

  /// Connects and upgrades, retrying refused attempts until a deadline.
  void connect(connect_handler done);

  /// Fixes the timeline; nothing is sent before the first release().
  void start(const run_clock& clock);

  /// Sends what is due at `now`: the first call fills the closed-loop
  /// window; in the open loop, every request scheduled up to `now`.
  void release(bench_clock::time_point now);

  /// Counts unanswered requests as lost and closes the WebSocket.
  void stop();

  /// Requests sent or queued and not answered yet.
  size_t pending() const { return broken_ ? 0 : inflight_.size(); }

private:
  using response_parser = beast::http::response_parser<beast::http::empty_body>;

  void do_connect();
  void on_connect(beast::error_code ec);
  void on_upgrade_sent(beast::error_code ec);
  void on_upgrade(beast::error_code ec);
  void retry_or_give_up(beast::error_code ec, const std::string& what);
  void do_read();
  void on_read(beast::error_code ec, size_t bytes);
  bool handle_frames();
  bool handle_frame(const frame_view& f, bench_clock::time_point now);
  void on_message(std::string_view text, bench_clock::time_point now);
  void enqueue(bench_clock::time_point scheduled);
  void do_write();
  void on_write(beast::error_code ec);
  uint32_t next_mask();
  void fail(beast::error_code ec, const std::string& what);
  bool in_window(bench_clock::time_point t) const;

  asio::io_context& ioc_;
  const bench_options& opts_;
  uint32_t id_;
  asio::ip::tcp::endpoint target_;
  std::optional<asio::ip::address> source_;
  worker_stats& stats_;
  std::optional<beast::tcp_stream> stream_;
  std::optional<response_parser> parser_;
  beast::flat_buffer read_buf_;
  std::string fragments_; ///< a message split over several frames
  std::string write_buf_; ///< frames of the write in flight
  std::string frame_buf_; ///< one request's JSON while encoding
  std::string control_;   ///< pong or close frames waiting for a write
  uint32_t mask_state_;
  asio::steady_timer timer_; ///< connect retries
  connect_handler on_connected_;
  bench_clock::time_point connect_deadline_;
  unsigned attempts_ = 0;
  run_clock clock_{};
  bool running_ = false;
  bool stopping_ = false;
  bool writing_ = false;
  bool broken_ = false;
  uint64_t next_seq_ = 0;
  double next_offset_ns_ = 0; ///< open loop: next send, ns after start
  double interval_ns_ = 0;    ///< open loop: ns between two sends
  std::unordered_map<uint64_t, bench_clock::time_point> inflight_;
  std::deque<uint64_t> send_queue_;
};

} // namespace nexus::bench
