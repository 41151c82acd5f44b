// wss:// (PROTOCOL.md §1; docs/config.md tls.*): with a certificate and key
// both listeners serve TLS to an ordinary client (Python websocket-client,
// verifying the certificate), and a plain ws:// client on a TLS port fails
// at once without hurting the server.
#include "tests/integration/auth_tools.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/server_cli.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

using namespace nexus::test;

namespace {

using clock_type = std::chrono::steady_clock;

/// A self-signed certificate for 127.0.0.1 written to `dir` as
/// PREFIX_cert.pem and PREFIX_key.pem.
void make_certificate(temp_dir const& dir, std::string const& prefix) {
  auto r = run_tool(openssl_program(),
                    {"req", "-x509", "-newkey", "rsa:2048", "-nodes",
                     "-keyout", dir.path() + "/" + prefix + "_key.pem",
                     "-out", dir.path() + "/" + prefix + "_cert.pem",
                     "-subj", "/CN=localhost", "-addext",
                     "subjectAltName=IP:127.0.0.1", "-days", "1"},
                    60s);
  INFO("openssl exit " << r.exit_code.value_or(-1) << ": " << r.err);
  REQUIRE(r.exit_code == std::optional<int>{0});
}

/// Runs clients/wss_client.py against `port` trusting `cafile`.
tool_result run_wss_client(std::uint16_t port, std::string const& cafile) {
  return run_tool(system_python(),
                  {client_script("wss_client.py"), std::to_string(port),
                   cafile},
                  45s);
}

} // namespace

TEST_CASE("both listeners serve wss:// with the configured certificate",
          "[integration][tls]") {
  temp_dir dir;
  make_certificate(dir, "server");
  make_certificate(dir, "stranger");
  auto const cert = dir.path() + "/server_cert.pem";
  server_process server{{"warn",
                         {"--tls-cert-file", cert, "--tls-key-file",
                          dir.path() + "/server_key.pem"}}};
  for (auto port : {server.nexus_port(), server.neurograph_port()}) {
    auto r = run_wss_client(port, cert);
    INFO("port " << port << ": exit " << r.exit_code.value_or(-1)
                 << "\nstderr:\n" << r.err);
    CHECK(r.exit_code == std::optional<int>{0});
  }
  // The client really checks the certificate: trusting another one fails.
  auto wrong = run_wss_client(server.nexus_port(),
                              dir.path() + "/stranger_cert.pem");
  INFO("with the wrong CA: " << wrong.err);
  CHECK(wrong.exit_code.has_value());
  CHECK(wrong.exit_code != std::optional<int>{0});
  CHECK(wrong.err.find("CERTIFICATE_VERIFY_FAILED") != std::string::npos);
  CHECK(server.running());
}

TEST_CASE("a plain ws:// client on a TLS port fails cleanly",
          "[integration][tls]") {
  temp_dir dir;
  make_certificate(dir, "server");
  auto const cert = dir.path() + "/server_cert.pem";
  // Handshake timeout 10 s (the default): failing "at once" below means the
  // server rejected the plaintext, not that a timer ran out.
  server_process server{{"warn",
                         {"--tls-cert-file", cert, "--tls-key-file",
                          dir.path() + "/server_key.pem"}}};
  auto port = server.nexus_port();
  for (int i = 0; i < 3; ++i) {
    INFO("attempt " << i);
    auto const t0 = clock_type::now();
    std::string error;
    try {
      ws_client plain{port, {"/ws", "", {}, 8s}};
      FAIL("a plain WebSocket upgrade succeeded on a TLS listener");
    } catch (std::exception const& e) {
      error = e.what();
    }
    auto took = std::chrono::duration_cast<millis>(clock_type::now() - t0);
    INFO("plain client: " << error << " after " << took.count() << " ms");
    CHECK(took < 3s);
    CHECK(error.find("timeout") == std::string::npos);
  }
  auto http = http_get(port, "/healthz", 8s);
  INFO("plain GET /healthz: status " << http.status << ", " << http.error);
  CHECK(http.status != 200);
  CHECK(http.error.find("timeout") == std::string::npos);
  // The server keeps serving wss:// afterwards.
  auto r = run_wss_client(port, cert);
  INFO("wss client after the plain ones: " << r.err);
  CHECK(r.exit_code == std::optional<int>{0});
  CHECK(server.running());
}
