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

/// The complete frame at `offset` in `bytes`, advancing `offset` past it;
/// nullopt while it is incomplete.
std::optional<ws_frame> next_frame(std::string_view bytes,
                                   std::size_t& offset) {
  auto avail = bytes.size() - offset;
  if (avail < 2)
    return std::nullopt;
  auto at = [&](std::size_t i) {
    return static_cast<unsigned char>(bytes[offset + i]);
  };
  ws_frame f;
  f.opcode = at(0) & 0x0f;
  f.masked = (at(1) & 0x80) != 0;
  std::uint64_t len = at(1) & 0x7f;
  std::size_t ext = len == 126 ? 2 : len == 127 ? 8 : 0;
  if (avail < 2 + ext)
    return std::nullopt;
  if (ext != 0)
    len = 0;
  for (std::size_t i = 0; i < ext; ++i)
    len = (len << 8) | at(2 + i);
  std::size_t head = 2 + ext + (f.masked ? 4 : 0);
  if (avail < head || avail - head < len)
    return std::nullopt;
  f.payload.assign(bytes.substr(offset + head, len));
  for (std::size_t i = 0; f.masked && i < f.payload.size(); ++i)
    f.payload[i] = static_cast<char>(f.payload[i] ^ at(head - 4 + i % 4));
  offset += head + len;
  return f;
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

std::optional<ws_frame> raw_tcp::read_frame(millis deadline) {
  auto const end = clock_type::now() + deadline;
  for (int reads = 0; reads < 100000; ++reads) {
    if (auto f = next_frame(impl_->buffer, impl_->frame_offset))
      return f;
    auto left = std::chrono::duration_cast<millis>(end - clock_type::now());
    if (left <= 0ms || !read_more(left))
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::uint16_t> raw_tcp::read_close_frame(millis deadline) {
  auto const end = clock_type::now() + deadline;
  for (int frames = 0; frames < 100000; ++frames) {
    auto left = std::chrono::duration_cast<millis>(end - clock_type::now());
    auto f = read_frame(left < 1ms ? 1ms : left);
    if (!f)
      return std::nullopt;
    if (f->opcode != 0x8)
      continue;
    if (f->payload.size() < 2)
      return std::uint16_t{1005};
    auto hi = static_cast<unsigned char>(f->payload[0]);
    auto lo = static_cast<unsigned char>(f->payload[1]);
    return static_cast<std::uint16_t>((hi << 8) | lo);
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

std::string client_frame_header(unsigned opcode, std::uint64_t length) {
  std::string out;
  out += static_cast<char>(0x80 | (opcode & 0x0f));
  if (length < 126) {
    out += static_cast<char>(0x80 | length);
  } else if (length <= 0xffff) {
    out += static_cast<char>(0x80 | 126);
    for (int shift = 8; shift >= 0; shift -= 8)
      out += static_cast<char>((length >> shift) & 0xff);
  } else {
    out += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      out += static_cast<char>((length >> shift) & 0xff);
  }
  out += std::string(4, '\0'); // mask key 0: payload bytes go out as is
  return out;
}

namespace {

/// The slow-header client: a read loop that notices the server closing, a
/// timer that paces one-byte writes, and a timer that gives up.
class slow_client {
public:
  slow_client(std::uint16_t port, millis interval)
    : sock_(ioc_), pace_(ioc_), limit_(ioc_), interval_(interval) {
    sock_.connect(loopback(port));
    start_ = clock_type::now();
  }

  slow_header_result run(millis give_up) {
    limit_.expires_after(give_up);
    limit_.async_wait([this](error_code ec) {
      if (!ec)
        finish(false, "still open");
    });
    do_read();
    do_write();
    ioc_.run();
    return result_;
  }

private:
  void do_read() {
    sock_.async_read_some(asio::buffer(chunk_), [this](error_code ec,
                                                       std::size_t) {
      if (ec)
        return finish(true, "read: " + ec.message());
      do_read(); // a 408 or anything else is read and ignored
    });
  }

  void do_write() {
    static std::string const text = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    "X-Slow: " + std::string(4000, 'a');
    if (finished_ || result_.bytes_sent >= text.size())
      return;
    auto one = asio::buffer(text.data() + result_.bytes_sent, 1);
    asio::async_write(sock_, one, [this](error_code ec, std::size_t) {
      if (ec)
        return finish(true, "write: " + ec.message());
      ++result_.bytes_sent;
      pace_.expires_after(interval_);
      pace_.async_wait([this](error_code e) {
        if (!e)
          do_write();
      });
    });
  }

  void finish(bool closed, std::string how) {
    if (finished_)
      return;
    finished_ = true;
    result_.closed = closed;
    result_.how = std::move(how);
    result_.elapsed =
      std::chrono::duration_cast<millis>(clock_type::now() - start_);
    pace_.cancel();
    limit_.cancel();
    error_code ignored;
    sock_.close(ignored);
  }

  asio::io_context ioc_;
  tcp::socket sock_;
  asio::steady_timer pace_;
  asio::steady_timer limit_;
  millis interval_;
  clock_type::time_point start_;
  char chunk_[4096];
  bool finished_ = false;
  slow_header_result result_;
};

} // namespace

slow_header_result send_header_slowly(std::uint16_t port, millis interval,
                                      millis give_up) {
  slow_client client{port, interval};
  return client.run(give_up);
}

} // namespace nexus::test
