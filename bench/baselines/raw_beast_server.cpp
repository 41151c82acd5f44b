// raw-beast-server: the "no actors" baseline for docs/benchmarks.md. Beast on
// an Asio thread pool (one io_context, a strand per connection, like
// nexus-server's net layer) answering the nexus-dialect heartbeat with the
// same reply shape as Nexus: parse the request with nlohmann::json, build
// the reply as a json object, dump it.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {

/// RFC 3339 UTC with milliseconds, e.g. 2024-05-01T12:00:00.123Z.
std::string rfc3339_now(std::chrono::system_clock::time_point now) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                now.time_since_epoch())
                .count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ",
                static_cast<int>(ms % 1000));
  return buf;
}

/// The nexus-dialect answer to one inbound text frame.
std::string answer(const std::string& text) {
  auto now = std::chrono::system_clock::now();
  auto secs =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch())
          .count();
  json meta{{"protocol_version", "2.0.0"}, {"server_version", "0.1.0"}};
  auto req = json::parse(text, nullptr, false);
  if (req.is_discarded() || !req.is_object() ||
      req.value("type", "") != "heartbeat") {
    json err{{"code", "INVALID_JSON"},
             {"type", "PROTOCOL_ERROR"},
             {"message", "expected a heartbeat"}};
    return json{{"type", "error"},  {"request_id", nullptr},
                {"success", false}, {"metadata", meta},
                {"error", err},     {"timestamp", secs}}
        .dump();
  }
  json id =
      req.contains("request_id") ? req["request_id"] : req.value("id", json{});
  json payload{{"timestamp", secs}, {"server_time", rfc3339_now(now)}};
  return json{{"type", "heartbeat"}, {"request_id", id},   {"success", true},
              {"metadata", meta},    {"payload", payload}, {"timestamp", secs}}
      .dump();
}

/// One WebSocket connection: read a frame, write its answer, repeat.
class session : public std::enable_shared_from_this<session> {
public:
  explicit session(tcp::socket&& socket) : ws_(std::move(socket)) {
    // nop
  }

  void run() {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
    parser_.header_limit(8192);
    http::async_read(beast::get_lowest_layer(ws_), buf_, parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->on_request(ec);
                     });
  }

private:
  void on_request(beast::error_code ec) {
    if (ec)
      return;
    auto req = parser_.release();
    if (!websocket::is_upgrade(req))
      return;
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(
        websocket::stream_base::timeout::suggested(beast::role_type::server));
    std::string offered{req[http::field::sec_websocket_protocol]};
    ws_.set_option(websocket::stream_base::decorator(
        [offered](websocket::response_type& res) {
          if (offered.find("nexus-json") != std::string::npos)
            res.set(http::field::sec_websocket_protocol, "nexus-json");
        }));
    ws_.read_message_max(1 << 20);
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (!ec)
        self->do_read();
    });
  }

  void do_read() {
    buf_.consume(buf_.size());
    ws_.async_read(buf_,
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     self->on_read(ec);
                   });
  }

  void on_read(beast::error_code ec) {
    if (ec)
      return;
    out_ = answer(beast::buffers_to_string(buf_.cdata()));
    ws_.text(true);
    ws_.async_write(asio::buffer(out_),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      if (!ec)
                        self->do_read();
                    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buf_{(1 << 20) + 4096};
  http::request_parser<http::string_body> parser_;
  std::string out_;
};

/// Accepts connections, each on its own strand.
class listener : public std::enable_shared_from_this<listener> {
public:
  listener(asio::io_context& ioc, tcp::endpoint ep)
      : ioc_(ioc), acceptor_(asio::make_strand(ioc)) {
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void do_accept() {
    acceptor_.async_accept(
        asio::make_strand(ioc_),
        [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
          if (!ec) {
            s.set_option(tcp::no_delay(true), ec);
            std::make_shared<session>(std::move(s))->run();
          }
          self->do_accept();
        });
  }

private:
  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
};

struct options {
  std::string bind = "127.0.0.1";
  unsigned short port = 0;
  int threads = 1;
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    if (name == "--port")
      o.port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
    else if (name == "--threads")
      o.threads = std::max(1, std::atoi(argv[i + 1]));
    else if (name == "--bind")
      o.bind = argv[i + 1];
    else
      throw std::invalid_argument("unknown option " + name);
  }
  return o;
}

void run_thread(asio::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      std::cerr << "raw-beast-server: " << e.what() << '\n';
    }
  }
}

} // namespace

int main(int argc, char** argv) {
  try {
    auto opts = parse(argc, argv);
    asio::io_context ioc{opts.threads};
    auto l = std::make_shared<listener>(
        ioc, tcp::endpoint{asio::ip::make_address(opts.bind), opts.port});
    std::cout << "listening port=" << l->port() << std::endl;
    l->do_accept();
    asio::signal_set signals{ioc, SIGINT, SIGTERM};
    signals.async_wait([&ioc](beast::error_code, int) { ioc.stop(); });
    std::vector<std::thread> pool;
    for (int i = 1; i < opts.threads; ++i)
      pool.emplace_back([&ioc] { run_thread(ioc); });
    run_thread(ioc);
    for (auto& t : pool)
      t.join();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "raw-beast-server: " << e.what() << '\n';
    return 1;
  }
}
