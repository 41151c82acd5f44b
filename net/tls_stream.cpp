// Loading a listener's certificate and key; the synchronous TLS teardown.
#include "net/tls_stream.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <boost/asio/ssl/error.hpp>
#include <openssl/ssl.h>

namespace nexus::net {

namespace {

namespace ssl = asio::ssl;

/// "" when `path` can be opened for reading, else why not.
std::string unreadable(const std::string& path) {
  std::ifstream f{path};
  if (f)
    return {};
  return std::strerror(errno);
}

/// Checks and loads one file; false and `error` set on failure.
template <class Load>
bool load(const char* what, const std::string& path, Load&& fn,
          std::string& error) {
  if (path.empty()) {
    error = std::string{"TLS "} + what + " file not configured";
    return false;
  }
  if (auto why = unreadable(path); !why.empty()) {
    error = std::string{"cannot read TLS "} + what + " file '" + path
            + "': " + why;
    return false;
  }
  beast::error_code ec;
  fn(path, ec);
  if (ec) {
    error = std::string{"cannot load TLS "} + what + " from '" + path
            + "': " + ec.message();
    return false;
  }
  return true;
}

} // namespace

std::shared_ptr<ssl::context>
load_tls_context(const std::string& cert_file, const std::string& key_file,
                 std::string& error) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds
                   | ssl::context::single_dh_use);
  // An encrypted key would make OpenSSL prompt on the terminal: answer
  // with an empty passphrase so loading fails with an error instead.
  ctx->set_password_callback(
    [](std::size_t, ssl::context::password_purpose) { return std::string{}; });
  bool ok = load("certificate chain", cert_file,
                 [&](const std::string& p, beast::error_code& ec) {
                   ctx->use_certificate_chain_file(p, ec);
                 },
                 error)
            && load("private key", key_file,
                    [&](const std::string& p, beast::error_code& ec) {
                      ctx->use_private_key_file(p, ssl::context::pem, ec);
                    },
                    error);
  if (!ok)
    return nullptr;
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    error = "TLS private key '" + key_file
            + "' does not match the certificate in '" + cert_file + "'";
    return nullptr;
  }
  return ctx;
}

bool tls_teardown_op::benign(beast::error_code ec) {
  return !ec || ec == asio::error::eof || ec == ssl::error::stream_truncated;
}

void teardown(beast::role_type role, tls_stream& s, beast::error_code& ec) {
  s.shutdown(ec);
  if (tls_teardown_op::benign(ec))
    ec = {};
  auto& tcp = beast::get_lowest_layer(s);
  beast::error_code ignored;
  if (role == beast::role_type::server)
    tcp.socket().shutdown(asio::socket_base::shutdown_send, ignored);
  tcp.socket().close(ignored);
}

} // namespace nexus::net
