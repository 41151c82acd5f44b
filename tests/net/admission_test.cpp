// The upgrade gate on real sockets: Sec-WebSocket-Key checked before
// anything else, admission refusals answered as plain HTTP and counted,
// what the admission hook sees, and the ticket's lifetime.
#include <catch2/catch.hpp>

#include <atomic>

#include "tests/net/net_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/wait.hpp"

using namespace nexus;
using namespace nexus::net_test;
using nexus::test::poll_until;

namespace {

/// Counts admissions and live tickets; outlives the server using it.
struct gate {
  std::atomic<int> admitted{0};
  std::atomic<int> tickets{0};
  /// Open sessions (gauge) seen when the last ticket was released.
  std::atomic<int64_t> sessions_at_release{-1};
  std::shared_ptr<counters> stats;

  /// Refuses with the status in `?refuse=`, else admits; always makes a
  /// ticket, which must be dropped on refusal.
  net::admission admit(const net::upgrade_request& req) {
    ++admitted;
    net::admission a;
    if (auto it = req.query.find("refuse"); it != req.query.end()) {
      a.refuse_status = static_cast<unsigned>(std::stoul(it->second));
      a.reason = "refused " + it->second;
    }
    ++tickets;
    a.ticket = std::shared_ptr<int>(new int(0), [this](int* p) {
      sessions_at_release = stats->open_sessions();
      --tickets;
      delete p;
    });
    return a;
  }

  std::function<void(net::server_hooks&)> install() {
    return [this](net::server_hooks& h) {
      h.admit = [this](const net::upgrade_request& r) { return admit(r); };
    };
  }
};

} // namespace

TEST_CASE("a Sec-WebSocket-Key that is not base64 of 16 bytes gets 400",
          "[net][admission]") {
  gate g;
  server s{net::listener_options{}, g.install()};
  g.stats = s.stats;
  for (std::string key :
       {"", "short", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZXk=",
        "dGhlIHNhbXBsZSBub25j*Q=="}) {
    INFO("key '" << key << "'");
    auto headers = test::upgrade_headers();
    for (auto& [name, value] : headers)
      if (name == "Sec-WebSocket-Key")
        value = key;
    auto r = test::http_request(s.port(), "GET", "/ws", headers);
    CHECK(r.status == 400);
  }
  CHECK(s.stats->failed(net::handshake_failure::bad_request) == 5);
  CHECK(g.admitted == 0);
}

TEST_CASE("admission refusals are plain HTTP answers, counted by reason",
          "[net][admission]") {
  gate g;
  server s{net::listener_options{}, g.install()};
  g.stats = s.stats;
  for (int status : {401, 403, 429, 503, 418}) {
    auto r = test::http_request(s.port(), "GET",
                                "/ws?refuse=" + std::to_string(status),
                                test::upgrade_headers());
    CHECK(r.status == status);
    CHECK(r.body == "refused " + std::to_string(status) + "\n");
    if (status == 401)
      CHECK(r.header("www-authenticate") == "Bearer");
  }
  auto odd = test::http_request(s.port(), "GET", "/ws?refuse=200",
                                test::upgrade_headers());
  CHECK(odd.status == 500);
  // The answer is out before its session ends: wait for the last one.
  CHECK(test::poll_until([&] { return s.stats->open_sessions() == 0; }, 5s));
  using hf = net::handshake_failure;
  CHECK(s.stats->failed(hf::unauthorized) == 1);
  CHECK(s.stats->failed(hf::forbidden) == 1);
  CHECK(s.stats->failed(hf::over_limit) == 2);
  CHECK(s.stats->failed(hf::refused) == 2);
  CHECK(g.admitted == 6);
  CHECK(g.tickets == 0);
  CHECK(s.stats->open_sessions() == 0);
  CHECK_FALSE(s.rec->outbound(0ms));
}

TEST_CASE("admission sees the request and its ticket lives as long as the "
          "socket",
          "[net][admission]") {
  gate g;
  net::upgrade_request seen;
  std::mutex mu;
  server s{net::listener_options{}, [&](net::server_hooks& h) {
             h.admit = [&](const net::upgrade_request& r) {
               std::lock_guard<std::mutex> guard{mu};
               seen = r;
               return g.admit(r);
             };
           }};
  g.stats = s.stats;
  {
    client c{s.port(), "chat, nexus-json", 0, "/ws?token=secret&client_id=a",
             {{"Origin", "https://app.example"},
              {"Authorization", "Bearer xyz"}}};
    REQUIRE(s.rec->outbound());
    {
      std::lock_guard<std::mutex> guard{mu};
      CHECK(seen.origin == "https://app.example");
      CHECK(seen.authorization == "Bearer xyz");
      CHECK(seen.host == "127.0.0.1");
      CHECK(seen.query.at("token") == "secret");
      CHECK(seen.target_redacted == "/ws?token=REDACTED&client_id=a");
      CHECK(seen.remote_address == "127.0.0.1");
      CHECK(seen.local_port == s.port());
      CHECK(seen.subprotocol == "nexus-json");
      CHECK_FALSE(seen.secure);
    }
    CHECK(g.tickets == 1);
    CHECK(s.stats->open_sessions() == 1);
    auto ec = run_op(c.ioc, beast::get_lowest_layer(c.ws), 5s, [&](auto h) {
      c.ws.async_close(websocket::close_code::normal, h);
    });
    CHECK_FALSE(ec);
  }
  REQUIRE(poll_until([&] { return g.tickets == 0; }, 5s));
  // Released after the session (and its socket) was destroyed.
  CHECK(g.sessions_at_release == 0);
}
