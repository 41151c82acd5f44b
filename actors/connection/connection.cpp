// The connection actor: decode, route, answer.
#include "actors/connection/connection.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/system/node_metrics.hpp"
#include "messages/ids.hpp"

namespace nexus::actors {

namespace {

/// Longest slice of an unknown `type` echoed back in an error message.
constexpr std::size_t max_echoed_type_chars = 64;

/// Close code when the actor fails (RFC 6455 "internal error").
constexpr uint16_t internal_error_code = 1011;

/// Close code for a server going away (RFC 6455).
constexpr uint16_t going_away_code = 1001;

messages::error_body make_error(messages::errc code, std::string message) {
  messages::error_body e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

nlohmann::json established_payload(const connection_params& p) {
  auto& node = *p.node;
  return {
    {"connection_id", p.connection_id},
    {"client_id", p.client_id},
    {"user_id", p.user_id},
    {"node_id", node.node_id},
    {"dialect", messages::to_string(p.dialect)},
    {"protocol_version", messages::protocol_version},
    {"server_version", node.info.server_version},
    {"heartbeat_interval_ms", node.ping_interval_ms},
    // Rate limits are the free plan's contract defaults (PROTOCOL.md §6).
    {"limits",
     {{"max_message_bytes", node.max_message_bytes},
      {"rate_per_sec", 10},
      {"burst", 20}}},
  };
}

/// Decodes, checks and dispatches one frame.
void on_frame(connection_ptr self, std::string& text) {
  auto& st = self->state;
  auto& p = st.params;
  auto& m = *p.node->metrics;
  auto decoded = messages::decode(p.dialect, text, p.node->decode);
  if (auto* bad = std::get_if<messages::decode_failure>(&decoded)) {
    m.messages_in.add("unknown");
    m.bytes_in.add("unknown", static_cast<int64_t>(text.size()));
    return st.fail(bad->request_id, std::move(bad->error));
  }
  auto& req = std::get<messages::request>(decoded);
  m.messages_in.add(req.type);
  m.bytes_in.add(req.type, static_cast<int64_t>(text.size()));
  auto* row = messages::find_request(req.type);
  auto handler = row ? p.node->routes.handlers[static_cast<std::size_t>(
                         row->kind)]
                     : nullptr;
  if (handler == nullptr) {
    auto shown = req.type.substr(0, max_echoed_type_chars);
    return st.fail(req.request_id,
                   make_error(messages::errc::unknown_message_type,
                              "unknown message type '" + shown + "'"));
  }
  if (!req.request_id.empty() && st.in_flight.count(req.request_id) > 0)
    return st.fail(req.request_id,
                   make_error(messages::errc::conflict,
                              "request_id is already in flight"));
  auto id = req.request_id;
  if (handler(self, req) == handled::pending && !id.empty())
    st.in_flight.insert(std::move(id));
}

} // namespace

connection_state::~connection_state() {
  // Whatever ended the actor, the socket must not outlive it: without this
  // a session paused on a full inbound window would wait forever. A no-op
  // when the socket is already gone.
  if (params.out)
    params.out->close(internal_error_code, "connection stopped");
  if (counted)
    params.node->metrics->connection_actors.add(std::size_t{0}, -1);
}

void connection_state::reply(std::string_view type,
                             std::string_view request_id,
                             const nlohmann::json& payload) {
  messages::outbound_message msg;
  msg.type = type;
  msg.request_id = request_id;
  msg.payload = &payload;
  write(type, messages::encode(params.dialect, msg, params.node->info));
}

void connection_state::event(std::string_view type,
                             const nlohmann::json& payload) {
  reply(type, {}, payload);
}

void connection_state::fail(std::string_view request_id,
                            messages::error_body err) {
  params.node->metrics->errors.add(static_cast<std::size_t>(err.code));
  params.log->debug("error {} {}: {}", messages::code_string(err.code),
                    request_id, err.message);
  messages::outbound_message msg;
  msg.type = "error";
  msg.request_id = request_id;
  msg.error = &err;
  msg.uncorrelated_error = request_id.empty();
  write("error", messages::encode(params.dialect, msg, params.node->info));
}

void connection_state::write(std::string_view type, std::string text) {
  if (text.empty()) // encode could not even allocate an error frame
    return;
  auto& m = *params.node->metrics;
  m.messages_out.add(type);
  m.bytes_out.add(type, static_cast<int64_t>(text.size()));
  params.out->send(std::make_shared<const std::string>(std::move(text)));
}

connection_actor::behavior_type connection(connection_ptr self,
                                           connection_params p) {
  self->state.params = std::move(p);
  self->state.counted = true;
  self->state.params.node->metrics->connection_actors.add(std::size_t{0}, 1);
  self->set_exception_handler([self](std::exception_ptr& eptr) -> caf::error {
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      self->state.params.log->error("connection actor failed: {}", e.what());
    } catch (...) {
      self->state.params.log->error("connection actor failed");
    }
    self->state.params.out->close(internal_error_code, "internal error");
    return caf::sec::runtime_error;
  });
  if (auto& sup = self->state.params.supervisor) {
    self->monitor(sup);
    self->set_down_handler([self](caf::down_msg&) {
      self->state.params.out->close(going_away_code, "server shutting down");
      self->quit();
    });
  }
  self->state.event("connection.established",
                    established_payload(self->state.params));
  return {
    [self](atoms::frame_atom, std::string& text) {
      on_frame(self, text);
      self->state.params.out->frame_done();
    },
    [self](atoms::closed_atom) {
      self->state.params.log->debug("socket gone");
      self->quit();
    },
    [self](atoms::drain_atom) {
      self->state.params.out->close(going_away_code, "server shutting down");
    },
  };
}

} // namespace nexus::actors
