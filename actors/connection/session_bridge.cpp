// The two thread bridges' actor side: admission before the upgrade, token
// verification and spawn at upgrade, frames in with anon_send, `closed`
// when the session is destroyed.
#include "actors/connection/session_bridge.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/system/node_metrics.hpp"
#include "messages/ids.hpp"

namespace nexus::actors {

namespace {

/// Inbound sink of one session; destroyed with the session.
class session_bridge final : public net::inbound_sink {
public:
  session_bridge(connection_actor actor, node_metrics& metrics,
                 messages::dialect d, std::shared_ptr<spdlog::logger> log)
    : actor_(std::move(actor)),
      log_(std::move(log)),
      metrics_(metrics),
      dialect_index_(static_cast<std::size_t>(d)) {
    metrics_.connections_active.add(dialect_index_, 1);
    metrics_.connections_total.add(dialect_index_, 1);
  }

  ~session_bridge() override {
    caf::anon_send(actor_, atoms::closed_atom_v);
    metrics_.connections_active.add(dialect_index_, -1);
  }

  void on_frame(std::string text) override {
    caf::anon_send(actor_, atoms::frame_atom_v, std::move(text));
  }

  spdlog::logger& log() const override { return *log_; }

private:
  connection_actor actor_;
  std::shared_ptr<spdlog::logger> log_;
  node_metrics& metrics_;
  std::size_t dialect_index_;
};

/// Sink of a connection refused at upgrade: the error and the close are
/// already queued, so frames that still arrive are dropped.
class refused_sink final : public net::inbound_sink {
public:
  explicit refused_sink(std::shared_ptr<spdlog::logger> log)
    : log_(std::move(log)) {
  }
  void on_frame(std::string) override {
  }
  spdlog::logger& log() const override {
    return *log_;
  }

private:
  std::shared_ptr<spdlog::logger> log_;
};

/// Close code for a refused token (PROTOCOL.md §5).
constexpr uint16_t policy_code = 1008;

/// Sends AUTHENTICATION_FAILED with `reason` and closes 1008.
void refuse(net::outbound& out, messages::dialect d, const node_context& node,
            std::string_view reason, std::string message) {
  messages::error_body err;
  err.code = messages::errc::authentication_failed;
  err.message = std::move(message);
  err.details = {{"reason", reason}};
  messages::outbound_message msg;
  msg.type = "error";
  msg.error = &err;
  msg.uncorrelated_error = true;
  node.metrics->errors.add(static_cast<std::size_t>(err.code));
  auto text = messages::encode(d, msg, node.info);
  if (!text.empty())
    out.send(std::make_shared<const std::string>(std::move(text)));
  out.close(policy_code, "authentication failed");
}

messages::dialect choose_dialect(const net::upgrade_request& req) {
  if (auto d = messages::from_subprotocol(req.subprotocol))
    return *d;
  return req.listener == "neurograph" ? messages::dialect::neurograph
                                      : messages::dialect::nexus;
}

std::shared_ptr<spdlog::logger> connection_logger(const std::string& id) {
  auto& sinks = spdlog::default_logger()->sinks();
  auto log = std::make_shared<spdlog::logger>(id, sinks.begin(), sinks.end());
  log->set_level(spdlog::default_logger()->level());
  return log;
}

} // namespace

std::string presented_token(const net::upgrade_request& req) {
  std::string_view auth = req.authorization;
  constexpr std::string_view scheme = "bearer ";
  auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  bool bearer = auth.size() > scheme.size()
                && std::equal(scheme.begin(), scheme.end(), auth.begin(),
                              [&](char x, char y) { return x == lower(y); });
  if (bearer) {
    auto token = auth.substr(scheme.size());
    while (!token.empty() && token.front() == ' ')
      token.remove_prefix(1);
    return std::string{token};
  }
  auto i = req.query.find("token");
  return i != req.query.end() ? i->second : std::string{};
}

std::variant<auth::identity, auth::failure>
authenticate(const net::upgrade_request& req, const node_context& node) {
  auto token = presented_token(req);
  if (token.empty()) {
    if (node.anonymous)
      return auth::identity{"anonymous", auth::plan::free, {}, false, {}};
    return auth::failure{auth::failure_reason::missing, "no token"};
  }
  if (!node.verifier)
    return auth::failure{auth::failure_reason::unknown_kid,
                         "no keys configured"};
  return node.verifier->verify(token, messages::unix_millis() / 1000);
}

bool valid_client_id(std::string_view id) {
  if (id.empty() || id.size() > 128)
    return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':'
              || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

std::function<std::unique_ptr<net::inbound_sink>(
  const net::upgrade_request&, std::shared_ptr<net::outbound>)>
make_upgrade_hook(caf::actor_system& sys,
                  connection_supervisor_actor supervisor,
                  std::shared_ptr<const node_context> node) {
  return [&sys, supervisor, node](const net::upgrade_request& req,
                                  std::shared_ptr<net::outbound> out)
           -> std::unique_ptr<net::inbound_sink> {
    connection_params p;
    p.dialect = choose_dialect(req);
    p.connection_id = messages::make_uuid();
    auto who = authenticate(req, *node);
    if (auto* bad = std::get_if<auth::failure>(&who)) {
      auto log = connection_logger(p.connection_id);
      auto reason = auth::to_string(bad->reason);
      log->info("refused {}:{} {} listener={}: authentication failed ({})",
                req.remote_address, req.remote_port, req.target_redacted,
                req.listener, reason);
      node->metrics->auth_failures.add(reason);
      refuse(*out, p.dialect, *node, reason, bad->message);
      return std::make_unique<refused_sink>(std::move(log));
    }
    p.who = std::get<auth::identity>(std::move(who));
    p.anonymous = presented_token(req).empty();
    auto asked = req.query.find("client_id");
    bool asked_valid = asked != req.query.end()
                       && valid_client_id(asked->second);
    p.client_id = asked_valid ? asked->second : "client-" + p.connection_id;
    p.out = std::move(out);
    p.node = node;
    p.supervisor = caf::actor_cast<caf::actor>(supervisor);
    p.log = connection_logger(p.connection_id);
    p.log->info("connected {}:{} {} listener={} dialect={} user={} plan={} "
                "client_id={}{}",
                req.remote_address, req.remote_port, req.target_redacted,
                req.listener, messages::to_string(p.dialect), p.who.user_id,
                auth::to_string(p.who.user_plan), p.client_id,
                asked != req.query.end() && !asked_valid
                  ? " (requested client_id invalid, generated)"
                  : "");
    auto d = p.dialect;
    auto log = p.log;
    auto actor = sys.spawn(connection, std::move(p));
    caf::anon_send(supervisor, atoms::attach_atom_v,
                   caf::actor_cast<caf::actor>(actor));
    return std::make_unique<session_bridge>(std::move(actor), *node->metrics,
                                            d, std::move(log));
  };
}

} // namespace nexus::actors

namespace nexus::actors {

std::function<net::admission(const net::upgrade_request&)>
make_admit_hook(std::shared_ptr<const node_context> node,
                std::shared_ptr<address_limiter> addresses,
                std::vector<std::string> allowed_origins,
                bool refuse_before_upgrade) {
  return [node, addresses, origins = std::move(allowed_origins),
          refuse_before_upgrade](const net::upgrade_request& req) {
    net::admission a;
    // Address limits first, so refused origins and tokens count against
    // the handshake rate too (it bounds token guessing).
    auto got = addresses->try_admit(req.remote_address,
                                    address_limiter::clock::now());
    if (got.v != address_limiter::verdict::admitted) {
      a.refuse_status = 503;
      a.reason = got.v == address_limiter::verdict::too_many_connections
                   ? "too many connections from this address"
                   : "too many handshakes from this address";
      return a;
    }
    if (!origins.empty()
        && std::find(origins.begin(), origins.end(), req.origin)
             == origins.end()) {
      a.refuse_status = 403;
      a.reason = "origin not allowed";
      return a;
    }
    if (refuse_before_upgrade) {
      auto who = authenticate(req, *node);
      if (auto* bad = std::get_if<auth::failure>(&who)) {
        node->metrics->auth_failures.add(auth::to_string(bad->reason));
        a.refuse_status = 401;
        a.reason = "authentication failed: "
                   + std::string{auth::to_string(bad->reason)};
        return a;
      }
    }
    a.ticket = std::move(got.ticket);
    return a;
  };
}

} // namespace nexus::actors
