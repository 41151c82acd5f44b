// The server log as an operator reads it (docs/architecture.md, Logging):
// with `--log-format json` every stderr line is one JSON object
// {ts, level, logger, msg}, and every line about a connection names its
// connection_id (`logger` in JSON, `[<id>]` in text).
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <regex>
#include <sstream>
#include <vector>

using namespace nexus::test;

namespace {

/// The lines of `text` (without their '\n'), empty lines left out.
std::vector<std::string> lines_of(std::string const& text) {
  std::vector<std::string> result;
  std::istringstream in{text};
  std::string line;
  for (int n = 0; n < 100000 && std::getline(in, line); ++n)
    if (!line.empty())
      result.push_back(line);
  return result;
}

/// Connects, checks the connection works, closes it; returns the
/// connection_id from `connection.established`.
std::string one_connection(std::uint16_t port) {
  ws_client c{port, {"/ws?client_id=log-format-test"}};
  auto established = c.read_json();
  check_established(dialect::nexus, established);
  auto id = established["payload"].value("connection_id", std::string{});
  REQUIRE_FALSE(id.empty());
  check_alive(c, dialect::nexus, "log-format");
  c.close();
  return id;
}

/// Waits until the log says the connection's socket is gone, then stops
/// the server (exit 0) and returns everything it wrote to stderr.
std::string log_after_close(server_process& server) {
  bool gone = poll_until(
    [&] {
      return server.stderr_text().find("socket gone") != std::string::npos;
    },
    5s);
  auto log = server.stderr_text();
  INFO("stderr:\n" << log.substr(0, 4000));
  CHECK(gone);
  server.send_signal(SIGTERM);
  CHECK(server.wait_exit(10s) == std::optional<int>{0});
  return server.stderr_text();
}

/// True when `v` is a non-empty string.
bool non_empty_string(json const& v) {
  return v.is_string() && !v.get<std::string>().empty();
}

/// Checks the four fields of one JSON log line.
void check_log_object(json const& j) {
  static std::regex const ts_re{
    R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$)"};
  static std::regex const level_re{
    "^(trace|debug|info|warning|warn|error|critical)$"};
  REQUIRE(j.is_object());
  auto ts = j.value("ts", json{});
  CHECK((ts.is_string() && std::regex_match(ts.get<std::string>(), ts_re)));
  auto level = j.value("level", json{});
  CHECK((level.is_string()
         && std::regex_match(level.get<std::string>(), level_re)));
  CHECK(non_empty_string(j.value("logger", json{})));
  CHECK(j.value("msg", json{}).is_string());
}

} // namespace

TEST_CASE("the json log format writes one JSON object per line",
          "[integration][logs]") {
  server_process server{{"debug", {"--log-format", "json"}}};
  auto id = one_connection(server.nexus_port());
  auto log = log_after_close(server);
  auto lines = lines_of(log);
  INFO("connection_id " << id);
  REQUIRE_FALSE(lines.empty());
  CHECK(log.back() == '\n');
  std::vector<std::string> own; // msg of every line logged as the connection
  for (auto const& line : lines) {
    INFO("line: " << line);
    auto j = json::parse(line, nullptr, false);
    check_log_object(j);
    if (j.value("logger", "") == id)
      own.push_back(j.value("msg", ""));
    else if (j.value("msg", "").find(id) != std::string::npos)
      FAIL_CHECK("a line about the connection has another logger");
  }
  auto starts_with = [&](std::string const& prefix) {
    for (auto const& msg : own)
      if (msg.rfind(prefix, 0) == 0)
        return true;
    return false;
  };
  INFO("stderr:\n" << log.substr(0, 6000));
  CHECK(starts_with("connected "));
  CHECK(starts_with("socket gone"));
}

TEST_CASE("text log lines about a connection carry its connection_id",
          "[integration][logs]") {
  server_process server{{"debug"}};
  auto id = one_connection(server.nexus_port());
  auto log = log_after_close(server);
  INFO("connection_id " << id << "; stderr:\n" << log.substr(0, 6000));
  int connected = 0;
  int gone = 0;
  for (auto const& line : lines_of(log)) {
    INFO("line: " << line);
    CHECK(line.front() != '{'); // text, not JSON
    bool is_connected = line.find("] connected ") != std::string::npos;
    bool is_gone = line.find("] socket gone") != std::string::npos;
    if (!is_connected && !is_gone)
      continue;
    CHECK(line.find("[" + id + "]") != std::string::npos);
    connected += is_connected;
    gone += is_gone;
  }
  CHECK(connected == 1);
  CHECK(gone == 1);
}
