// The pure upgrade rules: Sec-WebSocket-Key, subprotocol choice, how
// refusals are counted, and label names matching their enums.
#include <catch2/catch.hpp>

#include "net/handshake.hpp"

using namespace nexus::net;

TEST_CASE("a key is base64 of exactly 16 bytes", "[net][handshake]") {
  CHECK(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ=="));
  CHECK(valid_websocket_key("AAAAAAAAAAAAAAAAAAAAAA=="));
  CHECK(valid_websocket_key("+/+/+/+/+/+/+/+/+/+/+w=="));
  // Unused bits set: still 16 bytes to a lenient decoder.
  CHECK(valid_websocket_key("dGhlIHNhbXBsZSBub25jZR=="));
  CHECK_FALSE(valid_websocket_key(""));
  CHECK_FALSE(valid_websocket_key("x"));
  CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ"));   // no padding
  CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ=")); // 23 chars
  CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ==="));
  CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZ==="));  // 15 bytes
  CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZXk="));  // 17 bytes
  CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25j*Q=="));
  CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25j ZQ="));
  CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ-_"));  // base64url
}

TEST_CASE("the client's first supported subprotocol wins",
          "[net][handshake]") {
  std::vector<std::string> ours{"nexus-json", "neurograph-json"};
  CHECK(select_subprotocol("chat, neurograph-json, nexus-json", ours)
        == "neurograph-json");
  CHECK(select_subprotocol(" nexus-json ", ours) == "nexus-json");
  CHECK(select_subprotocol("chat", ours).empty());
  CHECK(select_subprotocol("", ours).empty());
}

TEST_CASE("admission refusals are counted by status", "[net][handshake]") {
  CHECK(refusal_reason(401) == handshake_failure::unauthorized);
  CHECK(refusal_reason(403) == handshake_failure::forbidden);
  CHECK(refusal_reason(429) == handshake_failure::over_limit);
  CHECK(refusal_reason(503) == handshake_failure::over_limit);
  CHECK(refusal_reason(400) == handshake_failure::refused);
}

TEST_CASE("label names follow their enums", "[net][handshake]") {
  const auto& hf = handshake_failure_names();
  REQUIRE(hf.size() == static_cast<std::size_t>(handshake_failure::tls) + 1);
  CHECK(hf[static_cast<std::size_t>(handshake_failure::io_error)]
        == "io_error");
  CHECK(hf[static_cast<std::size_t>(handshake_failure::forbidden)]
        == "forbidden");
  CHECK(hf[static_cast<std::size_t>(handshake_failure::tls)] == "tls");
  const auto& fc = forced_close_names();
  REQUIRE(fc.size()
          == static_cast<std::size_t>(forced_close::write_stall) + 1);
  CHECK(fc[static_cast<std::size_t>(forced_close::slow_consumer)]
        == "slow_consumer");
}
