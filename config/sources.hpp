// Readers for the three sources of settings: a JSON file, NEXUS_* variables
// and the command line. Each returns what it found and the problems it met;
// load() applies the findings in precedence order (file, env, flags).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/loader.hpp"
#include "config/settings.hpp"

namespace nexus::config {

/// A checked value for one setting, ready to store.
struct assignment {
  const setting* target;
  value val;
};

/// What one source says: values to store and problems met.
struct reading {
  std::vector<assignment> values;
  std::vector<problem> problems;

  /// Keeps `x`'s value for `s`, or records its rule under `key`.
  void add(const setting& s, outcome x, const std::string& key);

  /// Appends everything `other` found.
  void add(reading other);
};

/// What the command line says.
struct arguments {
  command cmd = command::serve;
  /// From --config or --check-config; empty when neither was given.
  std::string config_path;
  /// Setting flags and problems, in command-line order.
  reading flags;
  /// The `token` command's own flags.
  token_request token;
};

/// Parses JSON text with comments; `origin` names it in whole-text problems.
reading read_json(std::string_view text, const std::string& origin);

/// Reads and parses a config file; problems about the file name `path`.
reading read_file(const std::string& path);

/// Reads the NEXUS_* variable of every setting present in `env`.
reading read_env(const environment& env);

/// Parses `argv` (argv[0] is skipped).
arguments read_args(int argc, const char* const* argv);

/// Returns `cfg` with every assignment stored, in order.
server_config apply_all(server_config cfg,
                        const std::vector<assignment>& values);

} // namespace nexus::config
