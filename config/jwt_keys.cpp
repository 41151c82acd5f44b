// The `auth.keys` setting: a JSON array of verification keys, each pinned to
// one algorithm. Checked here so a bad key stops start-up naming its index
// and field; the auth layer loads the PEM files later.
#include "config/settings.hpp"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

namespace nexus::config {

namespace {

using nlohmann::json;

/// The algorithms a key may be pinned to (PROTOCOL.md §4).
constexpr std::string_view algorithms[] = {"HS256", "HS384", "HS512",
                                           "RS256", "ES256"};
constexpr const char* algorithm_names = "HS256|HS384|HS512|RS256|ES256";

bool known(const std::string& alg) {
  return std::find(std::begin(algorithms), std::end(algorithms), alg)
         != std::end(algorithms);
}

/// True for a known HMAC algorithm (shared secret).
bool is_hs(const std::string& alg) {
  return alg.rfind("HS", 0) == 0;
}

std::string string_field(const json& key, const char* name) {
  auto i = key.find(name);
  return i != key.end() && i->is_string() ? i->get<std::string>() : "";
}

/// The rule one key breaks, prefixed with its index; "" if none.
std::string check_key(const json& key, std::size_t index) {
  auto at = "[" + std::to_string(index) + "]";
  if (!key.is_object())
    return at + " must be an object";
  for (const auto& [name, item] : key.items()) {
    if (name != "kid" && name != "alg" && name != "secret"
        && name != "public_key_file")
      return at + "." + name + ": unknown key";
    if (!item.is_string())
      return at + "." + name + " must be a string";
  }
  auto alg = string_field(key, "alg");
  if (!known(alg))
    return at + ".alg must be one of " + algorithm_names;
  bool has_secret = key.contains("secret");
  bool has_file = key.contains("public_key_file");
  if (is_hs(alg)) {
    if (!has_secret || has_file || string_field(key, "secret").empty())
      return at + ": " + alg + " needs a non-empty secret (and no file)";
  } else if (!has_file || has_secret
             || string_field(key, "public_key_file").empty()) {
    return at + ": " + alg + " needs public_key_file (and no secret)";
  }
  return "";
}

} // namespace

std::string check_jwt_keys(const json& keys) {
  if (!keys.is_array())
    return "must be an array of key objects";
  std::vector<std::string> kids;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (auto rule = check_key(keys[i], i); !rule.empty())
      return rule;
    auto kid = string_field(keys[i], "kid");
    for (const auto& seen : kids)
      if (seen == kid)
        return "[" + std::to_string(i) + "].kid " + quote(kid)
               + " is used twice";
    kids.push_back(kid);
  }
  return "";
}

std::vector<jwt_key_config> parse_jwt_keys(const std::string& json_text) {
  std::vector<jwt_key_config> out;
  auto keys = json::parse(json_text, nullptr, false);
  if (!keys.is_array())
    return out;
  for (const auto& key : keys)
    out.push_back({string_field(key, "kid"), string_field(key, "alg"),
                   string_field(key, "secret"),
                   string_field(key, "public_key_file")});
  return out;
}

std::string jwt_keys_text(const std::vector<jwt_key_config>& keys) {
  auto out = json::array();
  for (const auto& k : keys) {
    json key = {{"alg", k.alg}};
    if (!k.kid.empty())
      key["kid"] = k.kid;
    if (!k.secret.empty())
      key["secret"] = k.secret;
    if (!k.public_key_file.empty())
      key["public_key_file"] = k.public_key_file;
    out.push_back(std::move(key));
  }
  return out.dump();
}

} // namespace nexus::config
