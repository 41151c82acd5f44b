// Shared pieces of the net tests: a listener on 127.0.0.1:0 with recording
// hooks and its own counters, and a Beast client whose every wait has a
// deadline (async operations on a private io_context, cancelled when the
// deadline passes).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "metrics/registry.hpp"
#include "net/io_runtime.hpp"
#include "net/listener.hpp"

namespace nexus::net_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;
using millis = std::chrono::milliseconds;

/// Shared between the server side hooks and the test body.
struct recorder {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> frames;
  std::shared_ptr<net::outbound> out;
  net::upgrade_request request;

  /// Waits until `pred` (called under the lock) holds, at most `timeout`.
  template <class Pred>
  bool wait(Pred pred, millis timeout = 5s) {
    std::unique_lock<std::mutex> lock{mu};
    return cv.wait_for(lock, timeout, [&] { return pred(); });
  }

  /// The outbound handle of the last upgrade, once there is one.
  std::shared_ptr<net::outbound> outbound(millis timeout = 5s);
};

/// net's counters, registered as the server registers them.
struct counters {
  metrics::family handshake_failures{
    "hf", "", metrics::kind::counter, "reason",
    net::handshake_failure_names()};
  metrics::family forced_closes{"fc", "", metrics::kind::counter, "reason",
                                net::forced_close_names()};
  metrics::family sessions{"s", "", metrics::kind::gauge, "", {}};

  int64_t failed(net::handshake_failure why) const {
    return handshake_failures.value(static_cast<std::size_t>(why));
  }
  int64_t forced(net::forced_close why) const {
    return forced_closes.value(static_cast<std::size_t>(why));
  }
  int64_t open_sessions() const { return sessions.value(std::size_t{0}); }
};

/// One listener on one I/O thread with recording hooks.
struct server {
  /// `customize` may add hooks (e.g. `admit`) before the listener opens.
  explicit server(net::listener_options opts,
                  std::function<void(net::server_hooks&)> customize = {});
  ~server();

  uint16_t port() const { return lst->port(); }

  std::shared_ptr<recorder> rec = std::make_shared<recorder>();
  /// Before `io`: sessions still alive when it stops update the gauge.
  std::shared_ptr<counters> stats = std::make_shared<counters>();
  net::io_runtime io;
  std::shared_ptr<net::listener> lst;
};

/// Runs `ioc` until the operation `start` began completes, or `deadline`
/// passes: then `lowest` is closed (cancelling it) and `timed_out` is
/// returned. `start` receives the completion handler.
template <class Start>
beast::error_code run_op(asio::io_context& ioc, beast::tcp_stream& lowest,
                         millis deadline, Start&& start) {
  bool done = false;
  beast::error_code result;
  start([&](beast::error_code ec, auto&&...) {
    done = true;
    result = ec;
  });
  ioc.restart();
  ioc.run_for(deadline);
  if (done)
    return result;
  lowest.close();
  ioc.restart();
  ioc.run();
  return asio::error::timed_out;
}

/// A plain WebSocket client on 127.0.0.1.
struct client {
  /// Extra request header fields.
  using header_list = std::vector<std::pair<std::string, std::string>>;

  /// Connects and upgrades on `target` offering `offer`; a nonzero
  /// `receive_buffer` fixes SO_RCVBUF first (so little fits in flight).
  client(uint16_t port, std::string offer, int receive_buffer = 0,
         std::string target = "/ws", header_list headers = {});

  /// The next message; throws on error or after `deadline`.
  std::string read(millis deadline = 5s);
  /// The next message, or the error that ended reading.
  beast::error_code read(std::string& out, millis deadline = 5s);
  void write(const std::string& text, millis deadline = 5s);

  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws;
  websocket::response_type res;
};

/// Resident set size of this process in bytes (/proc/self/statm).
std::size_t resident_bytes();

} // namespace nexus::net_test
