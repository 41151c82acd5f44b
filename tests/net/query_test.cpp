// Request-target helpers: what reaches handlers and what reaches logs.
#include <catch2/catch.hpp>

#include "net/query.hpp"

using namespace nexus::net;

TEST_CASE("target_path strips the query", "[net][query]") {
  CHECK(target_path("/ws") == "/ws");
  CHECK(target_path("/ws?token=x") == "/ws");
  CHECK(target_path("/") == "/");
}

TEST_CASE("parse_query decodes parameters", "[net][query]") {
  auto q = parse_query("/ws?client_id=web%2Dapp&token=a.b.c&x=1+2&flag");
  CHECK(q["client_id"] == "web-app");
  CHECK(q["token"] == "a.b.c");
  CHECK(q["x"] == "1 2");
  CHECK(q.count("flag") == 1);
  CHECK(q["flag"].empty());
  CHECK(parse_query("/ws").empty());
  // First occurrence wins, so a second token cannot override the first.
  CHECK(parse_query("/ws?token=a&token=b")["token"] == "a");
  // Broken escapes are kept literally rather than guessed.
  CHECK(parse_query("/ws?x=%zz%4")["x"] == "%zz%4");
}

TEST_CASE("redact_target hides every token value", "[net][query]") {
  CHECK(redact_target("/ws?token=SECRET") == "/ws?token=REDACTED");
  CHECK(redact_target("/ws?client_id=a&token=SECRET&b=2")
        == "/ws?client_id=a&token=REDACTED&b=2");
  CHECK(redact_target("/ws?token=S1&token=S2")
        == "/ws?token=REDACTED&token=REDACTED");
  // An encoded parameter name is still a token.
  CHECK(redact_target("/ws?%74oken=SECRET").find("SECRET")
        == std::string::npos);
  CHECK(redact_target("/ws") == "/ws");
  CHECK(redact_target("/ws?a=1") == "/ws?a=1");
}
