// The settings added for authentication, limits, origins and TLS: key lists
// that name the broken rule without echoing secrets, list values, the
// cross-key TLS rule, and the `token` command's own flags.
#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "tests/config/temp_dir.hpp"

using namespace nexus::config;
using namespace nexus::config::test;

namespace {

/// The problems of a config file holding `json`, as `key: rule` lines.
std::vector<std::string> file_problems(const std::string& json) {
  temp_dir dir;
  auto x = run({"--config", dir.write("nexus.json", json)});
  return messages(x);
}

} // namespace

TEST_CASE("auth.keys names the broken rule by index, never the secret") {
  auto bad_alg = file_problems(
    R"({"auth": {"keys": [{"kid": "a", "alg": "none", "secret": "zz"}]}})");
  REQUIRE(bad_alg.size() == 1);
  CHECK(bad_alg[0]
        == "auth.keys: [0].alg must be one of HS256|HS384|HS512|RS256|ES256");
  auto hs_with_file = file_problems(
    R"({"auth": {"keys": [{"alg": "HS256", "public_key_file": "k.pem"}]}})");
  REQUIRE(hs_with_file.size() == 1);
  CHECK(hs_with_file[0]
        == "auth.keys: [0]: HS256 needs a non-empty secret (and no file)");
  auto rs_with_secret = file_problems(
    R"({"auth": {"keys": [{"kid": "r", "alg": "RS256",
                           "secret": "hunter2"}]}})");
  REQUIRE(rs_with_secret.size() == 1);
  CHECK(rs_with_secret[0].find("hunter2") == std::string::npos);
  CHECK(rs_with_secret[0]
        == "auth.keys: [0]: RS256 needs public_key_file (and no secret)");
  auto twice = file_problems(R"({"auth": {"keys": [
      {"kid": "k", "alg": "HS256", "secret": "one"},
      {"kid": "k", "alg": "HS512", "secret": "two"}]}})");
  REQUIRE(twice.size() == 1);
  CHECK(twice[0] == R"(auth.keys: [1].kid "k" is used twice)");
  auto stray = file_problems(
    R"({"auth": {"keys": [{"alg": "HS256", "secret": "s", "x5u": "u"}]}})");
  REQUIRE(stray.size() == 1);
  CHECK(stray[0] == "auth.keys: [0].x5u: unknown key");
}

TEST_CASE("NEXUS_JWT_KEYS must be a JSON array") {
  auto x = run({}, {{"NEXUS_JWT_KEYS", "not json"}});
  CHECK(messages(x)
        == std::vector<std::string>{
          "NEXUS_JWT_KEYS: must be a JSON array of key objects"});
}

TEST_CASE("list settings check every item") {
  CHECK(messages(run({"--tls-listeners", "nexus,admin"}))
        == std::vector<std::string>{
          R"(--tls-listeners: items must be among nexus|neurograph, got "nexus,admin")"});
  CHECK(file_problems(R"({"security": {"allowed_origins": ["a", 1]}})")
        == std::vector<std::string>{
          R"(security.allowed_origins: must be an array of strings, got ["a",1])"});
  CHECK(file_problems(R"({"security": {"allowed_origins": ["a,b"]}})")
          .size()
        == 1);
  CHECK(run({"--allowed-origins="}).cfg.security.allowed_origins.empty());
}

TEST_CASE("a TLS certificate needs its key and the other way round") {
  CHECK(messages(run({"--tls-cert-file", "/c.pem"}))
        == std::vector<std::string>{
          "tls.key_file: tls.cert_file and tls.key_file go together"});
  CHECK(messages(run({"--tls-key-file", "/k.pem"}))
        == std::vector<std::string>{
          "tls.cert_file: tls.cert_file and tls.key_file go together"});
  auto both = run({"--tls-cert-file", "/c.pem", "--tls-key-file", "/k.pem"});
  CHECK(messages(both).empty());
  CHECK(both.cfg.tls.listeners
        == std::vector<std::string>{"nexus", "neurograph"});
}

TEST_CASE("the token command takes its own flags and the settings") {
  auto x = run({"token", "--sub", "alice", "--plan", "enterprise", "--ttl",
                "1h", "--topics", "a.*,b", "--jwt-secret=s"});
  CHECK(messages(x).empty());
  CHECK(x.cmd == command::token);
  CHECK(x.token.sub == "alice");
  CHECK(x.token.plan == "enterprise");
  CHECK(x.token.ttl_s == 3600);
  CHECK(x.token.topics == std::vector<std::string>{"a.*", "b"});
  CHECK(x.cfg.auth.jwt_secret == "s");
  CHECK(run({"token", "--sub=bob", "--ttl=90"}).token.ttl_s == 90);
  CHECK(run({"token", "--sub=bob", "--ttl=15m"}).token.ttl_s == 900);
  CHECK(run({"token", "--sub=bob", "--ttl=2d"}).token.ttl_s == 172800);
  CHECK(run({"token", "--sub=bob"}).token.plan == "free");
}

TEST_CASE("the token command refuses what it cannot sign") {
  CHECK(messages(run({"token"}))
        == std::vector<std::string>{"--sub: token needs --sub USER"});
  CHECK(messages(run({"token", "--sub", "a", "--ttl", "0"}))
        == std::vector<std::string>{
          R"(--ttl: must be N, Ns, Nm, Nh or Nd with N > 0, got "0")"});
  CHECK(messages(run({"token", "--sub", "a", "--plan", "gold"}))
        == std::vector<std::string>{
          R"(--plan: must be one of free|pro|enterprise, got "gold")"});
  // Outside `token` these are not flags at all.
  CHECK(messages(run({"--sub", "a"}))
        == std::vector<std::string>{"--sub: unknown flag"});
}
