// Beast implementation of the test HTTP client: connect, write, read one
// response, all bounded by one tcp_stream deadline.
#include "tests/support/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>

namespace nexus::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

/// Lower-case copy of `s`.
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return s;
}

/// Message for `ec`, with the tcp_stream timeout spelled out.
std::string describe(error_code ec, char const* step) {
  return std::string{step} + ": "
         + (ec == beast::error::timeout ? "timeout" : ec.message());
}

/// Copies status, header fields and body out of Beast's response.
http_response
to_response(http::response<http::string_body> const& res) {
  http_response out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (auto const& field : res)
    out.headers[lower(std::string{field.name_string()})] =
      std::string{field.value()};
  return out;
}

} // namespace

http_response http_request(std::uint16_t port, std::string const& method,
                           std::string const& target,
                           header_list const& headers, millis deadline) {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  http_response out;
  stream.expires_after(deadline);
  http::request<http::string_body> req{http::string_to_verb(method), target,
                                       11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (auto const& [name, value] : headers)
    req.set(name, value);
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
  stream.async_connect(ep, [&](error_code ec) {
    if (ec)
      return void(out.error = describe(ec, "connect"));
    http::async_write(stream, req, [&](error_code ec, std::size_t) {
      // A server may answer (e.g. 431) before reading the whole request and
      // reset the write; the answer is still worth reading.
      if (ec)
        out.error = describe(ec, "write");
      http::async_read(stream, buffer, parser, [&](error_code ec,
                                                   std::size_t) {
        if (ec)
          return void(out.error = describe(ec, "read"));
        out = to_response(parser.get());
      });
    });
  });
  ioc.run();
  return out;
}

header_list upgrade_headers() {
  return {{"Upgrade", "websocket"},
          {"Connection", "Upgrade"},
          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
          {"Sec-WebSocket-Version", "13"}};
}

} // namespace nexus::test
