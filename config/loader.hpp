// Builds a server_config from a JSON file (comments allowed), NEXUS_*
// environment variables and command-line flags; flags win over the
// environment, which wins over the file. Strict: an unknown key, a wrong
// type or a value out of range is a problem naming the key and the rule.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/server_config.hpp"

namespace nexus::config {

/// One thing wrong with the configuration, e.g.
/// `{"limits.max_json_depth", "must be 1..1024, got 0"}`.
struct problem {
  /// Dotted path of the key, or the flag / variable that carried it.
  std::string key;
  /// The rule it breaks, for a human.
  std::string rule;
};

/// Renders `key: rule`.
std::string to_string(const problem& x);

/// What the command line asks the program to do.
enum class command { serve, check_config, help, version, token };

/// `nexus-server token --sub ID [--plan P] [--ttl D] [--topics A,B]`:
/// claims of a development token signed with the configured HS secret.
struct token_request {
  std::string sub;
  /// free | pro | enterprise.
  std::string plan = "free";
  /// Lifetime in seconds (`--ttl` takes 90, 90s, 15m, 1h or 2d).
  int64_t ttl_s = 3600;
  /// Topic patterns for the `topics` claim; empty: no claim.
  std::vector<std::string> topics;
};

/// The outcome of reading file, environment and flags.
struct startup {
  command cmd = command::serve;
  server_config cfg;
  /// Empty when everything is valid. Never partially applied: a caller that
  /// sees problems must not start.
  std::vector<problem> problems;
  /// The file given with --config or --check-config ("" for none).
  std::string config_path;
  /// For command::token.
  token_request token;
};

/// Environment variables as name → value (only NEXUS_* are looked at).
using environment = std::map<std::string, std::string>;

/// Reads the process environment into an `environment`.
environment process_environment();

/// Parses `argv` (argv[0] is skipped) against `env`. Never throws.
startup load(int argc, const char* const* argv, const environment& env);

/// Parses JSON text with comments into `cfg`, appending problems.
void apply_json(std::string_view text, server_config& cfg,
                std::vector<problem>& problems);

/// Checks cross-field rules (e.g. distinct ports); appends problems.
void validate(const server_config& cfg, std::vector<problem>& problems);

/// The `--help` text: every flag with its variable and default.
std::string usage();

} // namespace nexus::config
