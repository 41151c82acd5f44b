// net/ on real loopback sockets with a recording sink instead of actors:
// subprotocol negotiation, the inbound window, the bounded write queue
// (close 4008) and close codes chosen above net.
#include <catch2/catch.hpp>

#include "tests/net/net_fixture.hpp"

using namespace nexus;
using namespace nexus::net_test;

TEST_CASE("the first supported subprotocol offered is echoed",
          "[net][session]") {
  server s{net::listener_options{}};
  client c{s.port(), "chat, neurograph-json, nexus-json"};
  CHECK(c.res[beast::http::field::sec_websocket_protocol] == "neurograph-json");
  REQUIRE(s.rec->outbound());
  CHECK(s.rec->request.subprotocol == "neurograph-json");
  client none{s.port(), "chat"};
  CHECK(none.res.count(beast::http::field::sec_websocket_protocol) == 0);
}

TEST_CASE("frames flow both ways and close codes reach the client",
          "[net][session]") {
  server s{net::listener_options{}};
  client c{s.port(), ""};
  auto out = s.rec->outbound();
  REQUIRE(out);
  c.write("hello");
  REQUIRE(s.rec->wait([&] { return s.rec->frames.size() == 1; }));
  CHECK(s.rec->frames[0] == "hello");
  out->send(std::make_shared<const std::string>("world"));
  CHECK(c.read() == "world");
  out->close(4321, "bye");
  std::string ignored;
  CHECK(c.read(ignored) == websocket::error::closed);
  CHECK(c.ws.reason().code == 4321);
}

TEST_CASE("a full inbound window pauses reading until frames are done",
          "[net][session]") {
  net::listener_options opts;
  opts.inbound_window = 2;
  server s{opts};
  client c{s.port(), ""};
  auto out = s.rec->outbound();
  REQUIRE(out);
  for (int i = 0; i < 5; ++i)
    c.write(std::to_string(i));
  REQUIRE(s.rec->wait([&] { return s.rec->frames.size() == 2; }));
  // A third frame would arrive quickly if the session kept reading.
  CHECK_FALSE(s.rec->wait([&] { return s.rec->frames.size() > 2; }, 300ms));
  // Acknowledge each frame as it is handled, as the connection actor does.
  for (std::size_t seen = 0; seen < 5; ++seen) {
    INFO("seen " << seen << " frames " << s.rec->frames.size());
    REQUIRE(s.rec->wait([&] { return s.rec->frames.size() > seen; }));
    out->frame_done();
  }
  CHECK(s.rec->frames.size() == 5);
}

TEST_CASE("a client that does not read is closed with 4008",
          "[net][session]") {
  net::listener_options opts;
  opts.outbound_queue_bytes = 64 * 1024;
  server s{opts};
  client c{s.port(), ""};
  auto out = s.rec->outbound();
  REQUIRE(out);
  auto chunk = std::make_shared<const std::string>(16 * 1024, 'x');
  // Far more than socket buffers plus the queue bound can hold.
  for (int i = 0; i < 2000; ++i)
    out->send(chunk);
  beast::error_code ec;
  std::size_t frames = 0;
  for (std::string ignored; frames < 5000 && !ec; ++frames)
    ec = c.read(ignored);
  CHECK(ec == websocket::error::closed);
  CHECK(c.ws.reason().code == 4008);
  CHECK(frames < 2000);
  CHECK(s.stats->forced(net::forced_close::slow_consumer) == 1);
}
