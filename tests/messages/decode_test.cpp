// Decoding of inbound frames in both dialects: every rule of the envelope
// as a client sees it (PROTOCOL.md §2, §5).
#include <string>

#include "codec_test_support.hpp"

using namespace nexus::messages;
using nexus::messages::test::decode_bad;
using nexus::messages::test::decode_ok;
using nexus::messages::test::nested_frame;
using nlohmann::json;

namespace {

constexpr auto nx = dialect::nexus;
constexpr auto ng = dialect::neurograph;

/// A nexus execute_template frame whose request_id is `id` (raw JSON).
std::string nexus_with_id(const std::string& id) {
  return R"({"type":"execute_template","request_id":)" + id +
         R"(,"payload":{}})";
}

/// A neurograph frame whose id is `id` (raw JSON).
std::string neuro_with_id(const std::string& id) {
  return R"({"type":"token.create","id":)" + id + R"(,"payload":{}})";
}

/// Requires VALIDATION_FAILED naming `field`.
void require_invalid_field(const decode_failure& f, const std::string& field) {
  CHECK(f.error.code == errc::validation_failed);
  CHECK(type_string(f.error.code) == "VALIDATION_ERROR");
  CHECK(f.error.field == field);
  CHECK_FALSE(f.error.message.empty());
}

} // namespace

TEST_CASE("nexus: a full request decodes", "[decode][nexus]") {
  std::string text = R"({"type":"execute_template","request_id":"r-1",
    "metadata":{"protocol_version":"2.0.0","client_version":"2.0.0",
                "client_id":"web-app","client_type":"web"},
    "payload":{"query":"borscht","options":{"timeout_ms":1000}},
    "timestamp":1640995200})";
  auto req = decode_ok(nx, text);
  CHECK(req.type == "execute_template");
  CHECK(req.request_id == "r-1");
  CHECK(req.client_id == "web-app");
  CHECK(req.payload["query"] == "borscht");
  CHECK(req.payload["options"]["timeout_ms"] == 1000);
  CHECK(req.frame_bytes == text.size());
}

TEST_CASE("neurograph: a full request decodes", "[decode][neurograph]") {
  std::string text = R"({"id":"msg_123","type":"token.create",
    "payload":{"type":"word"},"timestamp":1234567890000,
    "sender_id":"py-client"})";
  auto req = decode_ok(ng, text);
  CHECK(req.type == "token.create");
  CHECK(req.request_id == "msg_123");
  CHECK(req.client_id == "py-client");
  CHECK(req.payload == json{{"type", "word"}});
  CHECK(req.frame_bytes == text.size());
}

TEST_CASE("not JSON, not an object: INVALID_JSON", "[decode]") {
  auto d = GENERATE(nx, ng);
  auto text = GENERATE(
      as<std::string>{}, "", " ", "hello", "{", R"({"type":"heartbeat")",
      R"({"type":"heart)", R"({"type":"heartbeat",})", "[]", "[1,2]",
      R"("heartbeat")", "42", "null", "true", "{\"type\":\"\xff\xfe\"}",
      R"({"type":'x'})", R"({"type":"heartbeat"} {})");
  INFO("frame: " << text);
  auto f = decode_bad(d, text);
  CHECK(f.error.code == errc::invalid_json);
  CHECK(code_string(f.error.code) == "INVALID_JSON");
  CHECK(type_string(f.error.code) == "PROTOCOL_ERROR");
  CHECK(f.error.field.empty());
  CHECK(f.request_id.empty());
}

TEST_CASE("a raw NUL byte is INVALID_JSON, even after a valid object",
          "[decode]") {
  auto d = GENERATE(nx, ng);
  using namespace std::string_literals;
  for (const auto& text : {"{\"type\":\"heartbeat\"}\0"s,
                           "{\"type\":\"heartbeat\"}\0{garbage"s,
                           "{\"type\":\"heart\0beat\"}"s, "\0"s}) {
    INFO("frame bytes: " << text.size());
    CHECK(decode_bad(d, text).error.code == errc::invalid_json);
  }
  // Escaped NUL inside a string is fine.
  auto req = decode_ok(d, R"({"type":"heartbeat","x":"a\u0000b"})");
  CHECK(req.type == "heartbeat");
}

TEST_CASE("INVALID_JSON says which", "[decode]") {
  auto d = GENERATE(nx, ng);
  CHECK(decode_bad(d, "[]").error.message.find("object") != std::string::npos);
  CHECK(decode_bad(d, "{").error.message.find("not valid JSON") !=
        std::string::npos);
  std::string deep = nested_frame("id", 65);
  CHECK(decode_bad(d, deep).error.message.find("64") != std::string::npos);
}

TEST_CASE("depth: 64 levels accepted, 65 rejected", "[decode][depth]") {
  auto arrays = GENERATE(false, true);
  SECTION("nexus") {
    auto ok = decode_ok(nx, nested_frame("request_id", 64, arrays));
    CHECK(ok.request_id == "r1");
    auto f = decode_bad(nx, nested_frame("request_id", 65, arrays));
    CHECK(f.error.code == errc::invalid_json);
  }
  SECTION("neurograph") {
    auto ok = decode_ok(ng, nested_frame("id", 64, arrays));
    CHECK(ok.request_id == "r1");
    auto f = decode_bad(ng, nested_frame("id", 65, arrays));
    CHECK(f.error.code == errc::invalid_json);
  }
}

TEST_CASE("depth: the limit is configurable", "[decode][depth]") {
  decode_limits limits;
  limits.max_depth = 3;
  decode_ok(nx, nested_frame("request_id", 3), limits);
  CHECK(decode_bad(nx, nested_frame("request_id", 4), limits).error.code ==
        errc::invalid_json);
  limits.max_depth = 1;
  decode_ok(nx, R"({"type":"heartbeat"})", limits);
  CHECK(decode_bad(nx, R"({"type":"heartbeat","payload":{}})", limits)
            .error.code == errc::invalid_json);
}

TEST_CASE("depth: 100,000 nested arrays rejected without crashing",
          "[decode][depth]") {
  auto d = GENERATE(nx, ng);
  constexpr int n = 100'000;
  std::string bare(n, '[');
  bare.append(n, ']');
  CHECK(decode_bad(d, bare).error.code == errc::invalid_json);
  std::string inside = R"({"type":"heartbeat","payload":{"a":)" + bare + "}}";
  CHECK(decode_bad(d, inside).error.code == errc::invalid_json);
  std::string unclosed(n, '[');
  CHECK(decode_bad(d, unclosed).error.code == errc::invalid_json);
  std::string objects;
  for (int i = 0; i < n; ++i)
    objects += R"({"a":)";
  objects += "1";
  objects.append(n, '}');
  CHECK(decode_bad(d, objects).error.code == errc::invalid_json);
}

TEST_CASE("type: required non-empty string of at most 128 chars", "[decode]") {
  auto d = GENERATE(nx, ng);
  std::string id_key = d == nx ? "request_id" : "id";
  auto type =
      GENERATE(as<std::string>{}, "", R"("")", "42", "null", R"(["heartbeat"])",
               R"({"a":1})", "true", '"' + std::string(129, 't') + '"');
  std::string text = "{";
  if (!type.empty())
    text += R"("type":)" + type + ",";
  text += '"' + id_key + R"(":"r-7"})";
  INFO("frame: " << text);
  auto f = decode_bad(d, text);
  require_invalid_field(f, "type");
  CHECK(f.request_id == "r-7"); // correlatable despite the bad type
}

TEST_CASE("type: 128 chars accepted, unknown names are not decode errors",
          "[decode]") {
  auto d = GENERATE(nx, ng);
  std::string id_key = d == nx ? "request_id" : "id";
  std::string long_type(128, 't');
  auto req = decode_ok(d, R"({"type":")" + long_type + R"(",")" + id_key +
                              R"(":"r"})");
  CHECK(req.type == long_type);
  CHECK(decode_ok(d, R"({"type":"no.such","id":"x","request_id":"x"})").type ==
        "no.such");
}

TEST_CASE("id: 1 to 128 characters", "[decode][id]") {
  std::string max_ascii = '"' + std::string(128, 'a') + '"';
  std::string max_utf8 = "\"";
  for (int i = 0; i < 128; ++i)
    max_utf8 += "\xc3\xa9"; // é: 128 characters, 256 bytes
  max_utf8 += '"';
  for (const auto& id : {max_ascii, max_utf8, std::string{R"("x")"}}) {
    auto expected = json::parse(id).get<std::string>();
    CHECK(decode_ok(nx, nexus_with_id(id)).request_id == expected);
    CHECK(decode_ok(ng, neuro_with_id(id)).request_id == expected);
  }
}

TEST_CASE("id: wrong shapes rejected naming the field", "[decode][id]") {
  auto id =
      GENERATE(as<std::string>{}, R"("")", "42", "null", "true", R"(["a"])",
               R"({"a":"b"})", '"' + std::string(129, 'a') + '"');
  INFO("id: " << id);
  auto f = decode_bad(nx, nexus_with_id(id));
  require_invalid_field(f, "request_id");
  CHECK(f.request_id.empty());
  auto g = decode_bad(ng, neuro_with_id(id));
  require_invalid_field(g, "id");
  CHECK(g.request_id.empty());
}

TEST_CASE("nexus: request_id optional only for heartbeat", "[decode][id]") {
  auto hb = decode_ok(nx, R"({"type":"heartbeat","timestamp":1})");
  CHECK(hb.type == "heartbeat");
  CHECK(hb.request_id.empty());
  CHECK(hb.payload == json::object());
  auto type = GENERATE(as<std::string>{}, "execute_template", "subscribe",
                       "token.create", "no.such.type");
  auto f = decode_bad(nx, R"({"type":")" + type + R"(","payload":{}})");
  require_invalid_field(f, "request_id");
  CHECK(f.request_id.empty());
}

TEST_CASE("nexus: an empty request_id is not allowed even on heartbeat",
          "[decode][id]") {
  require_invalid_field(
      decode_bad(nx, R"({"type":"heartbeat","request_id":""})"), "request_id");
}

TEST_CASE("neurograph: id is optional for every type", "[decode][id]") {
  auto type =
      GENERATE(as<std::string>{}, "heartbeat", "token.create", "subscribe");
  auto req = decode_ok(ng, R"({"type":")" + type + R"("})");
  CHECK(req.type == type);
  CHECK(req.request_id.empty());
}

TEST_CASE("each dialect ignores the other's id key", "[decode][id]") {
  // nexus reads request_id only; neurograph reads id only.
  require_invalid_field(decode_bad(nx, R"({"type":"publish","id":"a"})"),
                        "request_id");
  auto req = decode_ok(ng, R"({"type":"publish","request_id":"a"})");
  CHECK(req.request_id.empty());
}
