// jwt_verifier::make: every unusable key is reported with its index, key
// material never appears in a problem, and usable keys are accepted.
#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

#include "auth/jwt_verifier.hpp"
#include "minted_matrix.hpp"

namespace nexus::auth::test {

namespace {

// Public keys only; generated with `openssl genpkey` for these tests.
constexpr const char* rsa2048_pem = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxBKrLO7Tcx3iiNHPHCX0
uDlasdQiXWL5Nwj7e0pRbzxIS4MZZOLYAtuG8WzWs66IfvksVaybX0d5ZAPe/zEv
D+oBI5Mv000Ys/N5aooxC6s96JAU/OGQ17EE64ZEWy+4LMxoRZqJg+YvLkYQKwbg
Lhcs7WMheYSdOfI8sFfvI+HxBWI4YPL9cWAEVJAAhqW/svGUxwvXO6+1ue72W0kU
ukVwb54rFNLXfaV7aeT602oNK4bNbwMhHRADisTlDfGivqT8pbuMoy7VJfX/FqzS
wqiiuuOHsFFPSV1mwRyfviL/26JVDW3xLCeZogyIPAp9W9j3ECswG1fSqk+Qwl0i
+wIDAQAB
-----END PUBLIC KEY-----
)";

constexpr const char* rsa1024_pem = R"(-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCqtYG+OsuLgtHzPzrTD+eExJRt
8Xzw5B2CrlPr5rPscXYZfd84qern84dcYbFN30NBfplwknRk7MJN1uMdZ9vmWWrm
oi2Ne3lLAj62C+64sfycO4jUvDTxRhqPC0QeRY6MYJsAkpKvPB0u2HhZaYor/6qT
0VC8WGVU7yXU8SeLLwIDAQAB
-----END PUBLIC KEY-----
)";

constexpr const char* p384_pem = R"(-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE2FZ56OqEhk9jSZzF1thvLqvJGX5xd4uR
hKgJudf6PbDTPrCqZ9OGWIdYR5PSWlazzgKkPf0o7pPe48+15APKO6ncIYRSQfcf
cr+hlFCOhcunqSRzAXbvvYypoWK5waM6
-----END PUBLIC KEY-----
)";

constexpr const char* p256_pem = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/DV5CBzzm/kKWXfpQSWoL1V8fhG1
kP7OElpcOxDQTQoJEchMHrgHZEWWd0jTpTh5kID8tlnuchShpAsbhdEsKQ==
-----END PUBLIC KEY-----
)";

/// make()'s problems; empty if it made a verifier.
std::vector<std::string> problems_of(verifier_options options) {
  auto made = jwt_verifier::make(std::move(options));
  if (auto* p = std::get_if<std::vector<std::string>>(&made))
    return *p;
  return {};
}

verifier_options with_keys(std::vector<jwt_key> keys) {
  verifier_options out;
  out.keys = std::move(keys);
  return out;
}

} // namespace

TEST_CASE("make accepts one key of each algorithm", "[auth][keys]") {
  auto problems = problems_of(with_keys({{"a", "HS256", "secret-a"},
                                         {"b", "HS384", "secret-b"},
                                         {"c", "HS512", "secret-c"},
                                         {"d", "RS256", rsa2048_pem},
                                         {"e", "ES256", p256_pem},
                                         {"", "HS256", "no-kid"}}));
  CHECK(problems.empty());
}

TEST_CASE("make reports each bad key with its index", "[auth][keys]") {
  CHECK(problems_of(with_keys({{"a", "HS256", "s"}, {"b", "PS256", "s"}})) ==
        std::vector<std::string>{
            "keys[1]: alg must be one of HS256, HS384, HS512, RS256, ES256"});
  CHECK(problems_of(with_keys({{"a", "hs256", "s"}})).size() == 1);
  CHECK(problems_of(with_keys({{"a", "none", ""}})).size() == 1);
  CHECK(problems_of(with_keys({{"a", "", "s"}})).size() == 1);
  CHECK(problems_of(with_keys({{"a", "HS512", ""}})) ==
        std::vector<std::string>{"keys[0]: HS512 secret is empty"});
  CHECK(problems_of(with_keys({{"a", "RS256", "not a pem"}})) ==
        std::vector<std::string>{"keys[0]: RS256 key is not a PEM public key"});
  CHECK(problems_of(with_keys({{"a", "ES256", ""}})) ==
        std::vector<std::string>{"keys[0]: ES256 key is not a PEM public key"});
}

TEST_CASE("make checks the kind and size of public keys", "[auth][keys]") {
  CHECK(problems_of(with_keys({{"a", "RS256", p256_pem}})) ==
        std::vector<std::string>{"keys[0]: RS256 needs an RSA public key"});
  CHECK(problems_of(with_keys({{"a", "ES256", rsa2048_pem}})) ==
        std::vector<std::string>{
            "keys[0]: ES256 needs an EC public key on P-256"});
  CHECK(problems_of(with_keys({{"a", "ES256", p384_pem}})) ==
        std::vector<std::string>{
            "keys[0]: ES256 needs an EC public key on P-256"});
  CHECK(problems_of(with_keys({{"a", "RS256", rsa1024_pem}})) ==
        std::vector<std::string>{
            "keys[0]: RSA key has 1024 bits, at least 2048 are needed"});
  // A truncated PEM does not parse.
  std::string cut{rsa2048_pem};
  cut.resize(cut.size() / 2);
  CHECK(problems_of(with_keys({{"a", "RS256", cut}})).size() == 1);
}

TEST_CASE("make refuses a private key where a public key belongs",
          "[auth][keys]") {
  const auto& m = shared_matrix();
  auto rsa_private = read_file(m.path("rs256_private.pem"));
  auto ec_private = read_file(m.path("es256_private.pem"));
  auto problems = problems_of(
      with_keys({{"a", "RS256", rsa_private}, {"b", "ES256", ec_private}}));
  CHECK(problems ==
        std::vector<std::string>{"keys[0]: RS256 key is not a PEM public key",
                                 "keys[1]: ES256 key is not a PEM public key"});
  for (const auto& p : problems) {
    CHECK(p.find("PRIVATE") == std::string::npos);
    CHECK(p.find(rsa_private.substr(40, 16)) == std::string::npos);
  }
}

TEST_CASE("make refuses two keys for one kid", "[auth][keys]") {
  CHECK(problems_of(with_keys({{"k1", "HS256", "s1"},
                               {"k2", "HS256", "s2"},
                               {"k1", "RS256", rsa2048_pem}})) ==
        std::vector<std::string>{
            "keys[2]: kid \"k1\" is already used by keys[0]"});
  CHECK(problems_of(with_keys({{"", "HS256", "s1"}, {"", "HS384", "s2"}})) ==
        std::vector<std::string>{
            "keys[1]: keys[0] is already the key for tokens without kid"});
}

TEST_CASE("make lists every problem at once, without secrets", "[auth][keys]") {
  auto options = with_keys({{"dup", "HS256", "top-secret-value-1"},
                            {"dup", "HS256", "top-secret-value-2"},
                            {"x", "XX999", "top-secret-value-3"},
                            {"y", "HS256", ""}});
  options.leeway = std::chrono::seconds{-1};
  options.max_token_bytes = 0;
  auto problems = problems_of(options);
  REQUIRE(problems.size() == 5);
  CHECK(problems[0].rfind("keys[1]: ", 0) == 0);
  CHECK(problems[1].rfind("keys[2]: ", 0) == 0);
  CHECK(problems[2].rfind("keys[3]: ", 0) == 0);
  CHECK(problems[3] == "leeway: must not be negative");
  CHECK(problems[4] == "max_token_bytes: must be positive");
  for (const auto& p : problems)
    CHECK(p.find("top-secret") == std::string::npos);
}

TEST_CASE("a verifier without keys refuses every token", "[auth][keys]") {
  const jwt_verifier none;
  CHECK_FALSE(none.has_keys());
  auto made = jwt_verifier::make({});
  REQUIRE(std::holds_alternative<jwt_verifier>(made));
  const auto& empty = std::get<jwt_verifier>(made);
  CHECK_FALSE(empty.has_keys());
  auto token = mint({"", "HS256", "secret"}, {{"sub", "u"}, {"exp", 1e10}});
  REQUIRE_FALSE(token.empty());
  for (const jwt_verifier* v : {&none, &empty}) {
    auto result = v->verify(token, 0);
    REQUIRE(std::holds_alternative<failure>(result));
    CHECK(std::get<failure>(result).reason == failure_reason::unknown_kid);
  }
}

} // namespace nexus::auth::test
