// The one table of every setting: JSON path, flag, type and range. The file,
// environment and flag readers, validate() and usage() all walk this table,
// so each key and each limit is named exactly once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "config/server_config.hpp"

namespace nexus::config {

/// How a setting is written and which rules it obeys.
enum class value_type {
  /// A whole number within [min, max].
  integer,
  /// `true`/`false` (text sources also take `1`/`0`).
  boolean,
  /// A non-empty string.
  text,
  /// One of the `|`-separated names in `choices`.
  choice,
  /// An IPv4 or IPv6 literal, as accepted by inet_pton.
  address,
  /// A string that may be empty (empty: feature off or not checked).
  optional_text,
  /// A JSON array of strings, or comma-separated text in flags and
  /// variables; with `choices`, each item must be one of them.
  list,
  /// A JSON array of JWT key objects (`auth.keys`); JSON text in flags and
  /// variables.
  jwt_keys,
};

/// A setting's value independent of its source; enums travel by name,
/// lists as comma-joined text and key lists as compact JSON.
using value = std::variant<int64_t, bool, std::string>;

/// Where a setting lives inside a server_config.
using field = std::variant<uint16_t*, uint32_t*, uint64_t*, bool*, std::string*,
                           log_format*, scheduler_policy*,
                           std::vector<std::string>*,
                           std::vector<jwt_key_config>*>;

/// One configurable key, named once for every source.
struct setting {
  /// Dotted JSON path, e.g. `limits.max_json_depth`.
  std::string_view path;
  /// Flag name without the leading dashes, e.g. `max-json-depth`.
  std::string_view flag;
  /// The type, which selects the rules below.
  value_type type;
  /// Inclusive lower bound (integers only).
  int64_t min;
  /// Inclusive upper bound (integers only).
  int64_t max;
  /// Allowed names for choices, `|`-separated, in enum order.
  std::string_view choices;
  /// One line of help for usage().
  std::string_view help;
  /// Points into `cfg` at this setting's member.
  field (*locate)(server_config& cfg);
};

/// Every setting, in the order usage() and the docs list them.
const std::vector<setting>& settings();

/// The setting at a dotted JSON path, or nullptr.
const setting* find_by_path(std::string_view path);

/// The setting behind a flag name (without dashes), or nullptr.
const setting* find_by_flag(std::string_view flag);

/// True if `path` is a JSON object holding settings (e.g. `limits`).
bool is_section(std::string_view path);

/// `--` + the flag name.
std::string flag_name(const setting& s);

/// `NEXUS_` + the flag name upper-cased with `-` → `_`.
std::string env_name(const setting& s);

/// Either a value that passed the setting's rules or the rule it breaks.
struct outcome {
  /// The value to store when `rule` is empty.
  value val;
  /// The broken rule, e.g. `must be 1..64, got 0`; empty when valid.
  std::string rule;
};

/// Converts and checks a JSON value for `s`.
outcome from_json(const setting& s, const nlohmann::json& j);

/// Converts and checks the text of a flag or environment variable for `s`.
outcome from_text(const setting& s, std::string_view text);

/// The rule `val` breaks ("" if none); `shown` is how the user wrote it.
std::string check(const setting& s, const value& val, std::string_view shown);

/// Reads the current value of `s` from `cfg`.
value fetch(const setting& s, const server_config& cfg);

/// Returns `cfg` with `s` set to `val` (which must have passed check()).
server_config with_value(server_config cfg, const setting& s, const value& val);

/// Renders a value for humans: numbers and names as is, strings unquoted.
std::string to_text(const value& val);

/// Renders JSON for a problem (compact, shortened, never throws).
std::string show(const nlohmann::json& j);

/// Renders a user's string quoted and escaped, shortened when very long.
std::string quote(std::string_view text);

/// Checks an `auth.keys` array: the rule it breaks, or "". Never echoes a
/// secret.
std::string check_jwt_keys(const nlohmann::json& keys);

/// Reads an `auth.keys` array that passed check_jwt_keys.
std::vector<jwt_key_config> parse_jwt_keys(const std::string& json_text);

/// Renders keys back as compact JSON text (the value form).
std::string jwt_keys_text(const std::vector<jwt_key_config>& keys);

/// The metavariable usage() shows for `s`, e.g. `N` or `text|json`.
std::string metavar(const setting& s);

} // namespace nexus::config
