// Catch assertions for the wire contract; each failure names the dialect and
// shows the offending message.
#include "tests/integration/protocol_checks.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <ctime>
#include <regex>

namespace nexus::test {

namespace {

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

/// True when `s` is an RFC 3339 UTC time within two minutes of now.
bool is_recent_rfc3339_utc(std::string const& s) {
  auto ms = parse_rfc3339_ms(s);
  return ms && std::fabs(static_cast<double>(*ms) / 1000 - now_seconds()) < 120;
}

/// True when `v` is a non-empty string.
bool non_empty_string(json const& v) {
  return v.is_string() && !v.get<std::string>().empty();
}

/// The object holding a message's data: nexus `payload` or `error`,
/// neurograph always `payload`; null when absent.
json body_of(dialect d, json const& msg) {
  char const* key = d == dialect::nexus && msg.value("success", true) == false
                      ? "error"
                      : "payload";
  return msg.contains(key) ? msg[key] : json{};
}

} // namespace

std::optional<std::int64_t> parse_rfc3339_ms(std::string const& s) {
  static std::regex const re{
    R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.(\d+))?Z$)"};
  std::smatch m;
  if (!std::regex_match(s, m, re))
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1].str()) - 1900;
  tm.tm_mon = std::stoi(m[2].str()) - 1;
  tm.tm_mday = std::stoi(m[3].str());
  tm.tm_hour = std::stoi(m[4].str());
  tm.tm_min = std::stoi(m[5].str());
  tm.tm_sec = std::stoi(m[6].str());
  std::int64_t ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  if (m[8].matched) {
    auto frac = m[8].str() + "00";
    ms += std::stoi(frac.substr(0, 3));
  }
  return ms;
}

std::string name_of(dialect d) {
  return d == dialect::nexus ? "nexus" : "neurograph";
}

std::string subprotocol_of(dialect d) {
  return name_of(d) + "-json";
}

json make_request(dialect d, std::string const& type, std::string const& id,
                  json payload) {
  json msg{{"type", type}, {"payload", std::move(payload)}};
  if (d == dialect::nexus) {
    msg["metadata"] = {{"protocol_version", "2.0.0"},
                       {"client_version", "2.0.0"}};
    msg["timestamp"] = static_cast<std::int64_t>(now_seconds());
    if (!id.empty())
      msg["request_id"] = id;
  } else {
    msg["timestamp"] = static_cast<std::int64_t>(now_seconds() * 1000);
    if (!id.empty())
      msg["id"] = id;
  }
  return msg;
}

std::string heartbeat_request(dialect d, std::string const& id) {
  return make_request(d, "heartbeat", id).dump();
}

void check_envelope(dialect d, json const& msg) {
  INFO(name_of(d) << " message: " << msg.dump().substr(0, 600));
  REQUIRE(msg.is_object());
  CHECK(non_empty_string(msg.value("type", json{})));
  if (d == dialect::nexus) {
    REQUIRE(msg.contains("success"));
    CHECK(msg["success"].is_boolean());
    // An error to a request whose request_id could not be read (not JSON,
    // missing) may carry null, as JSON-RPC does; everything else an id.
    auto rid = msg.value("request_id", json::object());
    bool null_ok = msg.value("type", "") == "error";
    CHECK((non_empty_string(rid) || (null_ok && rid.is_null())));
    auto meta = msg.value("metadata", json::object());
    CHECK(meta.value("protocol_version", "") == "2.0.0");
    CHECK(non_empty_string(meta.value("server_version", json{})));
    auto ts = msg.value("timestamp", json{});
    REQUIRE(ts.is_number());
    CHECK(std::fabs(ts.get<double>() - now_seconds()) < 120);
    bool ok = msg.value("success", false);
    CHECK(msg.contains(ok ? "payload" : "error"));
    CHECK_FALSE(msg.contains(ok ? "error" : "payload"));
  } else {
    auto id = msg.value("id", std::string{});
    CHECK(id.rfind("msg_", 0) == 0);
    CHECK(msg.value("sender_id", "") == "server");
    CHECK(msg.value("payload", json{}).is_object());
    auto ts = msg.value("timestamp", json{});
    REQUIRE(ts.is_number());
    CHECK(std::fabs(ts.get<double>() / 1000 - now_seconds()) < 120);
  }
}

void check_established(dialect d, json const& msg,
                       std::string const& user) {
  check_envelope(d, msg);
  INFO(name_of(d) << " connection.established: " << msg.dump());
  REQUIRE(msg.value("type", "") == "connection.established");
  if (d == dialect::nexus)
    CHECK(msg.value("success", false));
  else
    CHECK_FALSE(msg.contains("request_id")); // not a reply
  auto p = body_of(d, msg);
  REQUIRE(p.is_object());
  CHECK(non_empty_string(p.value("connection_id", json{})));
  CHECK(non_empty_string(p.value("client_id", json{})));
  CHECK(p.value("user_id", "") == user);
  CHECK(non_empty_string(p.value("node_id", json{})));
  CHECK(p.value("dialect", "") == name_of(d));
  CHECK(p.value("protocol_version", "") == "2.0.0");
  CHECK(non_empty_string(p.value("server_version", json{})));
  auto interval = p.value("heartbeat_interval_ms", json{});
  CHECK(interval.is_number_integer());
  CHECK((interval.is_number() && interval.get<double>() > 0));
  auto limits = p.value("limits", json::object());
  CHECK(limits.value("max_message_bytes", json{}) == 1048576);
  CHECK(limits.value("rate_per_sec", json{}) == 10);
  CHECK(limits.value("burst", json{}) == 20);
}

void check_heartbeat_reply(dialect d, json const& msg, std::string const& id) {
  check_envelope(d, msg);
  INFO(name_of(d) << " heartbeat reply: " << msg.dump());
  CHECK(msg.value("type", "") == "heartbeat");
  CHECK(msg.value("request_id", "") == id);
  if (d == dialect::nexus)
    CHECK(msg.value("success", false));
  auto p = body_of(d, msg);
  REQUIRE(p.is_object());
  CHECK(p.value("timestamp", json{}).is_number());
  CHECK(is_recent_rfc3339_utc(p.value("server_time", "")));
}

void check_error(dialect d, json const& msg, expected_error const& want) {
  check_envelope(d, msg);
  INFO(name_of(d) << " error reply: " << msg.dump().substr(0, 600));
  REQUIRE(msg.value("type", "") == "error");
  if (d == dialect::nexus)
    CHECK(msg.value("success", true) == false);
  auto e = body_of(d, msg);
  REQUIRE(e.is_object());
  CHECK(e.value("code", "") == want.code);
  CHECK(non_empty_string(e.value("message", json{})));
  if (!want.type.empty())
    CHECK(e.value("type", "") == want.type);
  if (!want.field.empty())
    CHECK(e.value("field", "") == want.field);
  if (!want.request_id.empty())
    CHECK(msg.value("request_id", "") == want.request_id);
}

void check_alive(ws_client& client, dialect d, std::string const& id) {
  client.send_text(heartbeat_request(d, id));
  check_heartbeat_reply(d, client.read_reply(id), id);
}

std::string nested_heartbeat(dialect d, std::string const& id, int depth) {
  auto text = heartbeat_request(d, id);
  text.pop_back(); // the closing '}'
  auto arrays = static_cast<std::size_t>(depth - 1);
  return text + ",\"nest\":" + std::string(arrays, '[')
         + std::string(arrays, ']') + "}";
}

void require_upgrade(raw_tcp& peer, std::uint16_t port) {
  REQUIRE(peer.write(upgrade_request_text(port, "/ws")));
  auto head = peer.read_until("\r\n\r\n");
  REQUIRE(head.has_value());
  REQUIRE(head->rfind("HTTP/1.1 101", 0) == 0);
}

} // namespace nexus::test
