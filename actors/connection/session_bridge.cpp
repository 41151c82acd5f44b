// The two thread bridges' actor side: spawn at upgrade, frames in with
// anon_send, `closed` when the session is destroyed.
#include "actors/connection/session_bridge.hpp"

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
    auto asked = req.query.find("client_id");
    bool asked_valid = asked != req.query.end()
                       && valid_client_id(asked->second);
    p.client_id = asked_valid ? asked->second : "client-" + p.connection_id;
    p.out = std::move(out);
    p.node = node;
    p.supervisor = caf::actor_cast<caf::actor>(supervisor);
    p.log = connection_logger(p.connection_id);
    p.log->info("connected {}:{} {} listener={} dialect={} client_id={}{}",
                req.remote_address, req.remote_port, req.target_redacted,
                req.listener, messages::to_string(p.dialect), p.client_id,
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
