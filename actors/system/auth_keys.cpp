// make_verifier: configuration → auth::verifier_options → jwt_verifier.
#include "actors/system/auth_keys.hpp"

#include <fstream>
#include <sstream>

namespace nexus::actors {

namespace {

/// Largest PEM public key file read; real ones are a few KiB.
constexpr std::streamsize max_pem_bytes = 65536;

bool read_small_file(const std::string& path, std::string& out) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return static_cast<std::streamsize>(out.size()) <= max_pem_bytes;
}

} // namespace

auth::verifier_options verifier_options(const config::server_config& cfg,
                                        std::vector<std::string>& problems) {
  auth::verifier_options o;
  auto& a = cfg.auth;
  if (!a.jwt_secret.empty())
    o.keys.push_back({"", a.jwt_algorithm, a.jwt_secret});
  for (std::size_t i = 0; i < a.keys.size(); ++i) {
    auto& k = a.keys[i];
    auth::jwt_key key{k.kid, k.alg, k.secret};
    if (!k.public_key_file.empty()
        && !read_small_file(k.public_key_file, key.material)) {
      problems.push_back("auth.keys[" + std::to_string(i)
                         + "].public_key_file: cannot read "
                         + k.public_key_file);
      continue;
    }
    o.keys.push_back(std::move(key));
  }
  o.issuer = a.issuer;
  o.audience = a.audience;
  o.require_exp = a.require_exp;
  o.leeway = std::chrono::seconds{a.leeway_s};
  o.max_token_bytes = cfg.limits.token_bytes;
  return o;
}

std::shared_ptr<const auth::jwt_verifier>
make_verifier(const config::server_config& cfg,
              std::vector<std::string>& problems) {
  auto opts = verifier_options(cfg, problems);
  if (opts.keys.empty())
    return nullptr;
  auto made = auth::jwt_verifier::make(std::move(opts));
  if (auto* bad = std::get_if<std::vector<std::string>>(&made)) {
    for (auto& p : *bad)
      problems.push_back("auth: " + p);
    return nullptr;
  }
  return std::make_shared<const auth::jwt_verifier>(
    std::get<auth::jwt_verifier>(std::move(made)));
}

} // namespace nexus::actors
