// A small parser for the Prometheus text format: `name{k="v",...} value`
// lines, comments skipped, label values unescaped.
#include "tests/support/metrics.hpp"

#include "tests/support/http_client.hpp"

#include <cstdlib>
#include <map>
#include <sstream>

namespace nexus::test {

namespace {

/// A metric name with its labels.
struct series {
  std::string name;
  std::map<std::string, std::string> labels;
};

/// Parses `name{k="v",...}` starting at `pos`; advances `pos` past it.
/// Nullopt when the text is malformed.
std::optional<series> parse_series(std::string const& s, std::size_t& pos) {
  series out;
  while (pos < s.size() && s[pos] != '{' && s[pos] != ' ')
    out.name += s[pos++];
  if (pos >= s.size() || s[pos] != '{')
    return out;
  ++pos;
  while (pos < s.size() && s[pos] != '}') {
    auto eq = s.find('=', pos);
    if (eq == std::string::npos || eq + 1 >= s.size() || s[eq + 1] != '"')
      return std::nullopt;
    auto key = s.substr(pos, eq - pos);
    std::string value;
    for (pos = eq + 2; pos < s.size() && s[pos] != '"'; ++pos) {
      if (s[pos] == '\\' && pos + 1 < s.size()) {
        ++pos;
        value += s[pos] == 'n' ? '\n' : s[pos];
      } else {
        value += s[pos];
      }
    }
    out.labels[key] = value;
    pos += 1; // closing quote
    if (pos < s.size() && s[pos] == ',')
      ++pos;
    while (pos < s.size() && s[pos] == ' ')
      ++pos;
  }
  if (pos >= s.size())
    return std::nullopt;
  ++pos; // '}'
  return out;
}

/// True when `have` has the name of `want` and all of its labels.
bool matches(series const& have, series const& want) {
  if (have.name != want.name)
    return false;
  for (auto const& [key, value] : want.labels) {
    auto it = have.labels.find(key);
    if (it == have.labels.end() || it->second != value)
      return false;
  }
  return true;
}

} // namespace

std::optional<double> metric_value(std::string const& exposition,
                                   std::string const& selector) {
  std::size_t sel_pos = 0;
  auto want = parse_series(selector, sel_pos);
  if (!want)
    return std::nullopt;
  std::optional<double> sum;
  std::istringstream lines{exposition};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::size_t pos = 0;
    auto have = parse_series(line, pos);
    if (!have || !matches(*have, *want))
      continue;
    char* end = nullptr;
    double value = std::strtod(line.c_str() + pos, &end);
    if (end == line.c_str() + pos)
      continue;
    sum = sum.value_or(0.0) + value;
  }
  return sum;
}

std::optional<double> scrape_metric(std::uint16_t port,
                                    std::string const& selector,
                                    millis deadline) {
  auto res = http_get(port, "/metrics", deadline);
  if (res.status != 200)
    return std::nullopt;
  return metric_value(res.body, selector);
}

} // namespace nexus::test
