// The net test fixture: listener, recording hooks, deadline-bound client.
#include "tests/net/net_fixture.hpp"

#include <fstream>
#include <stdexcept>

#include <catch2/catch.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace nexus::net_test {

namespace {

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

} // namespace

std::shared_ptr<net::outbound> recorder::outbound(millis timeout) {
  wait([&] { return out != nullptr; }, timeout);
  std::lock_guard<std::mutex> guard{mu};
  return out;
}

server::server(net::listener_options opts,
               std::function<void(net::server_hooks&)> customize)
  : io(1) {
  auto hooks = std::make_shared<net::server_hooks>();
  hooks->on_upgrade = [r = rec](const net::upgrade_request& req,
                                std::shared_ptr<net::outbound> out) {
    std::lock_guard<std::mutex> guard{r->mu};
    r->out = std::move(out);
    r->request = req;
    r->cv.notify_all();
    return std::make_unique<recording_sink>(r);
  };
  hooks->on_http = [](std::string_view path)
    -> std::optional<net::http_answer> {
    if (path != "/healthz")
      return std::nullopt;
    net::http_answer a;
    a.body = "ok\n";
    return a;
  };
  hooks->handshake_failures = &stats->handshake_failures;
  hooks->forced_closes = &stats->forced_closes;
  hooks->sessions = &stats->sessions;
  if (customize)
    customize(*hooks);
  if (opts.subprotocols.empty())
    opts.subprotocols = {"nexus-json", "neurograph-json"};
  std::string err;
  lst = net::listener::open(io, std::move(opts), hooks, err);
  INFO(err);
  REQUIRE(lst);
  lst->run();
  io.start();
}

server::~server() {
  lst->stop();
  io.stop();
}

client::client(uint16_t port, std::string offer, int receive_buffer,
               std::string target, header_list headers)
  : ws(ioc) {
  auto& tcp = beast::get_lowest_layer(ws);
  asio::ip::tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
  tcp.socket().open(ep.protocol());
  if (receive_buffer > 0)
    tcp.socket().set_option(
      asio::socket_base::receive_buffer_size(receive_buffer));
  auto ec = run_op(ioc, tcp, 5s, [&](auto h) { tcp.async_connect(ep, h); });
  if (ec)
    throw std::runtime_error("connect: " + ec.message());
  ws.set_option(websocket::stream_base::decorator(
    [offer, headers](websocket::request_type& req) {
      if (!offer.empty())
        req.set(beast::http::field::sec_websocket_protocol, offer);
      for (auto& [name, value] : headers)
        req.set(name, value);
    }));
  ec = run_op(ioc, tcp, 5s, [&](auto h) {
    ws.async_handshake(res, "127.0.0.1", target, h);
  });
  if (ec)
    throw std::runtime_error("upgrade: " + ec.message());
}

std::string client::read(millis deadline) {
  std::string out;
  if (auto ec = read(out, deadline))
    throw std::runtime_error("read: " + ec.message());
  return out;
}

beast::error_code client::read(std::string& out, millis deadline) {
  beast::flat_buffer b;
  auto ec = run_op(ioc, beast::get_lowest_layer(ws), deadline,
                   [&](auto h) { ws.async_read(b, h); });
  out = beast::buffers_to_string(b.data());
  return ec;
}

void client::write(const std::string& text, millis deadline) {
  auto ec = run_op(ioc, beast::get_lowest_layer(ws), deadline, [&](auto h) {
    ws.async_write(asio::buffer(text), h);
  });
  if (ec)
    throw std::runtime_error("write: " + ec.message());
}

std::size_t resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  std::size_t pages_total = 0;
  std::size_t pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

} // namespace nexus::net_test
