// Every setting read from each source (file, environment, flag), the
// defaults, and the precedence flag > environment > file > default.
#include <catch2/catch.hpp>

#include <functional>

#include "config/loader.hpp"
#include "tests/config/temp_dir.hpp"

using namespace nexus::config;
using namespace nexus::config::test;

namespace {

/// One key as a user writes it in each source, and how to see it was set.
struct sample {
  std::string path;
  std::string flag;
  std::string env;
  std::string text;
  std::string json;
  std::function<bool(const server_config&)> is_set;
};

const std::vector<sample>& samples() {
  using c = const server_config&;
  static const std::vector<sample> all = {
      {"bind", "--bind", "NEXUS_BIND", "::1", "\"::1\"",
       [](c x) { return x.bind == "::1"; }},
      {"nexus_port", "--nexus-port", "NEXUS_NEXUS_PORT", "9001", "9001",
       [](c x) { return x.nexus_port == 9001; }},
      {"neurograph_port", "--neurograph-port", "NEXUS_NEUROGRAPH_PORT", "9002",
       "9002", [](c x) { return x.neurograph_port == 9002; }},
      {"data_dir", "--data-dir", "NEXUS_DATA_DIR", "/srv/nx", "\"/srv/nx\"",
       [](c x) { return x.data_dir == "/srv/nx"; }},
      {"dev", "--dev", "NEXUS_DEV", "true", "true", [](c x) { return x.dev; }},
      {"log.level", "--log-level", "NEXUS_LOG_LEVEL", "debug", "\"debug\"",
       [](c x) { return x.log_level == "debug"; }},
      {"log.format", "--log-format", "NEXUS_LOG_FORMAT", "json", "\"json\"",
       [](c x) { return x.log_fmt == log_format::json; }},
      {"threads.io", "--io-threads", "NEXUS_IO_THREADS", "4", "4",
       [](c x) { return x.io_threads == 4; }},
      {"threads.actors", "--actor-threads", "NEXUS_ACTOR_THREADS", "3", "3",
       [](c x) { return x.actor_threads == 3; }},
      {"threads.scheduler_policy", "--scheduler-policy",
       "NEXUS_SCHEDULER_POLICY", "stealing", "\"stealing\"",
       [](c x) { return x.policy == scheduler_policy::stealing; }},
      {"drain_timeout_ms", "--drain-timeout-ms", "NEXUS_DRAIN_TIMEOUT_MS",
       "2500", "2500", [](c x) { return x.drain_timeout_ms == 2500; }},
      {"limits.max_message_bytes", "--max-message-bytes",
       "NEXUS_MAX_MESSAGE_BYTES", "2048", "2048",
       [](c x) { return x.limits.max_message_bytes == 2048; }},
      {"limits.max_json_depth", "--max-json-depth", "NEXUS_MAX_JSON_DEPTH",
       "16", "16", [](c x) { return x.limits.max_json_depth == 16; }},
      {"limits.max_header_bytes", "--max-header-bytes",
       "NEXUS_MAX_HEADER_BYTES", "16384", "16384",
       [](c x) { return x.limits.max_header_bytes == 16384; }},
      {"limits.handshake_timeout_ms", "--handshake-timeout-ms",
       "NEXUS_HANDSHAKE_TIMEOUT_MS", "5000", "5000",
       [](c x) { return x.limits.handshake_timeout_ms == 5000; }},
      {"limits.ping_interval_ms", "--ping-interval-ms",
       "NEXUS_PING_INTERVAL_MS", "15000", "15000",
       [](c x) { return x.limits.ping_interval_ms == 15000; }},
      {"limits.outbound_queue_bytes", "--outbound-queue-bytes",
       "NEXUS_OUTBOUND_QUEUE_BYTES", "65536", "65536",
       [](c x) { return x.limits.outbound_queue_bytes == 65536; }},
      {"limits.inbound_window", "--inbound-window", "NEXUS_INBOUND_WINDOW",
       "128", "128", [](c x) { return x.limits.inbound_window == 128; }},
      {"limits.write_stall_ms", "--write-stall-ms", "NEXUS_WRITE_STALL_MS",
       "2000", "2000", [](c x) { return x.limits.write_stall_ms == 2000; }},
      {"auth.jwt_secret", "--jwt-secret", "NEXUS_JWT_SECRET", "s3cret",
       "\"s3cret\"", [](c x) { return x.auth.jwt_secret == "s3cret"; }},
      {"auth.anonymous", "--anonymous", "NEXUS_ANONYMOUS", "true", "true",
       [](c x) { return x.auth.anonymous; }},
      {"auth.jwt_algorithm", "--jwt-algorithm", "NEXUS_JWT_ALGORITHM",
       "HS512", "\"HS512\"",
       [](c x) { return x.auth.jwt_algorithm == "HS512"; }},
      {"auth.keys", "--jwt-keys", "NEXUS_JWT_KEYS",
       R"([{"kid":"k1","alg":"RS256","public_key_file":"/k1.pem"}])",
       R"([{"kid":"k1","alg":"RS256","public_key_file":"/k1.pem"}])",
       [](c x) {
         return x.auth.keys.size() == 1 && x.auth.keys[0].kid == "k1"
                && x.auth.keys[0].alg == "RS256"
                && x.auth.keys[0].public_key_file == "/k1.pem";
       }},
      {"plans.enterprise.burst", "--enterprise-burst",
       "NEXUS_ENTERPRISE_BURST", "7", "7",
       [](c x) {
         return x.plans.enterprise.burst == 7 && x.plans.free.burst == 20;
       }},
      {"security.allowed_origins", "--allowed-origins",
       "NEXUS_ALLOWED_ORIGINS", "https://a.example,http://b.example:8080",
       R"(["https://a.example", "http://b.example:8080"])",
       [](c x) {
         return x.security.allowed_origins
                == std::vector<std::string>{"https://a.example",
                                            "http://b.example:8080"};
       }},
      {"tls.listeners", "--tls-listeners", "NEXUS_TLS_LISTENERS",
       "neurograph", R"(["neurograph"])",
       [](c x) {
         return x.tls.listeners == std::vector<std::string>{"neurograph"};
       }},
  };
  return all;
}

} // namespace

TEST_CASE("without file or variables or flags every default applies") {
  auto x = run({});
  CHECK(x.problems.empty());
  CHECK(x.cmd == command::serve);
  CHECK(x.config_path.empty());
  CHECK(x.cfg.bind == "127.0.0.1");
  CHECK(x.cfg.nexus_port == 8080);
  CHECK(x.cfg.neurograph_port == 8000);
  CHECK(x.cfg.data_dir == "nexus-data");
  CHECK_FALSE(x.cfg.dev);
  CHECK(x.cfg.log_level == "info");
  CHECK(x.cfg.log_fmt == log_format::text);
  CHECK(x.cfg.io_threads == 2);
  CHECK(x.cfg.actor_threads == 2);
  CHECK(x.cfg.policy == scheduler_policy::sharing);
  CHECK(x.cfg.drain_timeout_ms == 10000);
  CHECK(x.cfg.limits.max_message_bytes == 1048576);
  CHECK(x.cfg.limits.max_json_depth == 64);
  CHECK(x.cfg.limits.max_header_bytes == 8192);
  CHECK(x.cfg.limits.handshake_timeout_ms == 10000);
  CHECK(x.cfg.limits.ping_interval_ms == 30000);
  CHECK(x.cfg.limits.outbound_queue_bytes == 4194304);
  CHECK(x.cfg.limits.inbound_window == 64);
  CHECK(x.cfg.limits.token_bytes == 4096);
  CHECK(x.cfg.limits.connections_per_address == 1000);
  CHECK(x.cfg.limits.handshakes_per_address == 50);
  CHECK(x.cfg.plans.free.rate_per_sec == 10);
  CHECK(x.cfg.plans.free.burst == 20);
  CHECK(x.cfg.plans.free.user_rate_per_sec == 50);
  CHECK(x.cfg.plans.free.max_in_flight == 16);
  CHECK(x.cfg.plans.enterprise.rate_per_sec > x.cfg.plans.pro.rate_per_sec);
  CHECK(x.cfg.plans.pro.rate_per_sec > x.cfg.plans.free.rate_per_sec);
  CHECK_FALSE(x.cfg.auth.anonymous);
  CHECK(x.cfg.auth.require_exp);
  CHECK(x.cfg.auth.leeway_s == 30);
  CHECK(x.cfg.auth.keys.empty());
  CHECK(x.cfg.security.allowed_origins.empty());
  CHECK(x.cfg.tls.cert_file.empty());
}

TEST_CASE("every key can be set from the config file") {
  temp_dir dir;
  for (const auto& s : samples()) {
    INFO(s.path);
    auto file = dir.write("nexus.json", nest(s.path, s.json));
    auto x = run({"--config", file});
    CHECK(messages(x).empty());
    CHECK(x.config_path == file);
    CHECK(s.is_set(x.cfg));
  }
}

TEST_CASE("every key can be set from its NEXUS_ variable") {
  for (const auto& s : samples()) {
    INFO(s.env);
    auto x = run({}, {{s.env, s.text}});
    CHECK(messages(x).empty());
    CHECK(s.is_set(x.cfg));
  }
}

TEST_CASE("every key can be set with --flag VALUE and --flag=VALUE") {
  for (const auto& s : samples()) {
    INFO(s.flag);
    // `--dev true`: see the dev mode test case; the same for booleans.
    if (s.flag != "--dev" && s.flag != "--anonymous") {
      auto spaced = run({s.flag, s.text});
      CHECK(messages(spaced).empty());
      CHECK(s.is_set(spaced.cfg));
    }
    auto joined = run({s.flag + "=" + s.text});
    CHECK(messages(joined).empty());
    CHECK(s.is_set(joined.cfg));
  }
}

TEST_CASE("a whole config file with comments sets every key") {
  temp_dir dir;
  auto file = dir.write("nexus.json", R"(// Nexus on a test box.
{
  "bind": "0.0.0.0", /* everywhere */
  "nexus_port": 9100,
  "neurograph_port": 0, // pick one
  "data_dir": "/tmp/nx",
  "dev": true,
  "log": {"level": "warn", "format": "json"},
  "threads": {"io": 8, "actors": 6, "scheduler_policy": "stealing"},
  "drain_timeout_ms": 0,
  "limits": {
    "max_message_bytes": 1024, "max_json_depth": 1024,
    "max_header_bytes": 65536, "handshake_timeout_ms": 100,
    "ping_interval_ms": 3600000, "outbound_queue_bytes": 1073741824,
    "inbound_window": 1
  }
})");
  auto x = run({"--config=" + file});
  REQUIRE(messages(x).empty());
  CHECK(x.cfg.bind == "0.0.0.0");
  CHECK(x.cfg.nexus_port == 9100);
  CHECK(x.cfg.neurograph_port == 0);
  CHECK(x.cfg.data_dir == "/tmp/nx");
  CHECK(x.cfg.dev);
  CHECK(x.cfg.log_level == "warn");
  CHECK(x.cfg.log_fmt == log_format::json);
  CHECK(x.cfg.io_threads == 8);
  CHECK(x.cfg.actor_threads == 6);
  CHECK(x.cfg.policy == scheduler_policy::stealing);
  CHECK(x.cfg.drain_timeout_ms == 0);
  CHECK(x.cfg.limits.max_message_bytes == 1024);
  CHECK(x.cfg.limits.max_json_depth == 1024);
  CHECK(x.cfg.limits.max_header_bytes == 65536);
  CHECK(x.cfg.limits.handshake_timeout_ms == 100);
  CHECK(x.cfg.limits.ping_interval_ms == 3600000);
  CHECK(x.cfg.limits.outbound_queue_bytes == 1073741824);
  CHECK(x.cfg.limits.inbound_window == 1);
}

TEST_CASE("a flag beats a variable which beats the file") {
  temp_dir dir;
  auto file = dir.write("nexus.json", R"({"nexus_port": 1001,
    "neurograph_port": 1002, "limits": {"max_json_depth": 10}})");
  environment env{{"NEXUS_NEXUS_PORT", "2001"}, {"NEXUS_MAX_JSON_DEPTH", "20"}};
  auto x = run({"--config", file, "--nexus-port", "3001"}, env);
  REQUIRE(messages(x).empty());
  CHECK(x.cfg.nexus_port == 3001);
  CHECK(x.cfg.limits.max_json_depth == 20);
  CHECK(x.cfg.neurograph_port == 1002);
  CHECK(x.cfg.io_threads == 2);
}

TEST_CASE("the last of a repeated flag wins") {
  auto x = run({"--io-threads=3", "--io-threads", "5"});
  CHECK(messages(x).empty());
  CHECK(x.cfg.io_threads == 5);
}

TEST_CASE("NEXUS_CONFIG names the file unless --config does") {
  temp_dir dir;
  auto a = dir.write("a.json", R"({"threads": {"io": 7}})");
  auto b = dir.write("b.json", R"({"threads": {"io": 9}})");
  auto from_env = run({}, {{"NEXUS_CONFIG", a}});
  CHECK(messages(from_env).empty());
  CHECK(from_env.config_path == a);
  CHECK(from_env.cfg.io_threads == 7);
  auto from_flag = run({"--config", b}, {{"NEXUS_CONFIG", a}});
  CHECK(from_flag.config_path == b);
  CHECK(from_flag.cfg.io_threads == 9);
}

TEST_CASE("dev as a bare flag or true/false/1/0 sets the dev mode") {
  CHECK(run({"--dev"}).cfg.dev);
  CHECK(run({"--dev=true"}).cfg.dev);
  CHECK(run({"--dev=1"}).cfg.dev);
  CHECK_FALSE(run({"--dev=false"}, {{"NEXUS_DEV", "true"}}).cfg.dev);
  CHECK(run({}, {{"NEXUS_DEV", "1"}}).cfg.dev);
  CHECK_FALSE(run({}, {{"NEXUS_DEV", "0"}}).cfg.dev);
  CHECK(messages(run({"--dev=0"})).empty());
}

TEST_CASE("other NEXUS_ variables are left to later features") {
  auto x = run({}, {{"NEXUS_JWT_SECRET", "s3cret"},
                    {"NEXUS_ADMIN_SECRET", "x"},
                    {"NEXUS_SOMETHING_ELSE", "y"}});
  CHECK(messages(x).empty());
}

TEST_CASE("process_environment reads only NEXUS_ variables") {
  REQUIRE(setenv("NEXUS_CONFIG_TEST_PROBE", "a=b", 1) == 0);
  REQUIRE(setenv("NOT_NEXUS_CONFIG_TEST_PROBE", "1", 1) == 0);
  auto env = process_environment();
  CHECK(env.at("NEXUS_CONFIG_TEST_PROBE") == "a=b");
  CHECK(env.count("NOT_NEXUS_CONFIG_TEST_PROBE") == 0);
  unsetenv("NEXUS_CONFIG_TEST_PROBE");
  unsetenv("NOT_NEXUS_CONFIG_TEST_PROBE");
}

TEST_CASE("apply_json sets keys over an existing config") {
  server_config cfg;
  cfg.io_threads = 5;
  std::vector<problem> problems;
  apply_json(R"({"dev": true /* c */})", cfg, problems);
  CHECK(problems.empty());
  CHECK(cfg.dev);
  CHECK(cfg.io_threads == 5);
}
