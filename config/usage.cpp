// usage(): the --help text, generated from the settings table so that every
// flag, variable, range and default shown is the one the loader uses.
#include "config/loader.hpp"

#include <sstream>

#include "config/settings.hpp"

namespace nexus::config {

namespace {

constexpr const char* header = R"(Usage: nexus-server [FLAG...]
       nexus-server --check-config FILE [FLAG...]
       nexus-server token --sub USER [--plan P] [--ttl D] [--topics A,B]
                    [FLAG...]

Every setting comes from, first found wins: its flag, its NEXUS_* environment
variable, the JSON config file, the built-in default. Flags take
`--flag VALUE` or `--flag=VALUE`; booleans also `--flag` alone.
Docs: docs/config.md.

Commands:
  --check-config FILE
      Load FILE with the environment and the other flags, print every
      problem and exit non-zero if there is any.
  token --sub USER [--plan free|pro|enterprise] [--ttl D] [--topics A,B]
      Print a JWT for USER signed with auth.jwt_secret (NEXUS_JWT_SECRET)
      and auth.jwt_algorithm, for development and tests. --ttl takes 90,
      90s, 15m, 1h or 2d (default 1h); --topics sets the `topics` claim.
  --help, -h
      Print this text.
  --version
      Print the version.

Config file:
  --config FILE  [default none]
      env NEXUS_CONFIG
      JSON file, `//` and `/* */` comments allowed; unknown keys are errors.

Settings:
)";

/// `[0..65535, default 8080]` or `[default info]`.
std::string bracket(const setting& s) {
  std::string text = "[";
  if (s.type == value_type::integer)
    text += std::to_string(s.min) + ".." + std::to_string(s.max) + ", ";
  return text + "default " + to_text(fetch(s, server_config{})) + "]";
}

std::string describe(const setting& s) {
  std::ostringstream out;
  out << "  " << flag_name(s);
  if (s.type == value_type::boolean)
    out << "[=true|false]";
  else
    out << ' ' << metavar(s);
  auto where = "env " + env_name(s) + ", file " + std::string{s.path};
  // Long names (the plans') take two lines to stay within 80 columns.
  constexpr std::size_t max_where_chars = 72;
  if (where.size() > max_where_chars)
    where = "env " + env_name(s) + "\n      file " + std::string{s.path};
  out << "  " << bracket(s) << "\n      " << s.help << "\n      " << where
      << '\n';
  return out.str();
}

} // namespace

std::string usage() {
  std::string text = header;
  for (const auto& s : settings())
    text += describe(s);
  return text;
}

} // namespace nexus::config
