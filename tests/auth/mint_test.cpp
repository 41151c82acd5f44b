// mint() round trips through verify(), and hostile or odd tokens built here
// (deep JSON, duplicate names, absurd NumericDates, garbage) are refused or
// accepted without throwing or crashing.
#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "auth/base64url.hpp"
#include "auth/jwt_verifier.hpp"

namespace nexus::auth::test {

namespace {

using nlohmann::json;

constexpr int64_t now = 1'750'000'000;

const jwt_key hs256{"k256", "HS256", "secret-of-hs256"};
const jwt_key hs384{"k384", "HS384", "secret-of-hs384"};
const jwt_key hs512{"k512", "HS512", "secret-of-hs512"};
const jwt_key kidless{"", "HS256", "secret-without-kid"};

jwt_verifier verifier(std::size_t max_token_bytes = 4096) {
  verifier_options options;
  options.keys = {hs256, hs384, hs512, kidless};
  options.max_token_bytes = max_token_bytes;
  auto made = jwt_verifier::make(std::move(options));
  REQUIRE(std::holds_alternative<jwt_verifier>(made));
  return std::get<jwt_verifier>(std::move(made));
}

std::string outcome(const std::variant<identity, failure>& result) {
  if (auto* f = std::get_if<failure>(&result))
    return std::string{to_string(f->reason)};
  return "accept";
}

/// An unsigned token from raw header and payload text.
std::string raw_token(const std::string& header, const std::string& payload) {
  return base64url::encode(header) + "." + base64url::encode(payload) + ".";
}

json claims() {
  return {{"sub", "user-7"}, {"exp", now + 600}};
}

} // namespace

TEST_CASE("mint round trips through verify for every HS algorithm",
          "[auth][mint]") {
  auto v = verifier();
  for (const auto* key : {&hs256, &hs384, &hs512, &kidless}) {
    INFO("key " << key->alg << " kid '" << key->kid << "'");
    auto c = claims();
    c["plan"] = "pro";
    c["topics"] = {"a.*", "b"};
    auto token = mint(*key, c);
    REQUIRE_FALSE(token.empty());
    auto header =
        json::parse(*base64url::decode(token.substr(0, token.find('.'))));
    CHECK(header["alg"] == key->alg);
    CHECK(header.contains("kid") == !key->kid.empty());
    auto result = v.verify(token, now);
    REQUIRE(outcome(result) == "accept");
    const auto& id = std::get<identity>(result);
    CHECK(id.user_id == "user-7");
    CHECK(id.user_plan == plan::pro);
    CHECK(id.topics == std::vector<std::string>{"a.*", "b"});
    CHECK(id.expires_at == now + 600);
  }
}

TEST_CASE("a minted token only verifies with its own secret", "[auth][mint]") {
  auto v = verifier();
  jwt_key impostor{"k256", "HS256", "another-secret"};
  CHECK(outcome(v.verify(mint(impostor, claims()), now)) == "bad_signature");
  jwt_key wrong_alg{"k256", "HS512", "secret-of-hs256"};
  CHECK(outcome(v.verify(mint(wrong_alg, claims()), now)) ==
        "algorithm_not_allowed");
}

TEST_CASE("mint refuses what it cannot sign", "[auth][mint]") {
  CHECK(mint({"r", "RS256", "-----BEGIN PUBLIC KEY-----"}, claims()).empty());
  CHECK(mint({"n", "none", "x"}, claims()).empty());
  CHECK(mint({"e", "HS256", ""}, claims()).empty());
  CHECK(mint(hs256, json::array({1, 2})).empty());
  CHECK(mint(hs256, "sub").empty());
  std::string bad_utf8 = "\xff\xfe";
  CHECK(mint(hs256, {{"sub", bad_utf8}}).empty());
}

TEST_CASE("NumericDates of any size or type never overflow", "[auth][mint]") {
  auto v = verifier();
  auto at = [&](const json& exp) {
    auto c = claims();
    c["exp"] = exp;
    auto token = mint(hs256, c);
    REQUIRE_FALSE(token.empty());
    return v.verify(token, now);
  };
  auto far = at(1e300);
  REQUIRE(outcome(far) == "accept");
  CHECK(std::get<identity>(far).expires_at ==
        std::numeric_limits<int64_t>::max());
  CHECK(outcome(at(std::numeric_limits<int64_t>::max())) == "accept");
  CHECK(outcome(at(-1e300)) == "expired");
  CHECK(outcome(at(std::numeric_limits<int64_t>::min())) == "expired");
  CHECK(outcome(at(now + 0.5)) == "accept");
  CHECK(outcome(at(now - 30.5)) == "expired");
  CHECK(outcome(at(true)) == "invalid_claim");
  CHECK(outcome(at(nullptr)) == "invalid_claim");
  CHECK(outcome(at(json::array({now + 600}))) == "invalid_claim");

  auto c = claims();
  c["nbf"] = std::numeric_limits<int64_t>::max();
  CHECK(outcome(v.verify(mint(hs256, c), now)) == "not_yet_valid");
  c["nbf"] = "soon";
  CHECK(outcome(v.verify(mint(hs256, c), now)) == "invalid_claim");
  c = claims();
  c["iat"] = 1e300;
  CHECK(outcome(v.verify(mint(hs256, c), now)) == "issued_in_future");
  // And a clock near the end of time does not wrap around either.
  CHECK(outcome(v.verify(mint(hs256, claims()),
                         std::numeric_limits<int64_t>::max())) == "expired");
  CHECK(outcome(v.verify(mint(hs256, claims()),
                         std::numeric_limits<int64_t>::min())) == "accept");
}

TEST_CASE("deeply nested JSON is refused, not parsed into a tree",
          "[auth][robustness]") {
  auto v = verifier(1 << 22);
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(outcome(v.verify(
            raw_token(R"({"alg":"HS256","x":)" + deep + "}", claims().dump()),
            now)) == "malformed");
  CHECK(outcome(v.verify(
            raw_token(R"({"alg":"HS256"})", R"({"sub":"u","x":)" + deep + "}"),
            now)) == "malformed");
  // 16 levels are fine (then the missing signature is what fails).
  std::string ok = std::string(15, '[') + std::string(15, ']');
  CHECK(outcome(v.verify(
            raw_token(R"({"alg":"HS256","x":)" + ok + "}", claims().dump()),
            now)) == "bad_signature");
}

TEST_CASE("repeated member names are refused", "[auth][robustness]") {
  auto v = verifier();
  CHECK(outcome(v.verify(
            raw_token(R"({"alg":"none","alg":"HS256"})", claims().dump()),
            now)) == "malformed");
  CHECK(outcome(v.verify(
            raw_token(R"({"alg":"HS256"})", R"({"sub":"a","sub":"b","exp":1})"),
            now)) == "malformed");
  CHECK(outcome(v.verify(
            raw_token(R"({"alg":"HS256"})", R"({"sub":"a","x":{"y":1,"y":2}})"),
            now)) == "malformed");
}

TEST_CASE("header members are checked before any key is used",
          "[auth][robustness]") {
  auto v = verifier();
  auto with_header = [&](const std::string& header) {
    return outcome(v.verify(raw_token(header, claims().dump()), now));
  };
  CHECK(with_header(R"({"alg":"HS256","kid":"k256","crit":["exp"]})") ==
        "forbidden_header");
  CHECK(with_header(R"({"alg":"HS256","x5c":["MIIB"]})") == "forbidden_header");
  CHECK(with_header(R"({"alg":"HS256","jwk":null})") == "forbidden_header");
  CHECK(with_header(R"({"kid":"k256"})") == "malformed");
  CHECK(with_header(R"({"alg":256})") == "malformed");
  CHECK(with_header(R"({"alg":"HS256","kid":7})") == "malformed");
  CHECK(with_header(R"({"alg":"HS256","typ":7})") == "malformed");
  CHECK(with_header(R"({"alg":"hs256","kid":"k256"})") ==
        "algorithm_not_allowed");
  CHECK(with_header(R"({"alg":"ES512","kid":"k256"})") ==
        "algorithm_not_allowed");
  CHECK(with_header(R"({"alg":"HS256","kid":"nope"})") == "unknown_kid");
  CHECK(with_header(R"({"alg":"HS256","kid":"k256","typ":"jwt"})") ==
        "bad_signature");
  CHECK(with_header(R"(["alg","HS256"])") == "malformed");
}

TEST_CASE("garbage never throws", "[auth][robustness]") {
  auto v = verifier();
  for (std::string token :
       {std::string{"."}, std::string{".."}, std::string{"..."},
        std::string{"a.b.c"}, std::string{"e30.e30.e30"},
        std::string{"e30..e30"}, std::string{"\0.\0.\0", 5},
        std::string{"\xc3\xa9.\xc3\xa9.\xc3\xa9"}, std::string(4096, '.'),
        std::string(4096, 'A'), std::string(4097, 'A'),
        std::string{"Bearer "} + mint(hs256, claims())}) {
    INFO("token of " << token.size() << " bytes");
    std::variant<identity, failure> result;
    REQUIRE_NOTHROW(result = v.verify(token, now));
    CHECK(outcome(result) != "accept");
  }
  CHECK(outcome(v.verify(std::string(4097, 'A'), now)) == "too_large");
  CHECK(outcome(v.verify("", now)) == "missing");
}

TEST_CASE("sub must be a printable user id", "[auth][mint]") {
  auto v = verifier();
  auto with_sub = [&](const json& sub) {
    auto c = claims();
    c["sub"] = sub;
    return outcome(v.verify(mint(hs256, c), now));
  };
  CHECK(with_sub("user-\xc3\xa9") == "accept");
  CHECK(with_sub("") == "invalid_claim");
  CHECK(with_sub("alice\nlevel=admin") == "invalid_claim");
  CHECK(with_sub("tab\there") == "invalid_claim");
  CHECK(with_sub("del\x7f") == "invalid_claim");
  CHECK(with_sub(json::array({"a"})) == "invalid_claim");
}

TEST_CASE("HS payloads that libjwt's JSON parser refuses are refused",
          "[auth][robustness]") {
  // PyJWT, HS256, secret "k", exp 2000000000. libjwt parses the payload
  // with jansson even just to check an HMAC; jansson refuses integers
  // outside int64 and \u0000 in strings, so these never verify (ADR 0005).
  verifier_options options;
  options.keys = {{"", "HS256", "k"}};
  auto made = jwt_verifier::make(options);
  REQUIRE(std::holds_alternative<jwt_verifier>(made));
  const auto& v = std::get<jwt_verifier>(made);
  auto big_2_64 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1IiwiZXh"
                  "wIjoyMDAwMDAwMDAwLCJiaWciOjE4NDQ2NzQ0MDczNzA5NTUxNjE2fQ."
                  "5IcyCtfdQxuCd3gCMIeggxa63Pi3MmsLPsttu3_ROEQ";
  auto big_2_63 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1IiwiZXh"
                  "wIjoyMDAwMDAwMDAwLCJiaWciOjkyMjMzNzIwMzY4NTQ3NzU4MDh9."
                  "29dnVpcJITJjgQYDXf9T2Nv89yKbcRfSc20d-jdU4c4";
  auto minus_2_63 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1Iiwi"
                    "ZXhwIjoyMDAwMDAwMDAwLCJiaWciOi05MjIzMzcyMDM2ODU0Nzc1OD"
                    "A4fQ.kcaQ_iJ4_PPwLQBSZzQouy42zzFlP--PSpMPOeW62Hs";
  auto nul_in_sub = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1XHUw"
                    "MDAweCIsImV4cCI6MjAwMDAwMDAwMH0.paDOlIIB4IHCmD3B66Ces8"
                    "IboEsAQjdjYCuujjs9eSI";
  CHECK(outcome(v.verify(minus_2_63, now)) == "accept");
  CHECK(outcome(v.verify(big_2_63, now)) == "bad_signature");
  CHECK(outcome(v.verify(big_2_64, now)) == "bad_signature");
  CHECK(outcome(v.verify(nul_in_sub, now)) == "bad_signature");
  // mint() goes through the same parser and refuses such claims.
  auto c = claims();
  c["big"] = std::numeric_limits<uint64_t>::max();
  CHECK(mint(hs256, c).empty());
}

} // namespace nexus::auth::test
