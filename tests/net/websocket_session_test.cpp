// net/ on real loopback sockets with a recording sink instead of actors:
// subprotocol negotiation, the inbound window, the bounded write queue
// (close 4008) and close codes chosen above net.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <spdlog/spdlog.h>

#include "net/io_runtime.hpp"
#include "net/listener.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;
using namespace nexus;

namespace {

/// Shared between the server side hooks and the test body.
struct recorder {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> frames;
  std::shared_ptr<net::outbound> out;
  std::string subprotocol;

  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock<std::mutex> lock{mu};
    return cv.wait_for(lock, timeout, [&] { return pred(); });
  }
};

class recording_sink final : public net::inbound_sink {
public:
  explicit recording_sink(std::shared_ptr<recorder> r) : r_(std::move(r)) {}
  void on_frame(std::string text) override {
    std::lock_guard<std::mutex> guard{r_->mu};
    r_->frames.push_back(std::move(text));
    r_->cv.notify_all();
  }
  spdlog::logger& log() const override { return *spdlog::default_logger(); }

private:
  std::shared_ptr<recorder> r_;
};

struct server {
  explicit server(net::listener_options opts) : io(1) {
    auto hooks = std::make_shared<net::server_hooks>();
    hooks->on_upgrade = [r = rec](const net::upgrade_request& req,
                                  std::shared_ptr<net::outbound> out) {
      std::lock_guard<std::mutex> guard{r->mu};
      r->out = std::move(out);
      r->subprotocol = req.subprotocol;
      r->cv.notify_all();
      return std::make_unique<recording_sink>(r);
    };
    opts.subprotocols = {"nexus-json", "neurograph-json"};
    std::string err;
    lst = net::listener::open(io, std::move(opts), hooks, err);
    REQUIRE(lst);
    lst->run();
    io.start();
  }
  ~server() {
    lst->stop();
    io.stop();
  }
  std::shared_ptr<recorder> rec = std::make_shared<recorder>();
  net::io_runtime io;
  std::shared_ptr<net::listener> lst;
};

/// A blocking Beast client with a deadline on every operation.
struct client {
  client(uint16_t port, std::string offer) : ws(ioc) {
    asio::ip::tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
    beast::get_lowest_layer(ws).expires_after(5s);
    beast::get_lowest_layer(ws).connect(ep);
    ws.set_option(websocket::stream_base::decorator(
      [offer](websocket::request_type& req) {
        if (!offer.empty())
          req.set(beast::http::field::sec_websocket_protocol, offer);
      }));
    ws.handshake(res, "127.0.0.1", "/ws");
  }
  std::string read() {
    beast::get_lowest_layer(ws).expires_after(5s);
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws;
  websocket::response_type res;
};

} // namespace

TEST_CASE("the first supported subprotocol offered is echoed",
          "[net][session]") {
  server s{net::listener_options{}};
  client c{s.lst->port(), "chat, neurograph-json, nexus-json"};
  CHECK(c.res[beast::http::field::sec_websocket_protocol] == "neurograph-json");
  REQUIRE(s.rec->wait([&] { return s.rec->out != nullptr; }));
  CHECK(s.rec->subprotocol == "neurograph-json");
  client none{s.lst->port(), "chat"};
  CHECK(none.res.count(beast::http::field::sec_websocket_protocol) == 0);
}

TEST_CASE("frames flow both ways and close codes reach the client",
          "[net][session]") {
  server s{net::listener_options{}};
  client c{s.lst->port(), ""};
  REQUIRE(s.rec->wait([&] { return s.rec->out != nullptr; }));
  c.ws.write(asio::buffer(std::string{"hello"}));
  REQUIRE(s.rec->wait([&] { return s.rec->frames.size() == 1; }));
  CHECK(s.rec->frames[0] == "hello");
  s.rec->out->send(std::make_shared<const std::string>("world"));
  CHECK(c.read() == "world");
  s.rec->out->close(4321, "bye");
  beast::error_code ec;
  beast::flat_buffer b;
  c.ws.read(b, ec);
  CHECK(ec == websocket::error::closed);
  CHECK(c.ws.reason().code == 4321);
}

TEST_CASE("a full inbound window pauses reading until frames are done",
          "[net][session]") {
  net::listener_options opts;
  opts.inbound_window = 2;
  server s{opts};
  client c{s.lst->port(), ""};
  REQUIRE(s.rec->wait([&] { return s.rec->out != nullptr; }));
  for (int i = 0; i < 5; ++i)
    c.ws.write(asio::buffer(std::to_string(i)));
  REQUIRE(s.rec->wait([&] { return s.rec->frames.size() == 2; }));
  // A third frame would arrive quickly if the session kept reading.
  CHECK_FALSE(s.rec->wait([&] { return s.rec->frames.size() > 2; }, 300ms));
  // Acknowledge each frame as it is handled, as the connection actor does.
  for (std::size_t seen = 0; seen < 5; ++seen) {
    INFO("seen " << seen << " frames " << s.rec->frames.size());
    REQUIRE(s.rec->wait([&] { return s.rec->frames.size() > seen; }));
    s.rec->out->frame_done();
  }
  CHECK(s.rec->frames.size() == 5);
}

TEST_CASE("a client that does not read is closed with 4008",
          "[net][session]") {
  net::listener_options opts;
  opts.outbound_queue_bytes = 64 * 1024;
  server s{opts};
  client c{s.lst->port(), ""};
  REQUIRE(s.rec->wait([&] { return s.rec->out != nullptr; }));
  auto chunk = std::make_shared<const std::string>(16 * 1024, 'x');
  // Far more than socket buffers plus the queue bound can hold.
  for (int i = 0; i < 2000; ++i)
    s.rec->out->send(chunk);
  beast::error_code ec;
  std::size_t frames = 0;
  for (; frames < 5000 && !ec; ++frames) {
    beast::get_lowest_layer(c.ws).expires_after(5s);
    beast::flat_buffer b;
    c.ws.read(b, ec);
  }
  CHECK(ec == websocket::error::closed);
  CHECK(c.ws.reason().code == 4008);
  CHECK(frames < 2000);
}
