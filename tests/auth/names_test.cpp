// The strings other layers and clients rely on: plan names, failure reason
// names (details.reason) and strict base64url.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "auth/base64url.hpp"
#include "auth/jwt_verifier.hpp"

namespace nexus::auth::test {

TEST_CASE("plan names round trip and nothing else parses", "[auth][names]") {
  for (auto p : {plan::free, plan::pro, plan::enterprise})
    CHECK(parse_plan(to_string(p)) == p);
  CHECK(to_string(plan::free) == "free");
  CHECK(to_string(plan::pro) == "pro");
  CHECK(to_string(plan::enterprise) == "enterprise");
  for (auto name : {"", "Pro", "FREE", "enterprise ", "platinum"})
    CHECK_FALSE(parse_plan(name).has_value());
}

TEST_CASE("failure reasons have distinct snake_case names", "[auth][names]") {
  std::set<std::string> names;
  for (std::size_t i = 0; i < failure_reason_count; ++i) {
    std::string name{to_string(static_cast<failure_reason>(i))};
    INFO("reason " << i << " = " << name);
    CHECK_FALSE(name.empty());
    CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") ==
          std::string::npos);
    names.insert(name);
  }
  CHECK(names.size() == failure_reason_count);
  CHECK(to_string(failure_reason::expired) == "expired");
  CHECK(to_string(failure_reason::algorithm_not_allowed) ==
        "algorithm_not_allowed");
  CHECK(to_string(failure_reason::invalid_claim) == "invalid_claim");
}

TEST_CASE("base64url follows RFC 4648 without padding", "[auth][names]") {
  CHECK(base64url::encode("") == "");
  CHECK(base64url::encode("f") == "Zg");
  CHECK(base64url::encode("fo") == "Zm8");
  CHECK(base64url::encode("foo") == "Zm9v");
  CHECK(base64url::encode("foobar") == "Zm9vYmFy");
  CHECK(base64url::encode("\xfb\xff") == "-_8");
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 7)
    CHECK(base64url::decode(base64url::encode(all.substr(0, n))) ==
          all.substr(0, n));
}

TEST_CASE("base64url accepts one spelling per byte string", "[auth][names]") {
  CHECK(base64url::decode("Zm9v") == std::string{"foo"});
  CHECK(base64url::decode("-_8") == std::string{"\xfb\xff"});
  CHECK_FALSE(base64url::decode("Zg==").has_value()); // padding
  CHECK_FALSE(base64url::decode("Zm+v").has_value()); // standard alphabet
  CHECK_FALSE(base64url::decode("Zm/v").has_value());
  CHECK_FALSE(base64url::decode("Z").has_value());  // 1 mod 4
  CHECK_FALSE(base64url::decode("Zh").has_value()); // unused bits set
  CHECK_FALSE(base64url::decode("Zm9").has_value());
  CHECK_FALSE(base64url::decode("Zm 9v").has_value());
  CHECK_FALSE(base64url::decode(std::string{"Zm\09v", 5}).has_value());
}

} // namespace nexus::auth::test
