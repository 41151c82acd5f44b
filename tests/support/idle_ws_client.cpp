// Beast implementation of `idle_ws_client`: the tcp_stream never expires
// (an expiry would close the socket); deadlines bound how long the private
// io_context runs instead, so an unfinished read survives them.
#include "tests/support/idle_ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <stdexcept>

namespace nexus::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

struct idle_ws_client::impl {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  bool reading = false;
  bool read_done = false;
  error_code read_ec;
  int pings = 0;

  /// Runs handlers until `done` or `deadline`; true when `done`.
  bool run_until(bool const& done, millis deadline) {
    auto const end = clock_type::now() + deadline;
    ioc.restart();
    for (int steps = 0; !done && steps < 1000000; ++steps) {
      if (clock_type::now() >= end || ioc.run_one_until(end) == 0)
        break;
    }
    return done;
  }

  /// Runs one operation started by `start`; its error, or `timeout`.
  template <class Start>
  error_code run_op(millis deadline, Start start) {
    auto state = std::make_shared<std::pair<bool, error_code>>();
    start([state](error_code ec, std::size_t = 0) {
      *state = {true, ec};
    });
    if (!run_until(state->first, deadline))
      return beast::error::timeout; // cannot complete later: we throw
    return state->second;
  }

  /// Starts a read unless one is outstanding or has an unconsumed result.
  void start_read() {
    if (reading || read_done)
      return;
    reading = true;
    ws.async_read(buffer, [this](error_code ec, std::size_t) {
      read_ec = ec;
      read_done = true;
      reading = false;
    });
  }
};

idle_ws_client::idle_ws_client(std::uint16_t port, std::string target,
                               millis deadline)
  : impl_(std::make_unique<impl>()) {
  auto& ws = impl_->ws;
  tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
  auto ec = impl_->run_op(deadline, [&](auto h) {
    ws.next_layer().async_connect(ep, [h](error_code e) mutable { h(e); });
  });
  auto const host = "127.0.0.1:" + std::to_string(port);
  if (!ec) {
    ec = impl_->run_op(deadline, [&](auto h) {
      ws.async_handshake(host, target, h);
    });
  }
  if (ec)
    throw std::runtime_error("connect/upgrade to port " + std::to_string(port)
                             + ": " + ec.message());
  ws.control_callback(
    [d = impl_.get()](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping)
        ++d->pings;
    });
  ws.text(true);
}

idle_ws_client::~idle_ws_client() = default;

std::optional<std::string> idle_ws_client::read_text(millis deadline) {
  impl_->start_read();
  if (!impl_->run_until(impl_->read_done, deadline))
    return std::nullopt;
  impl_->read_done = false;
  if (impl_->read_ec)
    throw std::runtime_error("read failed: " + impl_->read_ec.message());
  auto text = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  return text;
}

void idle_ws_client::send_text(std::string const& text, millis deadline) {
  auto ec = impl_->run_op(deadline, [&](auto h) {
    impl_->ws.async_write(asio::buffer(text), h);
  });
  if (ec)
    throw std::runtime_error("send failed: " + ec.message());
}

int idle_ws_client::pings_received() const {
  return impl_->pings;
}

} // namespace nexus::test
