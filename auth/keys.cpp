// Key checks with OpenSSL 3 (EVP only, no deprecated RSA/EC calls).
#include "auth/keys.hpp"

#include <algorithm>
#include <iterator>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace nexus::auth {

namespace {

constexpr std::string_view algorithms[] = {"HS256", "HS384", "HS512", "RS256",
                                           "ES256"};

/// Smallest RSA modulus accepted (NIST SP 800-131A).
constexpr int min_rsa_bits = 2048;

/// The public key in PEM `text`, or null.
std::shared_ptr<EVP_PKEY> read_public_key(const std::string& text) {
  if (text.empty())
    return nullptr;
  auto* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  if (bio == nullptr)
    return nullptr;
  auto* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  // A failed read leaves entries on this thread's error queue.
  ERR_clear_error();
  if (key == nullptr)
    return nullptr;
  return {key, EVP_PKEY_free};
}

std::string check_rsa(const EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
    return "RS256 needs an RSA public key";
  if (auto bits = EVP_PKEY_get_bits(key); bits < min_rsa_bits)
    return "RSA key has " + std::to_string(bits) + " bits, at least " +
           std::to_string(min_rsa_bits) + " are needed";
  return "";
}

std::string check_ec(const EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
    return "ES256 needs an EC public key on P-256";
  char group[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                     sizeof group, &len) != 1 ||
      std::string_view{group, len} != "prime256v1") {
    ERR_clear_error();
    return "ES256 needs an EC public key on P-256";
  }
  return "";
}

} // namespace

const ready_key* key_ring::find(std::string_view kid) const {
  for (const auto& key : keys)
    if (key.config.kid == kid)
      return &key;
  return nullptr;
}

bool is_known_algorithm(std::string_view alg) {
  return std::find(std::begin(algorithms), std::end(algorithms), alg) !=
         std::end(algorithms);
}

bool is_hmac_algorithm(std::string_view alg) {
  return is_known_algorithm(alg) && alg.substr(0, 2) == "HS";
}

std::variant<ready_key, std::string> prepare_key(const jwt_key& key) {
  if (!is_known_algorithm(key.alg))
    return "alg must be one of HS256, HS384, HS512, RS256, ES256";
  if (is_hmac_algorithm(key.alg)) {
    if (key.material.empty())
      return key.alg + " secret is empty";
    return ready_key{key, nullptr};
  }
  auto pkey = read_public_key(key.material);
  if (!pkey)
    return key.alg + " key is not a PEM public key";
  auto why = key.alg == "RS256" ? check_rsa(pkey.get()) : check_ec(pkey.get());
  if (!why.empty())
    return why;
  return ready_key{key, std::move(pkey)};
}

} // namespace nexus::auth
