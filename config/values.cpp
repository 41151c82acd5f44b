// Converting, checking, reading and storing setting values: the rules every
// source shares, so a value means the same from a file, a variable or a flag.
#include "config/settings.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <limits>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::config {

namespace {

/// Longest user text echoed back in a problem.
constexpr std::size_t max_shown_chars = 64;

/// Position of `name` in a `|`-separated list, or -1.
int choice_index(std::string_view choices, std::string_view name) {
  int index = 0;
  for (std::size_t pos = 0;; ++index) {
    auto bar = choices.find('|', pos);
    if (choices.substr(pos, bar - pos) == name)
      return index;
    if (bar == std::string_view::npos)
      return -1;
    pos = bar + 1;
  }
}

/// The `index`-th name of a `|`-separated list, or "" if there is none.
std::string choice_name(std::string_view choices, int index) {
  if (index < 0)
    return "";
  std::size_t pos = 0;
  for (; index > 0; --index) {
    pos = choices.find('|', pos);
    if (pos == std::string_view::npos)
      return "";
    ++pos;
  }
  return std::string{choices.substr(pos, choices.find('|', pos) - pos)};
}

/// Items of a comma-joined list; "" is the empty list.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  if (text.empty())
    return items;
  for (std::size_t pos = 0;;) {
    auto comma = text.find(',', pos);
    items.push_back(text.substr(pos, comma - pos));
    if (comma == std::string::npos)
      return items;
    pos = comma + 1;
  }
}

std::string join_list(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items)
    text += (text.empty() ? "" : ",") + item;
  return text;
}

bool is_ip_literal(const std::string& text) {
  in6_addr buf{};
  return inet_pton(AF_INET, text.c_str(), &buf) == 1 ||
         inet_pton(AF_INET6, text.c_str(), &buf) == 1;
}

} // namespace

std::string show(const nlohmann::json& j) {
  auto text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() <= max_shown_chars)
    return text;
  auto cut = max_shown_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut; // Never split a UTF-8 sequence.
  return text.substr(0, cut) + "...";
}

namespace {

std::string type_rule(const setting& s, const std::string& shown) {
  switch (s.type) {
  case value_type::integer:
    return "must be an integer, got " + shown;
  case value_type::boolean:
    return "must be a boolean, got " + shown;
  case value_type::list:
    return "must be an array of strings, got " + shown;
  case value_type::jwt_keys:
    return "must be an array of key objects";
  default:
    return "must be a string, got " + shown;
  }
}

/// Writes a checked value through a typed member pointer.
struct assigner {
  const setting& s;
  const value& val;
  template <class T>
  void operator()(T* member) const {
    if constexpr (std::is_same_v<T, std::vector<std::string>>)
      *member = split_list(std::get<std::string>(val));
    else if constexpr (std::is_same_v<T, std::vector<jwt_key_config>>)
      *member = parse_jwt_keys(std::get<std::string>(val));
    else if constexpr (std::is_same_v<T, bool>)
      *member = std::get<bool>(val);
    else if constexpr (std::is_same_v<T, std::string>)
      *member = std::get<std::string>(val);
    else if constexpr (std::is_enum_v<T>)
      *member =
          static_cast<T>(choice_index(s.choices, std::get<std::string>(val)));
    else
      *member = static_cast<T>(std::get<int64_t>(val));
  }
};

/// Reads a member back as a value.
struct reader {
  const setting& s;
  template <class T>
  value operator()(T* member) const {
    if constexpr (std::is_same_v<T, std::vector<std::string>>)
      return join_list(*member);
    else if constexpr (std::is_same_v<T, std::vector<jwt_key_config>>)
      return jwt_keys_text(*member);
    else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string>)
      return *member;
    else if constexpr (std::is_enum_v<T>)
      return choice_name(s.choices, static_cast<int>(*member));
    else
      return static_cast<int64_t>(*member);
  }
};

} // namespace

outcome from_json(const setting& s, const nlohmann::json& j) {
  value val;
  bool typed = true;
  if (s.type == value_type::integer) {
    typed = j.is_number_integer();
    if (j.is_number_unsigned()) {
      auto u = j.get<uint64_t>();
      constexpr auto top = std::numeric_limits<int64_t>::max();
      val = u > static_cast<uint64_t>(top) ? top : static_cast<int64_t>(u);
    } else if (typed) {
      val = j.get<int64_t>();
    }
  } else if (s.type == value_type::boolean) {
    if ((typed = j.is_boolean()))
      val = j.get<bool>();
  } else if (s.type == value_type::list) {
    typed = j.is_array();
    std::vector<std::string> items;
    for (const auto& item : typed ? j : nlohmann::json::array()) {
      if (!item.is_string())
        return {val, type_rule(s, show(j))};
      items.push_back(item.get<std::string>());
    }
    for (const auto& item : items)
      if (item.empty() || item.find(',') != std::string::npos)
        return {val, "items must be non-empty and without commas, got "
                       + show(j)};
    val = join_list(items);
  } else if (s.type == value_type::jwt_keys) {
    // Shown by index and field only: the array may hold secrets.
    if (auto rule = check_jwt_keys(j); !rule.empty())
      return {val, rule};
    return {j.dump(), ""};
  } else if ((typed = j.is_string())) {
    val = j.get<std::string>();
  }
  auto shown = show(j);
  if (!typed)
    return {val, type_rule(s, shown)};
  return {val, check(s, val, shown)};
}

outcome from_text(const setting& s, std::string_view text) {
  if (s.type == value_type::boolean) {
    if (text == "true" || text == "1")
      return {true, ""};
    if (text == "false" || text == "0")
      return {false, ""};
    return {false, "must be a boolean (true|false|1|0), got " + quote(text)};
  }
  if (s.type == value_type::jwt_keys) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded())
      return {std::string{}, "must be a JSON array of key objects"};
    return from_json(s, j);
  }
  if (s.type != value_type::integer) {
    value val = std::string{text};
    return {val, check(s, val, quote(text))};
  }
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc::result_out_of_range)
    n = text.front() == '-' ? std::numeric_limits<int64_t>::min()
                            : std::numeric_limits<int64_t>::max();
  else if (ec != std::errc{} || end != text.data() + text.size())
    return {n, type_rule(s, quote(text))};
  auto shown = std::string{text.substr(0, max_shown_chars)};
  return {n, check(s, n, shown)};
}

std::string check(const setting& s, const value& val, std::string_view shown) {
  auto got = ", got " + std::string{shown};
  switch (s.type) {
  case value_type::integer: {
    auto n = std::get<int64_t>(val);
    if (n < s.min || n > s.max)
      return "must be " + std::to_string(s.min) + ".." + std::to_string(s.max) +
             got;
    return "";
  }
  case value_type::boolean:
    return "";
  case value_type::text:
    return std::get<std::string>(val).empty() ? "must not be empty" : "";
  case value_type::choice:
    if (choice_index(s.choices, std::get<std::string>(val)) < 0)
      return "must be one of " + std::string{s.choices} + got;
    return "";
  case value_type::address:
    if (!is_ip_literal(std::get<std::string>(val)))
      return "must be an IPv4 or IPv6 address" + got;
    return "";
  case value_type::optional_text:
    return "";
  case value_type::list:
    for (const auto& item : split_list(std::get<std::string>(val))) {
      if (item.empty())
        return "items must not be empty" + got;
      if (!s.choices.empty() && choice_index(s.choices, item) < 0)
        return "items must be among " + std::string{s.choices} + got;
    }
    return "";
  case value_type::jwt_keys: {
    auto j = nlohmann::json::parse(std::get<std::string>(val), nullptr, false);
    return check_jwt_keys(j);
  }
  }
  return "";
}

value fetch(const setting& s, const server_config& cfg) {
  // locate() only hands out member pointers; reader never writes.
  return std::visit(reader{s}, s.locate(const_cast<server_config&>(cfg)));
}

server_config with_value(server_config cfg, const setting& s,
                         const value& val) {
  std::visit(assigner{s, val}, s.locate(cfg));
  return cfg;
}

std::string to_text(const value& val) {
  if (auto n = std::get_if<int64_t>(&val))
    return std::to_string(*n);
  if (auto b = std::get_if<bool>(&val))
    return *b ? "true" : "false";
  return std::get<std::string>(val);
}

std::string quote(std::string_view text) {
  return show(nlohmann::json(std::string{text}));
}

std::string metavar(const setting& s) {
  switch (s.type) {
  case value_type::integer:
    return "N";
  case value_type::boolean:
    return "";
  case value_type::text:
    return "DIR";
  case value_type::choice:
    return std::string{s.choices};
  case value_type::address:
    return "ADDR";
  case value_type::optional_text:
    return "TEXT";
  case value_type::list:
    return s.choices.empty() ? "A,B" : "NAME,...";
  case value_type::jwt_keys:
    return "JSON";
  }
  return "";
}

} // namespace nexus::config
