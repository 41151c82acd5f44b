// Node lifecycle: start in order, drain on a signal, stop in reverse.
#include "actors/system/bootstrap.hpp"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <future>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/connection/routes.hpp"
#include "actors/connection/session_bridge.hpp"
#include "actors/supervisor/connection_supervisor.hpp"
#include "actors/system/node_metrics.hpp"
#include "messages/ids.hpp"
#include "net/io_runtime.hpp"
#include "net/listener.hpp"

namespace nexus::actors {

namespace {

void configure_caf(caf::actor_system_config& caf_cfg,
                   const config::server_config& cfg) {
  caf_cfg.add_message_types<caf::id_block::nexus>();
  caf_cfg.set("scheduler.max-threads", static_cast<size_t>(cfg.actor_threads));
  caf_cfg.set("scheduler.policy",
              cfg.policy == config::scheduler_policy::sharing
                ? caf::atom("sharing")
                : caf::atom("stealing"));
}

net::listener_options listener_opts(const config::server_config& cfg,
                                     std::string name, uint16_t port) {
  net::listener_options o;
  o.name = std::move(name);
  o.bind = cfg.bind;
  o.port = port;
  o.subprotocols = {"nexus-json", "neurograph-json"};
  o.max_header_bytes = cfg.limits.max_header_bytes;
  o.handshake_timeout
    = std::chrono::milliseconds{cfg.limits.handshake_timeout_ms};
  o.max_message_bytes = cfg.limits.max_message_bytes;
  o.ping_interval = std::chrono::milliseconds{cfg.limits.ping_interval_ms};
  o.outbound_queue_bytes = cfg.limits.outbound_queue_bytes;
  o.inbound_window = cfg.limits.inbound_window;
  return o;
}

std::shared_ptr<node_context> make_node(const config::server_config& cfg,
                                        node_metrics& metrics) {
  auto node = std::make_shared<node_context>();
  node->node_id = "node-" + messages::make_uuid().substr(0, 8);
  node->decode.max_depth = cfg.limits.max_json_depth;
  node->max_message_bytes = cfg.limits.max_message_bytes;
  node->ping_interval_ms = cfg.limits.ping_interval_ms;
  node->metrics = &metrics;
  node->routes = default_routes();
  return node;
}

/// The plain HTTP endpoints of both listeners.
std::function<std::optional<net::http_answer>(std::string_view)>
make_http_hook(node_metrics& metrics, const std::atomic<bool>& draining) {
  return [&metrics, &draining](std::string_view path)
           -> std::optional<net::http_answer> {
    net::http_answer a;
    if (path == "/healthz") {
      a.body = "ok\n";
    } else if (path == "/readyz") {
      bool ready = !draining.load();
      a.status = ready ? 200 : 503;
      a.body = ready ? "ready\n" : "draining\n";
    } else if (path == "/metrics") {
      a.content_type = "text/plain; version=0.0.4; charset=utf-8";
      a.body = metrics.registry.render();
    } else {
      return std::nullopt;
    }
    return a;
  };
}

/// Asks the supervisor to close every connection with 1001 and waits for
/// the last to go, at most `timeout`. Returns how many were drained.
void drain(caf::actor_system& sys, const connection_supervisor_actor& sup,
           std::chrono::milliseconds timeout) {
  caf::scoped_actor self{sys};
  self->request(sup, timeout, atoms::drain_atom_v)
    .receive([](uint64_t n) { spdlog::info("drained {} connections", n); },
             [](caf::error& err) {
               spdlog::warn("drain incomplete: {}", caf::to_string(err));
             });
}

} // namespace

int run_server(const config::server_config& cfg) {
  std::error_code fs_ec;
  std::filesystem::create_directories(cfg.data_dir, fs_ec);
  if (fs_ec) {
    spdlog::critical("cannot create data dir {}: {}", cfg.data_dir,
                     fs_ec.message());
    return 1;
  }
  node_metrics metrics;
  std::atomic<bool> draining{false};
  caf::actor_system_config caf_cfg;
  configure_caf(caf_cfg, cfg);
  caf::actor_system sys{caf_cfg};
  auto node = make_node(cfg, metrics);
  auto sup = sys.spawn(connection_supervisor);
  auto hooks = std::make_shared<net::server_hooks>();
  hooks->on_upgrade = make_upgrade_hook(sys, sup, node);
  hooks->on_http = make_http_hook(metrics, draining);
  hooks->accepting = [&draining] { return !draining.load(); };
  hooks->handshake_failures = &metrics.handshake_failures;
  net::io_runtime io{cfg.io_threads};
  std::string err;
  auto nexus_l = net::listener::open(
    io, listener_opts(cfg, "nexus", cfg.nexus_port), hooks, err);
  auto neuro_l = nexus_l ? net::listener::open(
                   io, listener_opts(cfg, "neurograph", cfg.neurograph_port),
                   hooks, err)
                         : nullptr;
  if (!nexus_l || !neuro_l) {
    spdlog::critical("{}", err);
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    return 1;
  }
  std::promise<int> stop;
  io.on_signal([&stop](int sig) { stop.set_value(sig); });
  nexus_l->run();
  neuro_l->run();
  io.start();
  std::printf("listening nexus=%u neurograph=%u\n", nexus_l->port(),
              neuro_l->port());
  std::fflush(stdout);
  spdlog::info("node {} listening on {}: nexus={} neurograph={}{}",
               node->node_id, cfg.bind, nexus_l->port(), neuro_l->port(),
               cfg.dev ? " (development mode)" : "");
  auto sig = stop.get_future().get();
  spdlog::info("signal {}: draining for up to {} ms", sig,
               cfg.drain_timeout_ms);
  draining = true;
  drain(sys, sup, std::chrono::milliseconds{cfg.drain_timeout_ms});
  nexus_l->stop();
  neuro_l->stop();
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sys.await_all_actors_done();
  io.stop();
  spdlog::info("stopped");
  return 0;
}

} // namespace nexus::actors
