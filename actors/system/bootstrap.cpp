// Node lifecycle: start in order, drain on a signal, stop in reverse.
#include "actors/system/bootstrap.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/connection/routes.hpp"
#include "actors/connection/session_bridge.hpp"
#include "actors/supervisor/address_limiter.hpp"
#include "actors/supervisor/connection_supervisor.hpp"
#include "actors/supervisor/rate_supervisor.hpp"
#include "actors/system/auth_keys.hpp"
#include "actors/system/node_metrics.hpp"
#include "messages/ids.hpp"
#include "net/io_runtime.hpp"
#include "net/listener.hpp"

namespace nexus::actors {

namespace {

caf::actor_system_config& configure_caf(caf::actor_system_config& caf_cfg,
                                        const config::server_config& cfg) {
  caf_cfg.add_message_types<caf::id_block::nexus>();
  caf_cfg.set("scheduler.max-threads", static_cast<size_t>(cfg.actor_threads));
  caf_cfg.set("scheduler.policy",
              cfg.policy == config::scheduler_policy::sharing
                ? caf::atom("sharing")
                : caf::atom("stealing"));
  return caf_cfg;
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
  o.write_stall_timeout = std::chrono::milliseconds{cfg.limits.write_stall_ms};
  auto& tls = cfg.tls;
  bool tls_here = std::find(tls.listeners.begin(), tls.listeners.end(),
                            o.name) != tls.listeners.end();
  if (!tls.cert_file.empty() && tls_here) {
    o.tls_cert_file = tls.cert_file;
    o.tls_key_file = tls.key_file;
  }
  return o;
}

std::shared_ptr<node_context>
make_node(const config::server_config& cfg, node_metrics& metrics,
          std::shared_ptr<const auth::jwt_verifier> verifier) {
  auto node = std::make_shared<node_context>();
  node->node_id = "node-" + messages::make_uuid().substr(0, 8);
  node->decode.max_depth = cfg.limits.max_json_depth;
  node->max_message_bytes = cfg.limits.max_message_bytes;
  node->ping_interval_ms = cfg.limits.ping_interval_ms;
  node->metrics = &metrics;
  node->routes = default_routes();
  node->anonymous = cfg.dev || cfg.auth.anonymous;
  node->verifier = std::move(verifier);
  node->leeway_s = cfg.auth.leeway_s;
  node->expiry_warning_ms = cfg.auth.expiry_warning_ms;
  node->plans = cfg.plans;
  node->abuse_rejections = cfg.limits.abuse_rejections;
  node->abuse_window_ms = cfg.limits.abuse_window_ms;
  node->node_in_flight = cfg.limits.node_in_flight;
  node->overloaded_retry_ms = cfg.limits.overloaded_retry_ms;
  return node;
}

/// Says loudly when the server lets anyone in, or no one.
void warn_about_auth(const config::server_config& cfg, bool has_keys) {
  if (cfg.dev || cfg.auth.anonymous)
    spdlog::warn("AUTHENTICATION OFF for clients without a token: they "
                 "connect as user 'anonymous' (plan free) because {} is on. "
                 "Never run like this in production.",
                 cfg.dev ? "--dev" : "auth.anonymous");
  else if (!has_keys)
    spdlog::warn("no JWT key configured (NEXUS_JWT_SECRET, auth.jwt_secret "
                 "or auth.keys): every connection will be refused with "
                 "AUTHENTICATION_FAILED; use --dev for local development");
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
/// the last to go, at most `timeout`.
void drain(caf::actor_system& sys, const connection_supervisor_actor& sup,
           std::chrono::milliseconds timeout) {
  caf::scoped_actor self{sys};
  self->request(sup, timeout, atoms::drain_atom_v)
    .receive([](uint64_t n) { spdlog::info("drained {} connections", n); },
             [](caf::error& err) {
               spdlog::warn("drain incomplete: {}", caf::to_string(err));
             });
}

/// One running node. Members are declared in start order, so they are
/// destroyed in reverse: Asio (and the sessions it still owns) before the
/// actor system, the metrics last.
class node {
public:
  node(const config::server_config& cfg,
       std::shared_ptr<const auth::jwt_verifier> verifier)
    : cfg_(cfg), sys_(configure_caf(caf_cfg_, cfg)), io_(cfg.io_threads) {
    ctx_ = make_node(cfg, metrics_, std::move(verifier));
    rates_ = sys_.spawn(rate_supervisor, rate_supervisor_options{});
    ctx_->rate_supervisor = caf::actor_cast<caf::actor>(rates_);
    sup_ = sys_.spawn(connection_supervisor, ctx_);
    auto hooks = std::make_shared<net::server_hooks>();
    hooks->on_upgrade = make_upgrade_hook(sys_, sup_, ctx_);
    hooks->admit = make_admit_hook(
      ctx_,
      std::make_shared<address_limiter>(cfg.limits.connections_per_address,
                                        cfg.limits.handshakes_per_address),
      cfg.security.allowed_origins, cfg.auth.refuse_before_upgrade);
    hooks->on_http = make_http_hook(metrics_, draining_);
    hooks->accepting = [this] { return !draining_.load(); };
    hooks->handshake_failures = &metrics_.handshake_failures;
    hooks->forced_closes = &metrics_.forced_closes;
    hooks->sessions = &metrics_.websocket_sessions;
    hooks_ = std::move(hooks);
  }

  /// Binds both listeners; false (and a log line) when either fails.
  bool open() {
    std::string err;
    nexus_ = net::listener::open(
      io_, listener_opts(cfg_, "nexus", cfg_.nexus_port), hooks_, err);
    if (nexus_)
      neurograph_ = net::listener::open(
        io_, listener_opts(cfg_, "neurograph", cfg_.neurograph_port), hooks_,
        err);
    if (!nexus_ || !neurograph_) {
      spdlog::critical("{}", err);
      caf::anon_send_exit(sup_, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(rates_, caf::exit_reason::user_shutdown);
      return false;
    }
    return true;
  }

  /// Serves until SIGTERM/SIGINT, then drains and stops.
  int run() {
    std::promise<int> stop;
    io_.on_signal([&stop](int sig) { stop.set_value(sig); });
    nexus_->run();
    neurograph_->run();
    io_.start();
    std::printf("listening nexus=%u neurograph=%u\n", nexus_->port(),
                neurograph_->port());
    std::fflush(stdout);
    spdlog::info("node {} listening on {}: nexus={} neurograph={}{}",
                 ctx_->node_id, cfg_.bind, nexus_->port(), neurograph_->port(),
                 cfg_.dev ? " (development mode)" : "");
    auto sig = stop.get_future().get();
    spdlog::info("signal {}: draining for up to {} ms", sig,
                 cfg_.drain_timeout_ms);
    shutdown();
    return 0;
  }

private:
  void shutdown() {
    auto deadline = std::chrono::steady_clock::now()
                    + std::chrono::milliseconds{cfg_.drain_timeout_ms};
    draining_ = true;
    drain(sys_, sup_, remaining(deadline));
    nexus_->stop();
    neurograph_->stop();
    caf::anon_send_exit(sup_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(rates_, caf::exit_reason::user_shutdown);
    sys_.await_all_actors_done();
    // An upgrade that completed while the drain began is closed with 1001
    // by net itself: let that close finish before Asio stops.
    await_sockets_closed(deadline);
    io_.stop();
    spdlog::info("stopped");
  }

  static std::chrono::milliseconds
  remaining(std::chrono::steady_clock::time_point deadline) {
    auto left = deadline - std::chrono::steady_clock::now();
    return std::max(std::chrono::milliseconds{0},
                    std::chrono::duration_cast<std::chrono::milliseconds>(left));
  }

  void await_sockets_closed(std::chrono::steady_clock::time_point deadline) {
    // Poll period: shutdown only, so coarse is fine.
    constexpr auto poll = std::chrono::milliseconds{10};
    auto open = [this] {
      return metrics_.websocket_sessions.value(std::size_t{0});
    };
    while (open() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(poll);
    if (open() > 0)
      spdlog::warn("{} sockets still open at the drain deadline", open());
  }

  const config::server_config& cfg_;
  node_metrics metrics_;
  std::atomic<bool> draining_{false};
  caf::actor_system_config caf_cfg_;
  caf::actor_system sys_;
  std::shared_ptr<node_context> ctx_;
  rate_supervisor_actor rates_;
  connection_supervisor_actor sup_;
  std::shared_ptr<const net::server_hooks> hooks_;
  net::io_runtime io_;
  std::shared_ptr<net::listener> nexus_;
  std::shared_ptr<net::listener> neurograph_;
};

} // namespace

int run_server(const config::server_config& cfg) {
  std::error_code fs_ec;
  std::filesystem::create_directories(cfg.data_dir, fs_ec);
  if (fs_ec) {
    spdlog::critical("cannot create data dir {}: {}", cfg.data_dir,
                     fs_ec.message());
    return 1;
  }
  std::vector<std::string> problems;
  auto verifier = make_verifier(cfg, problems);
  for (auto& p : problems)
    spdlog::critical("invalid configuration: {}", p);
  if (!problems.empty())
    return 1;
  warn_about_auth(cfg, verifier != nullptr);
  node n{cfg, std::move(verifier)};
  if (!n.open())
    return 1;
  return n.run();
}

} // namespace nexus::actors
