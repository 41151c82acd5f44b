// Recording outbound and actor fixture implementation.
#include "actor_fixture.hpp"

#include <spdlog/spdlog.h>

#include "messages/type_ids.hpp"

namespace nexus::test {

void recording_outbound::send(net::frame_ptr frame) {
  std::lock_guard<std::mutex> guard{mu_};
  frames_.push_back(*frame);
  cv_.notify_all();
}

void recording_outbound::close(uint16_t code, std::string) {
  std::lock_guard<std::mutex> guard{mu_};
  if (!close_code_)
    close_code_ = code;
  cv_.notify_all();
}

void recording_outbound::frame_done() {
  std::lock_guard<std::mutex> guard{mu_};
  ++done_;
  cv_.notify_all();
}

std::optional<nlohmann::json>
recording_outbound::next(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mu_};
  if (!cv_.wait_for(lock, timeout, [this] { return !frames_.empty(); }))
    return std::nullopt;
  auto text = std::move(frames_.front());
  frames_.pop_front();
  return nlohmann::json::parse(text);
}

std::optional<uint16_t>
recording_outbound::close_code(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mu_};
  cv_.wait_for(lock, timeout, [this] { return close_code_.has_value(); });
  return close_code_;
}

bool recording_outbound::wait_done(int n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mu_};
  return cv_.wait_for(lock, timeout, [this, n] { return done_ >= n; });
}

namespace {

caf::actor_system_config& init(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::nexus>();
  cfg.set("scheduler.max-threads", size_t{2});
  cfg.set("scheduler.policy", caf::atom("sharing"));
  return cfg;
}

} // namespace

actors::handled hold_request(actors::connection_ptr, messages::request&) {
  return actors::handled::pending;
}

actors::handled release_request(actors::connection_ptr self,
                                messages::request& req) {
  self->state.finish(req.payload.value("execution_id", ""));
  self->state.reply("execution_status", req.request_id,
                    nlohmann::json::object());
  return actors::handled::done;
}

void route(actors::node_context& node, messages::request_kind k,
           actors::handler_fn f) {
  node.routes.handlers[static_cast<std::size_t>(k)] = f;
}

std::string error_code(const nlohmann::json& msg) {
  if (msg.contains("error"))
    return msg["error"].value("code", "");
  auto payload = msg.find("payload"); // neurograph errors
  if (payload != msg.end() && payload->is_object())
    return payload->value("code", "");
  return "";
}

actor_fixture::actor_fixture()
  : node(std::make_shared<actors::node_context>()),
    sys(init(cfg)),
    self(sys) {
  node->node_id = "node-test";
  node->max_message_bytes = 1048576;
  node->ping_interval_ms = 30000;
  node->metrics = &metrics;
  node->routes = actors::default_routes();
}

actor_fixture::~actor_fixture() = default;

namespace {

/// Parameters of a test connection writing into a new recorder `out`.
actors::connection_params
test_params(messages::dialect d, std::shared_ptr<recording_outbound>& out,
            std::shared_ptr<actors::node_context> node) {
  out = std::make_shared<recording_outbound>();
  actors::connection_params p;
  p.dialect = d;
  p.connection_id = "conn-1";
  p.client_id = "client-1";
  p.out = out;
  p.node = std::move(node);
  p.log = spdlog::default_logger();
  return p;
}

} // namespace

actors::connection_actor
actor_fixture::spawn_connection(messages::dialect d,
                                std::shared_ptr<recording_outbound>& out,
                                caf::actor supervisor) {
  auto p = test_params(d, out, node);
  p.supervisor = std::move(supervisor);
  return sys.spawn(actors::connection, std::move(p));
}

actors::connection_actor
actor_fixture::spawn_connection(messages::dialect d,
                                std::shared_ptr<recording_outbound>& out,
                                auth::identity who) {
  auto p = test_params(d, out, node);
  p.connection_id = "conn-" + who.user_id;
  p.who = std::move(who);
  return sys.spawn(actors::connection, std::move(p));
}

bool actor_fixture::wait_down(const caf::actor_addr& who,
                              std::chrono::milliseconds timeout) {
  bool seen = false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!seen && std::chrono::steady_clock::now() < deadline)
    self->receive(
      [&](caf::down_msg& dm) { seen = dm.source == who; },
      caf::after(std::chrono::milliseconds{50}) >> [] {});
  return seen;
}

void actor_fixture::frame(const actors::connection_actor& conn,
                          std::string text) {
  caf::anon_send(conn, atoms::frame_atom_v, std::move(text));
}

} // namespace nexus::test
