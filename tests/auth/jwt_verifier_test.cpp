// jwt_verifier against the PyJWT-minted matrix (every token accepted or
// refused for exactly the expected reason), configuration variants built on
// the same tokens, and messages that never echo a token.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "auth/jwt_verifier.hpp"
#include "minted_matrix.hpp"

namespace nexus::auth::test {

namespace {

/// A verifier from `options`; fails the test with the problems if refused.
jwt_verifier make_or_fail(verifier_options options) {
  auto made = jwt_verifier::make(std::move(options));
  if (auto* problems = std::get_if<std::vector<std::string>>(&made)) {
    for (const auto& p : *problems)
      UNSCOPED_INFO(p);
    FAIL("jwt_verifier::make refused the options");
  }
  return std::get<jwt_verifier>(std::move(made));
}

/// "accept" or the failure reason's name.
std::string outcome(const std::variant<identity, failure>& result) {
  if (auto* f = std::get_if<failure>(&result))
    return std::string{to_string(f->reason)};
  return "accept";
}

/// The token's dot-separated segments.
std::vector<std::string> segments(const std::string& token) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto dot = token.find('.', start);
    out.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos)
      return out;
    start = dot + 1;
  }
}

std::string outcome_of(const minted_matrix& m, const std::string& name,
                       const verifier_options& options) {
  auto v = make_or_fail(options);
  return outcome(v.verify(m.entry(name).token, matrix_now));
}

} // namespace

TEST_CASE("the matrix covers every refusal and the required cases",
          "[auth][matrix]") {
  const auto& m = shared_matrix();
  CHECK(m.entries.size() >= 28);
  std::set<std::string> expected;
  for (const auto& e : m.entries)
    expected.insert(e.expect);
  for (std::size_t i = 0; i < failure_reason_count; ++i) {
    auto name = std::string{to_string(static_cast<failure_reason>(i))};
    INFO("failure reason " << name);
    CHECK(expected.count(name) == 1);
  }
  for (const char* name : {"hs256_valid",
                           "hs384_valid",
                           "hs512_valid",
                           "rs256_valid",
                           "es256_valid",
                           "no_kid_valid",
                           "alg_none_unsigned",
                           "hs256_signed_with_rs256_public_key",
                           "rs256_under_hs256_kid",
                           "missing_exp",
                           "missing_sub",
                           "expired_120s_ago",
                           "expired_10s_ago_within_leeway",
                           "nbf_in_120s",
                           "nbf_in_10s_within_leeway",
                           "iat_in_120s",
                           "wrong_aud",
                           "aud_array_with_ours",
                           "wrong_iss",
                           "tampered_payload_hs256",
                           "tampered_signature_hs256",
                           "unknown_kid",
                           "oversized",
                           "malformed_base64",
                           "only_two_parts",
                           "jwk_header",
                           "jku_header",
                           "x5u_header",
                           "plan_unknown",
                           "plan_enterprise",
                           "topics",
                           "topics_not_array"}) {
    INFO("matrix entry " << name);
    CHECK_NOTHROW(m.entry(name));
  }
}

TEST_CASE("every matrix token gets exactly its expected outcome",
          "[auth][matrix]") {
  const auto& m = shared_matrix();
  auto verifier = make_or_fail(m.options);
  REQUIRE(verifier.has_keys());
  for (const auto& e : m.entries) {
    INFO("token " << e.name);
    auto result = verifier.verify(e.token, matrix_now);
    CHECK(outcome(result) == e.expect);
    if (auto* id = std::get_if<identity>(&result)) {
      CHECK(id->user_id == e.sub);
      CHECK(std::string{to_string(id->user_plan)} == e.plan);
      CHECK(id->has_topics == e.has_topics);
      CHECK(id->topics == e.topics);
      CHECK(id->expires_at.has_value());
    }
  }
}

TEST_CASE("accepted identities carry sub, plan, topics and exp",
          "[auth][matrix]") {
  const auto& m = shared_matrix();
  auto verifier = make_or_fail(m.options);
  auto result = verifier.verify(m.entry("topics").token, matrix_now);
  REQUIRE(outcome(result) == "accept");
  const auto& id = std::get<identity>(result);
  CHECK(id.user_id == "user-topics");
  CHECK(id.user_plan == plan::free);
  CHECK(id.has_topics);
  CHECK(id.topics == std::vector<std::string>{"exec.*", "graph.42.nodes"});
  CHECK(id.expires_at == matrix_now + 3600);

  auto enterprise =
      verifier.verify(m.entry("plan_enterprise").token, matrix_now);
  REQUIRE(outcome(enterprise) == "accept");
  CHECK(std::get<identity>(enterprise).user_plan == plan::enterprise);
  CHECK_FALSE(std::get<identity>(enterprise).has_topics);
}

TEST_CASE("failure messages are short and never echo the token",
          "[auth][matrix]") {
  const auto& m = shared_matrix();
  auto verifier = make_or_fail(m.options);
  for (const auto& e : m.entries) {
    auto result = verifier.verify(e.token, matrix_now);
    auto* f = std::get_if<failure>(&result);
    if (f == nullptr)
      continue;
    INFO("token " << e.name << ", message: " << f->message);
    CHECK_FALSE(f->message.empty());
    CHECK(f->message.size() <= 80);
    if (!e.token.empty())
      CHECK(f->message.find(e.token) == std::string::npos);
    for (const auto& part : segments(e.token))
      if (part.size() >= 8)
        CHECK(f->message.find(part.substr(0, 8)) == std::string::npos);
    for (const auto& key : m.options.keys)
      CHECK(f->message.find(key.material.substr(0, 16)) == std::string::npos);
  }
}

TEST_CASE("leeway, exp, iss and aud follow the configuration",
          "[auth][matrix]") {
  const auto& m = shared_matrix();
  auto options = m.options;

  SECTION("without leeway, 10 s of skew is refused") {
    options.leeway = std::chrono::seconds{0};
    CHECK(outcome_of(m, "expired_10s_ago_within_leeway", options) == "expired");
    CHECK(outcome_of(m, "nbf_in_10s_within_leeway", options) ==
          "not_yet_valid");
    CHECK(outcome_of(m, "iat_in_10s_within_leeway", options) ==
          "issued_in_future");
  }
  SECTION("a larger leeway admits 120 s of skew") {
    options.leeway = std::chrono::seconds{180};
    CHECK(outcome_of(m, "expired_120s_ago", options) == "accept");
    CHECK(outcome_of(m, "nbf_in_120s", options) == "accept");
    CHECK(outcome_of(m, "iat_in_120s", options) == "accept");
  }
  SECTION("exp can be made optional, but a present exp still counts") {
    options.require_exp = false;
    CHECK(outcome_of(m, "missing_exp", options) == "accept");
    CHECK(outcome_of(m, "expired_120s_ago", options) == "expired");
  }
  SECTION("iss and aud are not checked when not configured") {
    options.issuer.clear();
    options.audience.clear();
    CHECK(outcome_of(m, "wrong_iss", options) == "accept");
    CHECK(outcome_of(m, "missing_iss", options) == "accept");
    CHECK(outcome_of(m, "wrong_aud", options) == "accept");
    CHECK(outcome_of(m, "missing_aud", options) == "accept");
  }
  SECTION("a smaller size limit refuses the largest valid token") {
    options.max_token_bytes = 4095;
    CHECK(outcome_of(m, "exactly_max_bytes", options) == "too_large");
  }
  SECTION("without the kid-less key, kid-less tokens have no key") {
    options.keys.pop_back();
    REQUIRE(options.keys.back().kid == "es256-key");
    CHECK(outcome_of(m, "no_kid_valid", options) == "unknown_kid");
    CHECK(outcome_of(m, "hs256_valid", options) == "accept");
  }
}

TEST_CASE("tokens are checked at the time given, not the wall clock",
          "[auth][matrix]") {
  const auto& m = shared_matrix();
  auto verifier = make_or_fail(m.options);
  const auto& token = m.entry("hs256_valid").token; // exp = now + 3600
  CHECK(outcome(verifier.verify(token, matrix_now + 3600 + 29)) == "accept");
  CHECK(outcome(verifier.verify(token, matrix_now + 3600 + 30)) == "expired");
  // iat = now - 60, so a clock 91 s behind sees it 31 s in the future.
  CHECK(outcome(verifier.verify(token, matrix_now - 90)) == "accept");
  CHECK(outcome(verifier.verify(token, matrix_now - 91)) == "issued_in_future");
}

TEST_CASE("one verifier serves many threads", "[auth][matrix]") {
  const auto& m = shared_matrix();
  auto verifier = make_or_fail(m.options);
  std::vector<std::string> expected;
  for (const auto& e : m.entries)
    expected.push_back(e.expect);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mismatches.size(); ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round)
        for (std::size_t i = 0; i < m.entries.size(); ++i)
          if (outcome(verifier.verify(m.entries[i].token, matrix_now)) !=
              expected[i])
            ++mismatches[t];
    });
  for (auto& t : threads)
    t.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}

} // namespace nexus::auth::test
