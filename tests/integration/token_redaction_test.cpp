// No JWT reaches the log (PROTOCOL.md §1), at debug level and under load:
// 1,000 connections each with its own valid token in `?token=` (some in
// `Authorization` instead), refused ones with forged, expired and truncated
// tokens, and tokens sent in `auth.refresh` messages. Afterwards neither a
// token nor its signature part appears anywhere in the server's stderr.
#include "tests/integration/auth_tools.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>
#include <unordered_set>

using namespace nexus::test;

namespace {

std::string const secret = "redaction-secret-0123456789abcdefgh";

/// The signature part (after the last '.') of `token`.
std::string signature_of(std::string const& token) {
  auto dot = token.rfind('.');
  return dot == std::string::npos ? token : token.substr(dot + 1);
}

/// True for the base64url alphabet.
bool is_b64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/// Every needle (base64url strings) that occurs in `text`. Instead of one
/// search per needle, slides a window of each needle length over the
/// base64url runs of `text` and looks it up.
std::vector<std::string> needles_in(std::string const& text,
                                    std::vector<std::string> const& needles) {
  std::map<std::size_t, std::unordered_set<std::string_view>> by_len;
  for (auto const& n : needles)
    by_len[n.size()].insert(n);
  std::set<std::string> found;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_b64url(text[i])) {
      ++i;
      continue;
    }
    auto start = i;
    while (i < text.size() && is_b64url(text[i]))
      ++i;
    std::string_view run{text.data() + start, i - start};
    for (auto const& [len, set] : by_len) {
      for (std::size_t at = 0; len > 0 && at + len <= run.size(); ++at) {
        auto hit = set.find(run.substr(at, len));
        if (hit != set.end())
          found.emplace(*hit);
      }
    }
  }
  return {found.begin(), found.end()};
}

/// What the connection workers saw that they should not have.
struct problems {
  std::mutex mu;
  std::vector<std::string> list;
  void add(std::string what) {
    std::lock_guard<std::mutex> lock{mu};
    if (list.size() < 20)
      list.push_back(std::move(what));
    ++count;
  }
  int count = 0;
};

/// Opens one connection with `token` (query or header), expects
/// connection.established (`valid`) or AUTHENTICATION_FAILED, and closes.
void one_connection(std::uint16_t port, std::string const& token, bool valid,
                    bool in_header, problems& bad) {
  try {
    ws_connect_options opts{"/ws?client_id=redact&token="
                            + query_escape(token)};
    if (in_header) {
      opts.target = "/ws";
      opts.headers = {{"Authorization", "Bearer " + token}};
    }
    ws_client c{port, opts};
    auto first = c.read_json(10s);
    auto type = first.value("type", "");
    if (valid && type != "connection.established")
      return bad.add("valid token refused: " + first.dump());
    if (!valid) {
      if (type != "error")
        return bad.add("bad token accepted: " + first.dump());
      auto code = c.read_close_code(10s);
      if (code != std::optional<std::uint16_t>{1008})
        bad.add("bad token: no close 1008 but " + c.last_error());
      return;
    }
    c.close(1000, 10s);
  } catch (std::exception const& e) {
    bad.add(std::string{valid ? "valid" : "bad"} + " token: " + e.what());
  }
}

} // namespace

TEST_CASE("a thousand tokens leave no trace in the debug log",
          "[integration][logs][auth]") {
  // The test opens ~1,100 WebSockets from one address in well under a
  // minute: lift the per-address handshake rate (not under test here).
  server_options opts{"debug",
                      {"--drain-timeout-ms", "2000",
                       "--handshakes-per-address", "1000000"}};
  opts.anonymous = false;
  opts.env = {{"NEXUS_JWT_SECRET", secret}};
  server_process server{opts};
  auto port = server.nexus_port();

  auto valid = mint_tokens(secret, 1000);
  auto forged = mint_tokens("not-the-server-secret-0123456789ab", 30);
  auto expired = mint_tokens(secret, 30, {"", "", -120});
  auto refreshers = mint_tokens(secret, 20, {"refresher", ""});
  // Truncated tokens: one valid token cut short by 1..30 characters.
  auto base = mint_token(secret, {"truncated", ""});
  std::vector<std::string> truncated;
  for (std::size_t cut = 1; cut <= 30; ++cut)
    truncated.push_back(base.substr(0, base.size() - cut));
  std::unordered_set<std::string> distinct(valid.begin(), valid.end());
  REQUIRE(distinct.size() == 1000);

  // Valid tokens: 4 workers, each 250 connections in sequence; every
  // tenth token goes in the Authorization header instead.
  problems bad;
  auto const t0 = std::chrono::steady_clock::now();
  {
    std::vector<std::thread> workers;
    for (std::size_t w = 0; w < 4; ++w) {
      workers.emplace_back([&, w] {
        for (std::size_t i = w; i < valid.size(); i += 4)
          one_connection(port, valid[i], true, i % 10 == 0, bad);
      });
    }
    for (auto& t : workers)
      t.join();
  }
  for (auto const* list : {&forged, &expired, &truncated}) {
    for (std::size_t i = 0; i < list->size(); ++i)
      one_connection(port, (*list)[i], false, i % 2 == 1, bad);
  }
  // Tokens inside messages: a refresh chain on one connection.
  {
    ws_client c{port, {"/ws?token=" + query_escape(refreshers[0])}};
    REQUIRE(c.read_json().value("type", "") == "connection.established");
    for (std::size_t i = 1; i < refreshers.size(); ++i) {
      auto id = "refresh-" + std::to_string(i);
      c.send_text(refresh_request(id, refreshers[i]));
      auto reply = c.read_reply(id);
      INFO(reply.dump());
      CHECK(reply.value("type", "") == "auth.refreshed");
    }
    c.close();
  }
  auto const took = std::chrono::duration_cast<std::chrono::seconds>(
    std::chrono::steady_clock::now() - t0);
  INFO(bad.count << " connection problems, first ones:\n" << [&] {
    std::string s;
    for (auto const& p : bad.list)
      s += "  " + p + "\n";
    return s;
  }());
  CHECK(bad.count == 0);

  // Stop the server so every log line is flushed before reading stderr.
  server.send_signal(SIGTERM);
  CHECK(server.wait_exit(15s) == std::optional<int>{0});
  auto log = server.stderr_text();

  std::vector<std::string> needles;
  for (auto const* list : {&valid, &forged, &expired, &refreshers, &truncated})
    for (auto const& t : *list)
      needles.push_back(signature_of(t));
  // The search itself finds a token written the way a log line would.
  REQUIRE(needles_in("GET /ws?client_id=x&token=" + valid[7] + " 101",
                     needles)
          == std::vector<std::string>{signature_of(valid[7])});
  auto leaked = needles_in(log, needles);
  std::size_t connected = 0;
  for (auto at = log.find("connected"); at != std::string::npos;
       at = log.find("connected", at + 1))
    ++connected;
  INFO("connections took " << took.count() << " s; log " << log.size()
                           << " bytes, " << connected
                           << " 'connected' mentions");
  if (connected < 1000)
    WARN("the log mentions fewer connections than were made: is it "
         "really at debug level?");
  std::string shown;
  for (std::size_t i = 0; i < leaked.size() && i < 5; ++i) {
    auto at = log.find(leaked[i]);
    auto line_start = log.rfind('\n', at);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    shown += "  " + log.substr(line_start, 300) + "\n";
  }
  INFO(leaked.size() << " token signatures found in the log, e.g.:\n"
                     << shown);
  CHECK(leaked.empty());
  // The full tokens, checked directly for a few (the signatures cover all).
  for (std::size_t i = 0; i < valid.size(); i += 97)
    CHECK(log.find(valid[i]) == std::string::npos);
}
