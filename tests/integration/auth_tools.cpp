// Implementation of the shared helpers: tools run through child_process,
// base64url and RFC 3339 by hand (small, and independent of the server's
// own code), Catch assertions on refusals.
#include "tests/integration/auth_tools.hpp"

#include "tests/support/child_process.hpp"
#include "tests/support/server_cli.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <regex>
#include <stdexcept>

#ifndef NEXUS_IT_PYTHON
#define NEXUS_IT_PYTHON "/usr/bin/python3"
#endif
#ifndef NEXUS_IT_CLIENTS_DIR
#error "NEXUS_IT_CLIENTS_DIR must name tests/integration/clients"
#endif
#ifndef NEXUS_IT_MINT_MATRIX
#error "NEXUS_IT_MINT_MATRIX must name tests/auth/mint_matrix.py"
#endif
#ifndef NEXUS_IT_OPENSSL
#define NEXUS_IT_OPENSSL "/usr/bin/openssl"
#endif

namespace nexus::test {

namespace {

using clock_type = std::chrono::steady_clock;

millis left_until(clock_type::time_point end) {
  auto left = std::chrono::duration_cast<millis>(end - clock_type::now());
  return left < 0ms ? 0ms : left;
}

} // namespace

std::string system_python() {
  return NEXUS_IT_PYTHON;
}

std::string client_script(std::string const& name) {
  return std::string{NEXUS_IT_CLIENTS_DIR} + "/" + name;
}

std::string mint_matrix_script() {
  return NEXUS_IT_MINT_MATRIX;
}

std::string openssl_program() {
  return NEXUS_IT_OPENSSL;
}

tool_result run_tool(std::string const& program,
                     std::vector<std::string> const& args, millis deadline) {
  temp_dir dir;
  auto const end = clock_type::now() + deadline;
  tool_result result;
  {
    process_options p;
    p.program = program;
    p.args = args;
    p.capture_stdout = true;
    p.stderr_path = dir.path() + "/stderr";
    child_process child{std::move(p)};
    for (int n = 0; n < 10'000'000; ++n) {
      auto line = child.read_stdout_line(left_until(end));
      if (!line)
        break;
      result.lines.push_back(std::move(*line));
    }
    result.exit_code = child.wait_exit(left_until(end));
  } // still running: killed here
  result.err = dir.read_file("stderr");
  return result;
}

std::vector<std::string> mint_tokens(std::string const& secret, int n,
                                     mint_options const& opts) {
  std::vector<std::string> args{client_script("mint_tokens.py"), secret,
                                std::to_string(n), "--exp-in",
                                std::to_string(opts.exp_in_s)};
  if (!opts.sub.empty())
    args.insert(args.end(), {"--sub", opts.sub});
  if (!opts.plan.empty())
    args.insert(args.end(), {"--plan", opts.plan});
  auto r = run_tool(system_python(), args, 60s);
  INFO("mint_tokens.py exit " << r.exit_code.value_or(-1) << ", stderr:\n"
                              << r.err);
  REQUIRE(r.exit_code == std::optional<int>{0});
  REQUIRE(r.lines.size() == static_cast<std::size_t>(n));
  return r.lines;
}

std::string mint_token(std::string const& secret, mint_options const& opts) {
  return mint_tokens(secret, 1, opts).at(0);
}

std::optional<std::string> base64url_decode(std::string const& text) {
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z')
      return c - 'A';
    if (c >= 'a' && c <= 'z')
      return c - 'a' + 26;
    if (c >= '0' && c <= '9')
      return c - '0' + 52;
    if (c == '-')
      return 62;
    if (c == '_')
      return 63;
    return -1;
  };
  std::string out;
  unsigned bits = 0;
  int nbits = 0;
  for (char c : text) {
    int v = value_of(c);
    if (v < 0)
      return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += static_cast<char>((bits >> nbits) & 0xff);
    }
  }
  return out;
}

json jwt_payload(std::string const& token) {
  auto first = token.find('.');
  auto second = first == std::string::npos ? first : token.find('.', first + 1);
  if (second == std::string::npos
      || token.find('.', second + 1) != std::string::npos)
    throw std::runtime_error("not a compact JWT: " + token.substr(0, 80));
  auto decoded = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!decoded)
    throw std::runtime_error("JWT payload is not base64url");
  auto parsed = json::parse(*decoded, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    throw std::runtime_error("JWT payload is not a JSON object: " + *decoded);
  return parsed;
}

std::string query_escape(std::string const& text) {
  static char const hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                      || (c >= '0' && c <= '9') || c == '-' || c == '_'
                      || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

std::int64_t unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

plan_limits default_limits_of(std::string const& plan) {
  if (plan == "pro")
    return {50, 100};
  if (plan == "enterprise")
    return {200, 400};
  return {10, 20};
}

void check_established_as(json const& msg, std::string const& user_id,
                          std::string const& plan) {
  INFO("expected connection.established for " << user_id << " on " << plan
                                              << ", got: " << msg.dump());
  REQUIRE(msg.value("type", "") == "connection.established");
  CHECK(msg.value("success", false));
  auto p = msg.value("payload", json::object());
  CHECK(p.value("user_id", json{}) == user_id);
  CHECK(p.value("plan", json{}) == plan);
  auto want = default_limits_of(plan);
  auto limits = p.value("limits", json::object());
  CHECK(limits.value("max_message_bytes", json{}) == 1048576);
  CHECK(limits.value("rate_per_sec", json{}) == want.rate_per_sec);
  CHECK(limits.value("burst", json{}) == want.burst);
}

void check_auth_error(json const& msg, std::string const& reason,
                      std::string const& request_id) {
  INFO("expected AUTHENTICATION_FAILED with reason " << reason
                                                     << ", got: " << msg.dump());
  REQUIRE(msg.value("type", "") == "error");
  CHECK(msg.value("success", true) == false);
  auto err = msg.value("error", json::object());
  CHECK(err.value("code", "") == "AUTHENTICATION_FAILED");
  CHECK(err.value("type", "") == "AUTH_ERROR");
  CHECK(err.value("details", json::object()).value("reason", json{})
        == reason);
  if (!request_id.empty())
    CHECK(msg.value("request_id", json{}) == request_id);
}

void check_auth_refused(ws_client& c, std::string const& reason,
                        std::string const& request_id) {
  json msg;
  try {
    msg = c.read_json(5s);
  } catch (std::exception const& e) {
    FAIL("expected AUTHENTICATION_FAILED (" << reason << "), got: "
                                            << e.what());
  }
  check_auth_error(msg, reason, request_id);
  auto code = c.read_close_code(5s);
  INFO("after the error: " << c.dropped_messages()
                           << " more messages, client error: "
                           << c.last_error());
  CHECK(code == std::optional<std::uint16_t>{1008});
}

std::string refresh_request(std::string const& id, std::string const& token) {
  return make_request(dialect::nexus, "auth.refresh", id, {{"token", token}})
    .dump();
}

} // namespace nexus::test
