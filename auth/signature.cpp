// libjwt 1.10 re-reads a PEM key on every jwt_decode, which costs 1.3-1.9 ms
// with OpenSSL 3.0; RS256/ES256 therefore verify here with the EVP_PKEY
// parsed at start-up. ES256 signatures are JWS raw R || S (RFC 7518 §3.4)
// and are converted to DER for OpenSSL.
#include "auth/signature.hpp"

#include <memory>
#include <string>

#include <jwt.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "auth/base64url.hpp"

namespace nexus::auth {

namespace {

struct jwt_free_t {
  void operator()(jwt_t* j) const { jwt_free(j); }
};

/// libjwt: the whole token, the secret, and libjwt's own idea of the
/// algorithm checked against the pinned one in case its JSON parser read
/// the header differently from ours.
bool hmac_ok(std::string_view token, const jwt_key& key) {
  std::string text{token};
  jwt_t* raw = nullptr;
  int rc =
      jwt_decode(&raw, text.c_str(),
                 reinterpret_cast<const unsigned char*>(key.material.data()),
                 static_cast<int>(key.material.size()));
  std::unique_ptr<jwt_t, jwt_free_t> decoded{raw};
  return rc == 0 && decoded &&
         jwt_get_alg(decoded.get()) == jwt_str_alg(key.alg.c_str());
}

/// ES256's R || S (32 bytes each) as a DER ECDSA-Sig-Value; "" if invalid.
std::string es256_der(const std::string& raw) {
  if (raw.size() != 64)
    return "";
  auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig{ECDSA_SIG_new(),
                                                            ECDSA_SIG_free};
  auto* r = BN_bin2bn(bytes, 32, nullptr);
  auto* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (!sig || r == nullptr || s == nullptr ||
      ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return "";
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0)
    return "";
  std::string out{reinterpret_cast<char*>(der), static_cast<std::size_t>(len)};
  OPENSSL_free(der);
  return out;
}

/// OpenSSL: SHA-256 over the signing input, PKCS #1 v1.5 or ECDSA.
bool public_key_ok(std::string_view token, const ready_key& key) {
  auto last_dot = token.rfind('.');
  auto signing_input = token.substr(0, last_dot);
  auto signature = base64url::decode(token.substr(last_dot + 1));
  if (!signature || !key.public_key)
    return false;
  if (key.config.alg == "ES256") {
    *signature = es256_der(*signature);
    if (signature->empty())
      return false;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free};
  return ctx &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                              key.public_key.get()) == 1 &&
         EVP_DigestVerify(
             ctx.get(),
             reinterpret_cast<const unsigned char*>(signature->data()),
             signature->size(),
             reinterpret_cast<const unsigned char*>(signing_input.data()),
             signing_input.size()) == 1;
}

} // namespace

bool signature_ok(std::string_view token, const ready_key& key) {
  bool ok = is_hmac_algorithm(key.config.alg) ? hmac_ok(token, key.config)
                                              : public_key_ok(token, key);
  // Failures leave entries on this thread's OpenSSL error queue.
  ERR_clear_error();
  return ok;
}

} // namespace nexus::auth
