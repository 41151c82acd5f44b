// Beast implementation of the blocking test client: each call starts async
// operations on a private io_context and runs it until they complete; the
// tcp_stream expiry turns a passed deadline into an error.
#include "tests/support/ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <functional>
#include <stdexcept>

namespace nexus::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;

struct ws_client::impl {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  std::string subprotocol;
  std::string last_error;
  std::size_t dropped = 0;

  /// Runs the io_context until `done` is true (or it runs out of work).
  void run_until(bool const& done) {
    ioc.restart();
    while (!done && ioc.run_one() > 0) {
    }
  }

  /// Runs one asynchronous operation started by `start` to completion.
  template <class Start>
  error_code run_op(millis deadline, Start start) {
    ws.next_layer().expires_after(deadline);
    error_code result = asio::error::would_block;
    bool done = false;
    start([&](error_code ec, std::size_t = 0) {
      result = ec;
      done = true;
    });
    run_until(done);
    return result;
  }

  /// Remembers `ec` as the last error and returns it.
  error_code note(error_code ec) {
    last_error = ec == beast::error::timeout ? "timeout" : ec.message();
    return ec;
  }

  /// One read: the close code when the server closed, nullopt on a message
  /// (stored in `buffer`) or on another error (`last_error` says which).
  std::optional<std::uint16_t> close_code_of(error_code ec) {
    if (ec == websocket::error::closed)
      return static_cast<std::uint16_t>(ws.reason().code);
    note(ec);
    return std::nullopt;
  }
};

ws_client::ws_client(std::uint16_t port, ws_connect_options opts)
  : impl_(std::make_unique<impl>()) {
  auto& ws = impl_->ws;
  tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
  auto ec = impl_->run_op(opts.deadline, [&](auto h) {
    ws.next_layer().async_connect(ep, [h](error_code e) mutable { h(e); });
  });
  if (ec)
    throw std::runtime_error("connect to port " + std::to_string(port)
                             + ": " + ec.message());
  ws.set_option(websocket::stream_base::decorator(
    [opts](websocket::request_type& req) {
      if (!opts.subprotocol.empty())
        req.set(beast::http::field::sec_websocket_protocol, opts.subprotocol);
      for (auto const& [name, value] : opts.headers)
        req.set(name, value);
    }));
  ws.read_message_max(64 * 1024 * 1024);
  ws.auto_fragment(false);
  ws.text(true);
  websocket::response_type res;
  auto host = "127.0.0.1:" + std::to_string(port);
  ec = impl_->run_op(opts.deadline, [&](auto h) {
    ws.async_handshake(res, host, opts.target, h);
  });
  if (ec)
    throw std::runtime_error("upgrade of " + opts.target + " failed ("
                             + ec.message() + "), HTTP status "
                             + std::to_string(res.result_int()));
  impl_->subprotocol =
    std::string{res[beast::http::field::sec_websocket_protocol]};
}

ws_client::~ws_client() = default;
ws_client::ws_client(ws_client&&) noexcept = default;
ws_client& ws_client::operator=(ws_client&&) noexcept = default;

std::string const& ws_client::accepted_subprotocol() const {
  return impl_->subprotocol;
}

std::string const& ws_client::last_error() const {
  return impl_->last_error;
}

std::size_t ws_client::dropped_messages() const {
  return impl_->dropped;
}

void ws_client::send_text(std::string const& text, millis deadline) {
  auto ec = impl_->run_op(deadline, [&](auto h) {
    impl_->ws.async_write(asio::buffer(text), h);
  });
  if (ec)
    throw std::runtime_error("send failed: " + impl_->note(ec).message());
}

std::string ws_client::read_text(millis deadline) {
  impl_->buffer.clear();
  auto ec = impl_->run_op(deadline, [&](auto h) {
    impl_->ws.async_read(impl_->buffer, h);
  });
  if (ec == websocket::error::closed)
    throw std::runtime_error("server closed the WebSocket with code "
                             + std::to_string(impl_->ws.reason().code));
  if (ec)
    throw std::runtime_error("read failed: " + impl_->note(ec).message());
  return beast::buffers_to_string(impl_->buffer.data());
}

nlohmann::json ws_client::read_json(millis deadline) {
  auto text = read_text(deadline);
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded())
    throw std::runtime_error("server sent a message that is not JSON: "
                             + text.substr(0, 200));
  return parsed;
}

nlohmann::json ws_client::read_reply(std::string const& request_id,
                                     millis deadline, int max_skipped) {
  auto const end = std::chrono::steady_clock::now() + deadline;
  for (int skipped = 0; skipped <= max_skipped; ++skipped) {
    auto left = std::chrono::duration_cast<millis>(
      end - std::chrono::steady_clock::now());
    auto msg = read_json(left < 1ms ? 1ms : left);
    auto it = msg.find("request_id");
    if (it != msg.end() && *it == request_id)
      return msg;
  }
  throw std::runtime_error("no reply with request_id " + request_id);
}

std::optional<std::uint16_t> ws_client::read_close_code(millis deadline) {
  auto const end = std::chrono::steady_clock::now() + deadline;
  impl_->dropped = 0;
  for (int i = 0; i < 100000; ++i) {
    auto left = std::chrono::duration_cast<millis>(
      end - std::chrono::steady_clock::now());
    impl_->buffer.clear();
    auto ec = impl_->run_op(left < 1ms ? 1ms : left, [&](auto h) {
      impl_->ws.async_read(impl_->buffer, h);
    });
    if (ec)
      return impl_->close_code_of(ec);
    ++impl_->dropped;
  }
  impl_->last_error = "too many messages before close";
  return std::nullopt;
}

std::optional<std::uint16_t>
ws_client::send_expect_close(std::string const& text, millis deadline) {
  auto& d = *impl_;
  d.ws.next_layer().expires_after(deadline);
  d.dropped = 0;
  bool write_done = false;
  bool read_done = false;
  error_code read_ec;
  d.ws.async_write(asio::buffer(text),
                   [&](error_code, std::size_t) { write_done = true; });
  std::function<void()> read_next = [&] {
    d.buffer.clear();
    d.ws.async_read(d.buffer, [&](error_code ec, std::size_t) {
      if (!ec && ++d.dropped < 100000)
        return read_next();
      read_ec = ec;
      read_done = true;
    });
  };
  read_next();
  bool both = false;
  d.ioc.restart();
  while (!both && d.ioc.run_one() > 0)
    both = write_done && read_done;
  // The server may close the TCP connection right after its close frame;
  // the failing write then aborts the read that had already received the
  // frame. The code Beast stored is still what the server sent.
  if (read_ec && d.ws.reason().code != websocket::close_code::none)
    return static_cast<std::uint16_t>(d.ws.reason().code);
  return d.close_code_of(read_ec);
}

void ws_client::close(std::uint16_t code, millis deadline) {
  auto ec = impl_->run_op(deadline, [&](auto h) {
    impl_->ws.async_close(websocket::close_reason{code},
                          [h](error_code e) mutable { h(e); });
  });
  if (ec)
    throw std::runtime_error("close failed: " + impl_->note(ec).message());
}

void ws_client::drop() {
  error_code ignored;
  impl_->ws.next_layer().socket().close(ignored);
}

} // namespace nexus::test
