// The nexus-server command line as an operator meets it (docs/config.md):
// `--check-config`, refused flag values, `NEXUS_*` variables and their
// precedence, `--config` files with comments, `--help` and `--version`.
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/server_cli.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace nexus::test;

namespace {

/// True when a line of `text` contains `key` followed by `rule`.
bool has_problem(std::string const& text, std::string const& key,
                 std::string const& rule) {
  std::istringstream lines{text};
  std::string line;
  for (int n = 0; n < 10000 && std::getline(lines, line); ++n) {
    auto at = line.find(key + ": ");
    if (at != std::string::npos && line.find(rule, at) != std::string::npos)
      return true;
  }
  return false;
}

/// A heartbeat padded with a string field to exactly `size` bytes.
std::string padded_heartbeat(std::string const& id, std::size_t size) {
  auto text = heartbeat_request(dialect::nexus, id);
  text.pop_back(); // the closing '}'
  text += ",\"pad\":\"";
  REQUIRE(size > text.size() + 2);
  text += std::string(size - text.size() - 2, 'p') + "\"}";
  REQUIRE(text.size() == size);
  return text;
}

/// Reads `connection.established` on `c` and returns its payload.
json read_established(ws_client& c) {
  auto msg = c.read_json();
  check_envelope(dialect::nexus, msg);
  INFO("first message: " << msg.dump());
  REQUIRE(msg.value("type", "") == "connection.established");
  return msg.value("payload", json::object());
}

/// The `connection.established` payload a new client on `port` receives.
json established_payload(std::uint16_t port) {
  ws_client c{port};
  auto p = read_established(c);
  c.close();
  return p;
}

} // namespace

TEST_CASE("check-config reports every problem of a file",
          "[integration][config]") {
  temp_dir dir;
  auto file = dir.write_file("bad.json", R"({
  "nexus_port": 70000,
  "log": {"format": "xml"},
  "limits": {"max_mesage_bytes": 2048}
})");
  auto r = run_server_cli({"--check-config", file});
  INFO("exit " << r.exit_code.value_or(-1) << "\nstdout:\n"
               << r.out << "stderr:\n" << r.err);
  REQUIRE(r.exit_code.has_value());
  CHECK(*r.exit_code != 0);
  CHECK(has_problem(r.err, "limits.max_mesage_bytes", "unknown key"));
  CHECK(has_problem(r.err, "nexus_port", "must be 0..65535, got 70000"));
  CHECK(has_problem(r.err, "log.format", "must be one of text|json"));
  CHECK(has_problem(r.err, "log.format", "xml"));
  CHECK(r.out.find("ok") == std::string::npos);
  CHECK(r.out.find("listening") == std::string::npos);
}

TEST_CASE("check-config accepts a valid file with comments",
          "[integration][config]") {
  temp_dir dir;
  auto file = dir.write_file("good.json", R"(// a valid configuration
{
  "nexus_port": 0, /* any free port */
  "log": {"format": "json"},
  // nested keys
  "limits": {"max_message_bytes": 2048}
})");
  auto r = run_server_cli({"--check-config", file});
  INFO("exit " << r.exit_code.value_or(-1) << "\nstdout:\n"
               << r.out << "stderr:\n" << r.err);
  CHECK(r.exit_code == std::optional<int>{0});
  CHECK(r.out.find("ok") != std::string::npos);
  CHECK(r.out.find("listening") == std::string::npos);
}

TEST_CASE("check-config reports a bad environment variable",
          "[integration][config]") {
  temp_dir dir;
  auto file = dir.write_file("good.json", "{}");
  auto r = run_server_cli({"--check-config", file},
                          {{"NEXUS_LOG_LEVEL", "verbose"}});
  INFO("exit " << r.exit_code.value_or(-1) << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code.has_value());
  CHECK(*r.exit_code != 0);
  CHECK(has_problem(r.err, "NEXUS_LOG_LEVEL", "must be one of"));
  CHECK(has_problem(r.err, "NEXUS_LOG_LEVEL", "verbose"));
}

TEST_CASE("an invalid flag value stops the server before it listens",
          "[integration][config]") {
  temp_dir dir;
  auto r = run_server_cli({"--nexus-port", "0", "--neurograph-port", "0",
                           "--data-dir", dir.path() + "/data",
                           "--io-threads", "0"});
  INFO("exit " << r.exit_code.value_or(-1) << "\nstdout:\n"
               << r.out << "stderr:\n" << r.err);
  REQUIRE(r.exit_code.has_value());
  CHECK(*r.exit_code != 0);
  CHECK(r.out.find("listening") == std::string::npos);
  CHECK(has_problem(r.err, "--io-threads", "must be 1..64, got 0"));
}

TEST_CASE("NEXUS_MAX_MESSAGE_BYTES sets the message limit",
          "[integration][config]") {
  env_server server{{{"NEXUS_MAX_MESSAGE_BYTES", "2048"}}};
  auto port = server.nexus_port();
  auto p = established_payload(port);
  INFO("connection.established payload: " << p.dump());
  CHECK(p["limits"].value("max_message_bytes", json{}) == 2048);
  ws_client c{port};
  read_established(c);
  c.send_text(padded_heartbeat("fits", 2000));
  check_heartbeat_reply(dialect::nexus, c.read_reply("fits"), "fits");
  auto code = c.send_expect_close(padded_heartbeat("too-big", 3000));
  INFO("client error: " << c.last_error());
  CHECK(code == std::optional<std::uint16_t>{1009});
}

TEST_CASE("a flag beats the environment variable", "[integration][config]") {
  env_server server{{{"NEXUS_MAX_MESSAGE_BYTES", "2048"}},
                    {"--max-message-bytes", "4096"}};
  auto p = established_payload(server.nexus_port());
  INFO("connection.established payload: " << p.dump());
  CHECK(p["limits"].value("max_message_bytes", json{}) == 4096);
  ws_client c{server.nexus_port()};
  read_established(c);
  c.send_text(padded_heartbeat("above-env", 3000));
  check_heartbeat_reply(dialect::nexus, c.read_reply("above-env"),
                        "above-env");
}

TEST_CASE("a config file with comments applies through --config",
          "[integration][config]") {
  temp_dir dir;
  auto file = dir.write_file("nexus.json", R"(
// keep-alive tuned for this test
{
  "limits": {
    "ping_interval_ms": 1500 /* ms */
  }
})");
  server_process server{{"warn", {"--config", file}}};
  auto p = established_payload(server.nexus_port());
  INFO("connection.established payload: " << p.dump());
  CHECK(p.value("heartbeat_interval_ms", json{}) == 1500);
}

TEST_CASE("help lists the flags and version names the server",
          "[integration][config]") {
  auto help = run_server_cli({"--help"});
  INFO("--help exit " << help.exit_code.value_or(-1) << "\nstdout:\n"
                      << help.out << "stderr:\n" << help.err);
  CHECK(help.exit_code == std::optional<int>{0});
  CHECK(help.out.find("--nexus-port") != std::string::npos);
  CHECK(help.out.find("NEXUS_NEXUS_PORT") != std::string::npos);
  auto version = run_server_cli({"--version"});
  INFO("--version exit " << version.exit_code.value_or(-1) << "\nstdout:\n"
                         << version.out << "stderr:\n" << version.err);
  CHECK(version.exit_code == std::optional<int>{0});
  CHECK(version.out.find("nexus-server") != std::string::npos);
}
