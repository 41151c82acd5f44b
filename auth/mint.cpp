// mint() over libjwt's encoder (header {"alg","typ":"JWT"[,"kid"]}).
#include "auth/mint.hpp"

#include <cstdlib>
#include <memory>

#include <jwt.h>
#include <openssl/err.h>

#include "auth/keys.hpp"

namespace nexus::auth {

namespace {

struct jwt_free_t {
  void operator()(jwt_t* j) const { jwt_free(j); }
};

} // namespace

std::string mint(const jwt_key& key, const nlohmann::json& claims) {
  try {
    if (!is_hmac_algorithm(key.alg) || key.material.empty() ||
        !claims.is_object())
      return "";
    auto text =
        claims.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0)
      return "";
    std::unique_ptr<jwt_t, jwt_free_t> token{raw};
    auto alg = jwt_str_alg(key.alg.c_str());
    const auto* secret =
        reinterpret_cast<const unsigned char*>(key.material.data());
    auto secret_len = static_cast<int>(key.material.size());
    if (jwt_set_alg(raw, alg, secret, secret_len) != 0)
      return "";
    if (!key.kid.empty() && jwt_add_header(raw, "kid", key.kid.c_str()) != 0)
      return "";
    if (jwt_add_grants_json(raw, text.c_str()) != 0)
      return "";
    std::unique_ptr<char, decltype(&std::free)> out{jwt_encode_str(raw),
                                                    &std::free};
    ERR_clear_error();
    return out ? std::string{out.get()} : "";
  } catch (...) {
    return "";
  }
}

} // namespace nexus::auth
