// Decoding of the optional envelope fields in both dialects: metadata and
// protocol version (nexus), payload, timestamp, sender_id, unknown keys.
#include <string>

#include "codec_test_support.hpp"

using namespace nexus::messages;
using nexus::messages::test::decode_bad;
using nexus::messages::test::decode_ok;
using nlohmann::json;

namespace {

constexpr auto nx = dialect::nexus;
constexpr auto ng = dialect::neurograph;

/// A nexus request with `metadata` set to `meta` (raw JSON).
std::string with_metadata(const std::string& meta) {
  return R"({"type":"subscribe","request_id":"r-9","metadata":)" + meta +
         R"(,"payload":{"topic":"t"}})";
}

/// A nexus request with `protocol_version` set to `v` (raw JSON).
std::string with_version(const std::string& v) {
  return with_metadata(R"({"protocol_version":)" + v + "}");
}

/// A frame of dialect `d` with `key` set to `value` (raw JSON).
std::string with_field(dialect d, const std::string& key,
                       const std::string& value) {
  std::string id_key = d == nx ? "request_id" : "id";
  return R"({"type":"publish",")" + id_key + R"(":"r-5",")" + key + R"(":)" +
         value + "}";
}

} // namespace

TEST_CASE("nexus: protocol_version with major 2 accepted",
          "[decode][nexus][version]") {
  auto v = GENERATE(as<std::string>{}, R"("2.0.0")", R"("2.1.0")",
                    R"("2.99.7")", R"("2.0")", R"("2")", R"("02.0.0")");
  INFO("version: " << v);
  auto req = decode_ok(nx, with_version(v));
  CHECK(req.request_id == "r-9");
}

TEST_CASE("nexus: another major version is UNSUPPORTED_PROTOCOL_VERSION",
          "[decode][nexus][version]") {
  auto v =
      GENERATE(as<std::string>{}, R"("3.0.0")", R"("1.9.9")", R"("0")",
               R"("20.0.0")", R"("12")", R"("99999999999999999999999.0.0")");
  INFO("version: " << v);
  auto f = decode_bad(nx, with_version(v));
  CHECK(f.error.code == errc::unsupported_protocol_version);
  CHECK(code_string(f.error.code) == "UNSUPPORTED_PROTOCOL_VERSION");
  CHECK(type_string(f.error.code) == "PROTOCOL_ERROR");
  CHECK(f.error.details == json{{"supported", "2.0.0"}});
  CHECK(f.request_id == "r-9");
}

TEST_CASE("nexus: a malformed protocol_version is VALIDATION_FAILED",
          "[decode][nexus][version]") {
  auto v = GENERATE(as<std::string>{}, R"("abc")", R"("")", R"("2.0.0.0")",
                    R"("2..0")", R"("2.0.")", R"(".2")", R"("v2.0.0")",
                    R"("2.0.0-beta")", R"(" 2.0.0")", "2", "2.0", "null",
                    R"(["2.0.0"])");
  INFO("version: " << v);
  auto f = decode_bad(nx, with_version(v));
  CHECK(f.error.code == errc::validation_failed);
  CHECK(f.error.field == "metadata.protocol_version");
  CHECK(f.request_id == "r-9");
}

TEST_CASE("nexus: metadata must be an object", "[decode][nexus]") {
  auto meta = GENERATE(as<std::string>{}, "[]", R"("2.0.0")", "1", "null");
  auto f = decode_bad(nx, with_metadata(meta));
  CHECK(f.error.code == errc::validation_failed);
  CHECK(f.error.field == "metadata");
  CHECK(f.request_id == "r-9");
}

TEST_CASE("nexus: metadata.client_id becomes the request's client_id",
          "[decode][nexus]") {
  CHECK(decode_ok(nx, with_metadata(R"({"client_id":"cli"})")).client_id ==
        "cli");
  // Anything but a string is ignored, as are unknown metadata keys.
  auto req = decode_ok(nx, with_metadata(R"({"client_id":5,"x":[1]})"));
  CHECK(req.client_id.empty());
  CHECK(decode_ok(nx, with_metadata("{}")).client_id.empty());
}

TEST_CASE("neurograph: no metadata rules", "[decode][neurograph]") {
  auto req = decode_ok(ng, with_field(ng, "metadata", R"("3.0.0")"));
  CHECK(req.request_id == "r-5");
}

TEST_CASE("payload: absent means {}", "[decode]") {
  auto d = GENERATE(nx, ng);
  auto req = decode_ok(d, with_field(d, "extra", "1"));
  CHECK(req.payload.is_object());
  CHECK(req.payload.empty());
}

TEST_CASE("payload: must be an object", "[decode]") {
  auto d = GENERATE(nx, ng);
  auto payload = GENERATE(as<std::string>{}, "[]", R"([{"a":1}])", "null",
                          R"("text")", "7", "false");
  INFO("payload: " << payload);
  auto f = decode_bad(d, with_field(d, "payload", payload));
  CHECK(f.error.code == errc::validation_failed);
  CHECK(f.error.field == "payload");
  CHECK(f.request_id == "r-5");
}

TEST_CASE("payload: an object is handed over intact", "[decode]") {
  auto d = GENERATE(nx, ng);
  std::string payload = R"({"a":[1,2.5,"x",null,{"b":true}],"c":{}})";
  auto req = decode_ok(d, with_field(d, "payload", payload));
  CHECK(req.payload == json::parse(payload));
}

TEST_CASE("timestamp: seconds, milliseconds and fractions accepted",
          "[decode]") {
  auto d = GENERATE(nx, ng);
  auto ts = GENERATE(as<std::string>{}, "1640995200", "1640995200000",
                     "1640995200.123", "0", "-1");
  INFO("timestamp: " << ts);
  CHECK(decode_ok(d, with_field(d, "timestamp", ts)).request_id == "r-5");
}

TEST_CASE("timestamp: anything but a number rejected", "[decode]") {
  auto d = GENERATE(nx, ng);
  auto ts = GENERATE(as<std::string>{}, R"("1640995200")", "null", "true",
                     "[1]", "{}");
  INFO("timestamp: " << ts);
  auto f = decode_bad(d, with_field(d, "timestamp", ts));
  CHECK(f.error.code == errc::validation_failed);
  CHECK(f.error.field == "timestamp");
  CHECK(f.request_id == "r-5");
}

TEST_CASE("neurograph: sender_id must be a string", "[decode][neurograph]") {
  CHECK(decode_ok(ng, with_field(ng, "sender_id", R"("bot")")).client_id ==
        "bot");
  auto sender = GENERATE(as<std::string>{}, "1", "null", "{}");
  auto f = decode_bad(ng, with_field(ng, "sender_id", sender));
  CHECK(f.error.code == errc::validation_failed);
  CHECK(f.error.field == "sender_id");
  CHECK(f.request_id == "r-5");
}

TEST_CASE("unknown envelope keys are ignored", "[decode]") {
  auto d = GENERATE(nx, ng);
  // Seed clients echo server-side keys back, e.g. `success`.
  std::string id_key = d == nx ? "request_id" : "id";
  auto req = decode_ok(d, R"({"type":"heartbeat",")" + id_key +
                              R"(":"r","success":true,"error":null,)"
                              R"("sender":1,"x":{"y":[]}})");
  CHECK(req.type == "heartbeat");
  CHECK(req.request_id == "r");
}

TEST_CASE("checks run in wire order", "[decode]") {
  // type before id before metadata before payload before timestamp.
  auto f = decode_bad(nx, R"({"request_id":5,"payload":[]})");
  CHECK(f.error.field == "type");
  f = decode_bad(nx, R"({"type":"x","request_id":5,"payload":[]})");
  CHECK(f.error.field == "request_id");
  f = decode_bad(nx, R"({"type":"x","request_id":"r","metadata":1,)"
                     R"("payload":[]})");
  CHECK(f.error.field == "metadata");
  f = decode_bad(nx, R"({"type":"x","request_id":"r","payload":[],)"
                     R"("timestamp":"t"})");
  CHECK(f.error.field == "payload");
  f = decode_bad(ng, R"({"type":"x","timestamp":"t","sender_id":1})");
  CHECK(f.error.field == "timestamp");
}
