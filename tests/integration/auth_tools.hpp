// Helpers shared by the authentication, rate-limit, hygiene, TLS and
// redaction integration tests: running the Python tools (mint_matrix.py,
// clients/mint_tokens.py, clients/wss_client.py) and openssl, decoding a
// JWT's payload, percent-encoding a query value, reading RFC 3339 times and
// asserting on authentication refusals.
#pragma once

#include "tests/integration/protocol_checks.hpp"
#include "tests/support/wait.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nexus::test {

/// Debian's python3 (python3-jwt, python3-cryptography, websocket-client).
std::string system_python();

/// Absolute path of `name` in tests/integration/clients/.
std::string client_script(std::string const& name);

/// Absolute path of tests/auth/mint_matrix.py.
std::string mint_matrix_script();

/// Path of the openssl command-line tool.
std::string openssl_program();

/// What a finished tool run printed.
struct tool_result {
  /// Exit code; nullopt when it was still running at the deadline (it is
  /// then killed).
  std::optional<int> exit_code;
  /// stdout, one entry per line (without '\n').
  std::vector<std::string> lines;
  /// Everything written to stderr.
  std::string err;
};

/// Runs `program args...` to completion or until `deadline` passes.
tool_result run_tool(std::string const& program,
                     std::vector<std::string> const& args,
                     millis deadline = 60s);

/// Options of clients/mint_tokens.py.
struct mint_options {
  /// The same `sub` for every token; empty: "user0", "user1", ...
  std::string sub;
  /// The `plan` claim; empty leaves it out.
  std::string plan;
  /// `exp` = now + this many seconds.
  int exp_in_s = 3600;
};

/// `n` distinct HS256 tokens signed with `secret` by PyJWT. Fails the test
/// (REQUIRE) when the script does.
std::vector<std::string> mint_tokens(std::string const& secret, int n,
                                     mint_options const& opts = {});

/// One token (see `mint_tokens`).
std::string mint_token(std::string const& secret,
                       mint_options const& opts = {});

/// The JSON payload (second part) of a compact JWT; throws when it is not
/// three base64url parts with a JSON object in the middle.
json jwt_payload(std::string const& token);

/// Decodes unpadded base64url; nullopt on a character outside the alphabet.
std::optional<std::string> base64url_decode(std::string const& text);

/// `text` percent-encoded for a query value: everything but RFC 3986
/// unreserved characters becomes %XX.
std::string query_escape(std::string const& text);


/// Milliseconds since the epoch now (system clock, as the server uses).
std::int64_t unix_now_ms();

/// Limits a plan announces in connection.established (the defaults of
/// docs/config.md: free 10/20, pro 50/100, enterprise 200/400).
struct plan_limits {
  int rate_per_sec;
  int burst;
};

/// The default limits of `plan` ("free", "pro", "enterprise").
plan_limits default_limits_of(std::string const& plan);

/// Checks that `msg` (nexus dialect) is `connection.established` for
/// `user_id` on `plan` with that plan's default limits.
void check_established_as(json const& msg, std::string const& user_id,
                          std::string const& plan);

/// Checks that `msg` (nexus dialect) is an AUTHENTICATION_FAILED error with
/// `details.reason == reason` (and `request_id`, when non-empty).
void check_auth_error(json const& msg, std::string const& reason,
                      std::string const& request_id = {});

/// Reads the next message on `c` and checks that it is an
/// AUTHENTICATION_FAILED error with `details.reason == reason`, then that
/// the server closes with 1008. `request_id` (when non-empty) must be the
/// error's request_id.
void check_auth_refused(ws_client& c, std::string const& reason,
                        std::string const& request_id = {});

/// `auth.refresh {token}` with request id `id`, serialized (nexus dialect).
std::string refresh_request(std::string const& id, std::string const& token);

} // namespace nexus::test
