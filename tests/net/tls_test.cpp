// TLS listeners on real loopback sockets, with a self-signed certificate
// made by the openssl tool at test time: a verifying wss:// client, https
// for the plain endpoints, clean closes from either side, plain clients
// and silent peers turned away, and certificate errors at open.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "tests/net/net_fixture.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/raw_tcp.hpp"
#include "tests/support/wait.hpp"

using namespace nexus;
using namespace nexus::net_test;
using nexus::test::poll_until;
namespace ssl = asio::ssl;
namespace http = beast::http;

namespace {

/// Runs the openssl tool with `args`; fails the test unless it exits 0.
void openssl(std::vector<std::string> args, const std::string& log) {
  test::process_options o;
  o.program = "/usr/bin/openssl";
  o.args = std::move(args);
  o.stderr_path = log;
  test::child_process p{o};
  auto rc = p.wait_exit(60s);
  INFO("openssl " << o.args.front() << ", stderr in " << log);
  REQUIRE(rc == 0);
}

/// A self-signed certificate for localhost / 127.0.0.1 and its key, in
/// a fresh directory removed at the end.
struct test_cert {
  test_cert() {
    std::string tmpl = "/tmp/nexus-tls-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()));
    dir = tmpl;
    cert = dir + "/cert.pem";
    key = dir + "/key.pem";
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
             "/CN=localhost", "-days", "1", "-addext",
             "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key,
             "-out", cert},
            dir + "/openssl.log");
  }
  ~test_cert() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  /// Listener options serving this certificate.
  net::listener_options options() const {
    net::listener_options o;
    o.name = "tls";
    o.tls_cert_file = cert;
    o.tls_key_file = key;
    // Long, so a close that waited for it would show in the tests below.
    o.handshake_timeout = 30s;
    return o;
  }

  std::string dir, cert, key;
};

/// A wss:// client that verifies the server against `ca_file` as
/// "localhost"; every wait has a deadline.
struct tls_client {
  tls_client(uint16_t port, const std::string& ca_file)
    : ctx(ssl::context::tls_client), ws(ioc, ctx) {
    ctx.load_verify_file(ca_file);
    auto& stream = ws.next_layer();
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification("localhost"));
    SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
    auto& tcp = beast::get_lowest_layer(ws);
    asio::ip::tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
    auto ec = run_op(ioc, tcp, 5s, [&](auto h) { tcp.async_connect(ep, h); });
    REQUIRE_FALSE(ec);
    ec = run_op(ioc, tcp, 5s, [&](auto h) {
      stream.async_handshake(ssl::stream_base::client, h);
    });
    INFO("TLS handshake: " << ec.message());
    REQUIRE_FALSE(ec);
  }

  void upgrade() {
    auto ec = run_op(ioc, beast::get_lowest_layer(ws), 5s, [&](auto h) {
      ws.async_handshake("localhost", "/ws", h);
    });
    INFO("upgrade: " << ec.message());
    REQUIRE_FALSE(ec);
  }

  beast::error_code read(std::string& out) {
    beast::flat_buffer b;
    auto ec = run_op(ioc, beast::get_lowest_layer(ws), 5s,
                     [&](auto h) { ws.async_read(b, h); });
    out = beast::buffers_to_string(b.data());
    return ec;
  }

  asio::io_context ioc;
  ssl::context ctx;
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
};

} // namespace

TEST_CASE("a verifying wss client exchanges frames and closes normally",
          "[net][tls]") {
  test_cert cert;
  server s{cert.options()};
  CHECK(s.lst->secure());
  tls_client c{s.port(), cert.cert};
  c.upgrade();
  auto out = s.rec->outbound();
  REQUIRE(out);
  CHECK(s.rec->request.secure);
  auto ec = run_op(c.ioc, beast::get_lowest_layer(c.ws), 5s, [&](auto h) {
    c.ws.async_write(asio::buffer(std::string{"hello"}), h);
  });
  REQUIRE_FALSE(ec);
  REQUIRE(s.rec->wait([&] { return s.rec->frames.size() == 1; }));
  CHECK(s.rec->frames[0] == "hello");
  out->send(std::make_shared<const std::string>("world"));
  std::string text;
  REQUIRE_FALSE(c.read(text));
  CHECK(text == "world");
  ec = run_op(c.ioc, beast::get_lowest_layer(c.ws), 5s, [&](auto h) {
    c.ws.async_close(websocket::close_code::normal, h);
  });
  CHECK_FALSE(ec);
  // Gone well before the 30 s teardown deadline: close_notify was answered.
  CHECK(poll_until([&] { return s.stats->open_sessions() == 0; }, 5s));
  CHECK(s.stats->failed(net::handshake_failure::tls) == 0);
}

TEST_CASE("a server-side close over TLS reaches the client and ends cleanly",
          "[net][tls]") {
  test_cert cert;
  server s{cert.options()};
  tls_client c{s.port(), cert.cert};
  c.upgrade();
  auto out = s.rec->outbound();
  REQUIRE(out);
  out->close(4321, "bye");
  std::string text;
  CHECK(c.read(text) == websocket::error::closed);
  CHECK(c.ws.reason().code == 4321);
  CHECK(poll_until([&] { return s.stats->open_sessions() == 0; }, 5s));
}

TEST_CASE("https serves the plain endpoints", "[net][tls]") {
  test_cert cert;
  server s{cert.options()};
  tls_client c{s.port(), cert.cert};
  auto& stream = c.ws.next_layer();
  http::request<http::empty_body> req{http::verb::get, "/healthz", 11};
  req.set(http::field::host, "localhost");
  req.keep_alive(false);
  auto ec = run_op(c.ioc, beast::get_lowest_layer(c.ws), 5s,
                   [&](auto h) { http::async_write(stream, req, h); });
  REQUIRE_FALSE(ec);
  beast::flat_buffer b;
  http::response<http::string_body> res;
  ec = run_op(c.ioc, beast::get_lowest_layer(c.ws), 5s,
              [&](auto h) { http::async_read(stream, b, res, h); });
  REQUIRE_FALSE(ec);
  CHECK(res.result_int() == 200);
  CHECK(res.body() == "ok\n");
}

TEST_CASE("a plain client on a TLS listener is turned away cleanly",
          "[net][tls]") {
  test_cert cert;
  server s{cert.options()};
  {
    test::raw_tcp plain{s.port()};
    REQUIRE(plain.write(test::upgrade_request_text(s.port(), "/ws")));
    auto start = std::chrono::steady_clock::now();
    // No HTTP answer: the connection ends, long before the 30 s deadline.
    CHECK_FALSE(plain.read_until("\r\n\r\n", 10s));
    CHECK(std::chrono::steady_clock::now() - start < 5s);
  }
  CHECK(poll_until(
    [&] { return s.stats->failed(net::handshake_failure::tls) == 1; }, 5s));
  CHECK(s.stats->open_sessions() == 0);
  // The listener still serves TLS clients.
  tls_client c{s.port(), cert.cert};
  c.upgrade();
  CHECK(s.rec->outbound());
}

TEST_CASE("the TLS handshake counts against the handshake deadline",
          "[net][tls]") {
  test_cert cert;
  auto opts = cert.options();
  opts.handshake_timeout = 300ms;
  server s{opts};
  test::raw_tcp silent{s.port()};
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(silent.read_until("\r\n", 10s));
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CHECK(poll_until(
    [&] { return s.stats->failed(net::handshake_failure::timeout) == 1; },
    5s));
}

TEST_CASE("a listener with an unusable certificate or key does not open",
          "[net][tls]") {
  test_cert cert;
  net::io_runtime io{1};
  auto hooks = std::make_shared<net::server_hooks>();
  auto open = [&](std::string cert_file, std::string key_file) {
    net::listener_options o;
    o.name = "tls";
    o.tls_cert_file = std::move(cert_file);
    o.tls_key_file = std::move(key_file);
    std::string err;
    auto l = net::listener::open(io, o, hooks, err);
    CHECK_FALSE(l);
    return err;
  };
  auto missing = cert.dir + "/missing.pem";
  auto err = open(missing, cert.key);
  CHECK_THAT(err, Catch::Contains("listener tls")
                    && Catch::Contains("certificate chain")
                    && Catch::Contains(missing));
  CHECK_THAT(open(cert.cert, ""), Catch::Contains("private key"));
  auto garbage = cert.dir + "/garbage.pem";
  std::ofstream{garbage} << "not a certificate\n";
  CHECK_THAT(open(garbage, cert.key),
             Catch::Contains("cannot load") && Catch::Contains(garbage));
  CHECK_THAT(open(cert.cert, cert.cert),
             Catch::Contains("private key") && Catch::Contains(cert.cert));
  auto other = cert.dir + "/other.pem";
  openssl({"genpkey", "-algorithm", "EC", "-pkeyopt",
           "ec_paramgen_curve:P-256", "-out", other},
          cert.dir + "/openssl.log");
  CHECK_THAT(open(cert.cert, other), Catch::Contains("does not match"));
}
