// The catalog, the error-code table and the dialect names: the strings a
// client and the metrics see.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "messages/catalog.hpp"
#include "messages/dialect.hpp"
#include "messages/errc.hpp"

using namespace nexus::messages;

namespace {

/// PROTOCOL.md §3: every request and its reply type.
const std::vector<std::pair<std::string, std::string>> requests{
    {"heartbeat", "heartbeat"},
    {"auth.refresh", "auth.refreshed"},
    {"execute_template", "execute_template_response"},
    {"get_execution_status", "execution_status"},
    {"get_execution_result", "template_result"},
    {"resume_execution", "execution_status"},
    {"cancel_execution", "execution_status"},
    {"batch_execute", "batch_accepted"},
    {"get_batch_status", "batch_progress"},
    {"cancel_batch", "batch_progress"},
    {"subscribe", "subscribed"},
    {"unsubscribe", "unsubscribed"},
    {"publish", "published"},
    {"token.create", "token.created"},
    {"token.get", "token"},
    {"token.update", "token.updated"},
    {"token.delete", "token.deleted"},
    {"token.list", "token.list"},
    {"token.nearest", "token.nearest"},
    {"graph.connect", "graph.connected"},
    {"graph.disconnect", "graph.disconnected"},
    {"graph.neighbors", "graph.neighbors"},
    {"graph.path", "graph.path"},
};

/// PROTOCOL.md §3 server messages that are not a direct reply.
const std::vector<std::string> events{
    "connection.established", "error",          "auth.expiring",
    "template_progress",      "section_result", "status_update",
    "batch_item_result",      "batch_result",   "topic.message"};

bool contains(const std::vector<std::string_view>& xs, std::string_view x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

} // namespace

TEST_CASE("catalog: every request type of §3 is present", "[catalog]") {
  REQUIRE(requests.size() == request_kind_count);
  std::set<request_kind> kinds;
  for (const auto& [type, reply_type] : requests) {
    INFO("type: " << type);
    const catalog_entry* row = find_request(type);
    REQUIRE(row != nullptr);
    CHECK(row->type == type);
    CHECK(row->reply_type == reply_type);
    CHECK(&entry(row->kind) == row);
    kinds.insert(row->kind);
  }
  CHECK(kinds.size() == request_kind_count);
}

TEST_CASE("catalog: entry(kind) round-trips", "[catalog]") {
  for (std::size_t i = 0; i < request_kind_count; ++i) {
    auto kind = static_cast<request_kind>(i);
    CHECK(entry(kind).kind == kind);
    CHECK(find_request(entry(kind).type) == &entry(kind));
  }
}

TEST_CASE("catalog: unknown types are not found", "[catalog]") {
  auto type = GENERATE(as<std::string>{}, "", "unknown", "HEARTBEAT",
                       "heartbeat ", "token", "token.created", "error",
                       "connection.established", "graph", "tokens.create");
  CHECK(find_request(type) == nullptr);
}

TEST_CASE("catalog: known_type_names", "[catalog][metrics]") {
  const auto& names = known_type_names();
  REQUIRE_FALSE(names.empty());
  CHECK(names.back() == "unknown");
  CHECK(std::count(names.begin(), names.end(), "unknown") == 1);
  std::set<std::string_view> unique(names.begin(), names.end());
  CHECK(unique.size() == names.size());
  for (const auto& [type, reply_type] : requests) {
    CHECK(contains(names, type));
    CHECK(contains(names, reply_type));
  }
  for (const auto& type : events)
    CHECK(contains(names, type));
  CHECK(&names == &known_type_names());
}

TEST_CASE("errc: codes and types of §5", "[errc]") {
  const std::vector<std::tuple<errc, std::string, std::string>> table{
      {errc::invalid_json, "INVALID_JSON", "PROTOCOL_ERROR"},
      {errc::unknown_message_type, "UNKNOWN_MESSAGE_TYPE", "PROTOCOL_ERROR"},
      {errc::unsupported_protocol_version, "UNSUPPORTED_PROTOCOL_VERSION",
       "PROTOCOL_ERROR"},
      {errc::validation_failed, "VALIDATION_FAILED", "VALIDATION_ERROR"},
      {errc::authentication_failed, "AUTHENTICATION_FAILED", "AUTH_ERROR"},
      {errc::forbidden, "FORBIDDEN", "AUTH_ERROR"},
      {errc::rate_limit_exceeded, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT_ERROR"},
      {errc::not_found, "NOT_FOUND", "NOT_FOUND_ERROR"},
      {errc::conflict, "CONFLICT", "VALIDATION_ERROR"},
      {errc::timeout, "TIMEOUT", "EXECUTION_ERROR"},
      {errc::execution_failed, "EXECUTION_FAILED", "EXECUTION_ERROR"},
      {errc::overloaded, "OVERLOADED", "SERVER_ERROR"},
      {errc::internal_error, "INTERNAL_ERROR", "SERVER_ERROR"},
  };
  REQUIRE(table.size() == errc_count);
  for (const auto& [e, code, type] : table) {
    CHECK(code_string(e) == code);
    CHECK(type_string(e) == type);
  }
}

TEST_CASE("dialect: names and subprotocols", "[dialect]") {
  CHECK(to_string(dialect::nexus) == "nexus");
  CHECK(to_string(dialect::neurograph) == "neurograph");
  CHECK(subprotocol(dialect::nexus) == "nexus-json");
  CHECK(subprotocol(dialect::neurograph) == "neurograph-json");
  CHECK(from_subprotocol("nexus-json") == dialect::nexus);
  CHECK(from_subprotocol("neurograph-json") == dialect::neurograph);
  for (auto token : {"", "nexus", "NEXUS-JSON", "nexus-json ", "json",
                     "neurograph", "graphql-ws"})
    CHECK_FALSE(from_subprotocol(token).has_value());
  CHECK(protocol_version == "2.0.0");
}
