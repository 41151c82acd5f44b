// Raw TCP test clients on Asio: a buffered blocking socket with deadlines,
// a minimal WebSocket frame reader, and the slow-header (slowloris) client.
#include "tests/support/raw_tcp.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>

#include <functional>
#include <stdexcept>

namespace nexus::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

tcp::endpoint loopback(std::uint16_t port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

/// Status code of the first complete close frame in `bytes` from `offset`;
/// nullopt while none is complete. Skips whole other frames by advancing
/// `offset`.
std::optional<std::uint16_t> parse_frames(std::string_view bytes,
                                          std::size_t& offset) {
  while (bytes.size() - offset >= 2) {
    auto at = [&](std::size_t i) {
      return static_cast<unsigned char>(bytes[offset + i]);
    };
    unsigned opcode = at(0) & 0x0f;
    bool masked = (at(1) & 0x80) != 0;
    std::uint64_t len = at(1) & 0x7f;
    std::size_t head = 2;
    std::size_t ext = len == 126 ? 2 : len == 127 ? 8 : 0;
    if (bytes.size() - offset < head + ext)
      return std::nullopt;
    if (ext != 0)
      len = 0;
    for (std::size_t i = 0; i < ext; ++i)
      len = (len << 8) | at(head + i);
    head += ext + (masked ? 4 : 0);
    if (bytes.size() - offset < head + len)
      return std::nullopt;
    if (opcode == 0x8) {
      if (len < 2)
        return std::uint16_t{1005};
      // Server frames are unmasked (RFC 6455 5.1); a masked one is a bug.
      return static_cast<std::uint16_t>((at(head) << 8) | at(head + 1));
    }
    offset += head + len;
  }
  return std::nullopt;
}

} // namespace

struct raw_tcp::impl {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  std::string buffer;
  std::size_t frame_offset = 0;
  std::string last_error;

  /// Runs `start`'s operation with `deadline`; returns its error.
  template <class Start>
  error_code run_op(millis deadline, Start start) {
    stream.expires_after(deadline);
    error_code result = asio::error::would_block;
    bool done = false;
    start([&](error_code ec, std::size_t = 0) {
      result = ec;
      done = true;
    });
    ioc.restart();
    while (!done && ioc.run_one() > 0) {
    }
    if (result)
      last_error = result == beast::error::timeout ? "timeout"
                                                    : result.message();
    return result;
  }
};

raw_tcp::raw_tcp(std::uint16_t port, millis deadline)
  : impl_(std::make_unique<impl>()) {
  auto ec = impl_->run_op(deadline, [&](auto h) {
    impl_->stream.async_connect(loopback(port),
                                [h](error_code e) mutable { h(e); });
  });
  if (ec)
    throw std::runtime_error("raw connect to port " + std::to_string(port)
                             + ": " + impl_->last_error);
}

raw_tcp::~raw_tcp() = default;

std::string const& raw_tcp::last_error() const {
  return impl_->last_error;
}

bool raw_tcp::write(std::string_view data, millis deadline) {
  return !impl_->run_op(deadline, [&](auto h) {
    asio::async_write(impl_->stream, asio::buffer(data), h);
  });
}

bool raw_tcp::read_more(millis deadline) {
  char chunk[16384];
  std::size_t got = 0;
  auto ec = impl_->run_op(deadline, [&](auto h) {
    impl_->stream.async_read_some(asio::buffer(chunk),
                                  [h, &got](error_code e, std::size_t n) {
                                    got = n;
                                    h(e, n);
                                  });
  });
  impl_->buffer.append(chunk, got);
  return !ec;
}

std::optional<std::string> raw_tcp::read_until(std::string_view delim,
                                               millis deadline) {
  auto const end = clock_type::now() + deadline;
  for (int reads = 0; reads < 100000; ++reads) {
    if (auto pos = impl_->buffer.find(delim); pos != std::string::npos) {
      auto head = impl_->buffer.substr(0, pos + delim.size());
      impl_->buffer.erase(0, pos + delim.size());
      impl_->frame_offset = 0;
      return head;
    }
    auto left = std::chrono::duration_cast<millis>(end - clock_type::now());
    if (left <= 0ms || !read_more(left))
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::uint16_t> raw_tcp::read_close_frame(millis deadline) {
  auto const end = clock_type::now() + deadline;
  for (int reads = 0; reads < 100000; ++reads) {
    if (auto code = parse_frames(impl_->buffer, impl_->frame_offset))
      return code;
    auto left = std::chrono::duration_cast<millis>(end - clock_type::now());
    if (left <= 0ms || !read_more(left))
      return std::nullopt;
  }
  return std::nullopt;
}

std::string upgrade_request_text(std::uint16_t port,
                                 std::string const& target) {
  return "GET " + target + " HTTP/1.1\r\n"
         "Host: 127.0.0.1:" + std::to_string(port) + "\r\n"
         "Upgrade: websocket\r\n"
         "Connection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         "Sec-WebSocket-Version: 13\r\n\r\n";
}

slow_header_result send_header_slowly(std::uint16_t port, millis interval,
                                      millis give_up) {
  static std::string const text = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  "X-Slow: " + std::string(4000, 'a');
  asio::io_context ioc;
  tcp::socket sock{ioc};
  sock.connect(loopback(port));
  auto const start = clock_type::now();
  asio::steady_timer pace{ioc};
  asio::steady_timer limit{ioc};
  slow_header_result r;
  bool finished = false;
  auto finish = [&](bool closed, std::string how) {
    if (finished)
      return;
    finished = true;
    r.closed = closed;
    r.how = std::move(how);
    r.elapsed =
      std::chrono::duration_cast<millis>(clock_type::now() - start);
    pace.cancel();
    limit.cancel();
    error_code ignored;
    sock.close(ignored);
  };
  char chunk[4096];
  std::function<void()> do_read = [&] {
    sock.async_read_some(asio::buffer(chunk), [&](error_code ec, std::size_t) {
      if (ec)
        return finish(true, "read: " + ec.message());
      do_read();
    });
  };
  std::function<void()> do_write = [&] {
    if (finished || r.bytes_sent >= text.size())
      return;
    auto one = asio::buffer(text.data() + r.bytes_sent, 1);
    asio::async_write(sock, one, [&](error_code ec, std::size_t) {
      if (ec)
        return finish(true, "write: " + ec.message());
      ++r.bytes_sent;
      pace.expires_after(interval);
      pace.async_wait([&](error_code e) {
        if (!e)
          do_write();
      });
    });
  };
  limit.expires_after(give_up);
  limit.async_wait([&](error_code ec) {
    if (!ec)
      finish(false, "still open");
  });
  do_read();
  do_write();
  ioc.run();
  return r;
}

} // namespace nexus::test
