// usage(): the --help text, generated from the settings table so that every
// flag, variable, range and default shown is the one the loader uses.
#include "config/loader.hpp"

#include <sstream>

#include "config/settings.hpp"

namespace nexus::config {

namespace {

constexpr const char* header = R"(Usage: nexus-server [FLAG...]
       nexus-server --check-config FILE [FLAG...]

Every setting comes from, first found wins: its flag, its NEXUS_* environment
variable, the JSON config file, the built-in default. Flags take
`--flag VALUE` or `--flag=VALUE`; booleans also `--flag` alone.
Docs: docs/config.md.

Commands:
  --check-config FILE
      Load FILE with the environment and the other flags, print every
      problem and exit non-zero if there is any.
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
  out << "  " << bracket(s) << "\n      " << s.help << "\n      env "
      << env_name(s) << ", file " << s.path << '\n';
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
