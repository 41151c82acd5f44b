// The connection actor: decode, route, answer.
#include "actors/connection/connection.hpp"

#include <algorithm>

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

/// Longest wait for the rate supervisor or a limiter. Both answer at once
/// unless they are gone; a bound keeps an `await` from blocking the actor
/// forever (an await also blocks exit messages in CAF 0.17, GUIDE.md).
constexpr auto limiter_timeout = std::chrono::seconds{5};

/// Close code for a policy violation: bad or expired token, abuse.
constexpr uint16_t policy_code = 1008;

nlohmann::json established_payload(const connection_params& p) {
  auto& node = *p.node;
  auto& limits = limits_of(node, p.who.user_plan);
  return {
    {"connection_id", p.connection_id},
    {"client_id", p.client_id},
    {"user_id", p.who.user_id},
    {"plan", auth::to_string(p.who.user_plan)},
    {"node_id", node.node_id},
    {"dialect", messages::to_string(p.dialect)},
    {"protocol_version", messages::protocol_version},
    {"server_version", node.info.server_version},
    {"heartbeat_interval_ms", node.ping_interval_ms},
    {"limits",
     {{"max_message_bytes", node.max_message_bytes},
      {"rate_per_sec", limits.rate_per_sec},
      {"burst", limits.burst}}},
  };
}

/// Requests that start work which keeps running after their reply; only
/// these count against (and are refused by) the in-flight limits.
bool starts_work(messages::request_kind k) {
  using rk = messages::request_kind;
  return k == rk::execute_template || k == rk::batch_execute
         || k == rk::resume_execution;
}

/// Runs one admitted request: in-flight limits, then its handler.
void dispatch(connection_ptr self, messages::request& req) {
  auto& st = self->state;
  auto& p = st.params;
  auto* row = messages::find_request(req.type);
  auto handler = row ? p.node->routes.handlers[static_cast<std::size_t>(
                         row->kind)]
                     : nullptr;
  if (handler == nullptr) {
    st.in_flight.erase(req.request_id);
    auto shown = req.type.substr(0, max_echoed_type_chars);
    return st.fail(req.request_id,
                   make_error(messages::errc::unknown_message_type,
                              "unknown message type '" + shown + "'"));
  }
  auto& node = *p.node;
  auto limit = limits_of(node, p.who.user_plan).max_in_flight;
  if (starts_work(row->kind)
      && (st.running >= limit
          || node.running_on_node->load() >= node.node_in_flight)) {
    st.in_flight.erase(req.request_id);
    auto err = make_error(messages::errc::overloaded,
                          st.running >= limit
                            ? "too many requests in flight on this connection"
                            : "too many requests in flight on this node");
    err.details = {{"retry_after_ms", node.overloaded_retry_ms}};
    return st.fail(req.request_id, std::move(err));
  }
  auto id = req.request_id;
  if (handler(self, req) == handled::pending) {
    ++st.running;
    ++*node.running_on_node;
  } else {
    st.in_flight.erase(id);
  }
}

/// Answers a request the limiter refused; sustained abuse closes 1008.
void reject(connection_ptr self, const messages::request& req,
            uint32_t retry_after_ms) {
  auto& st = self->state;
  st.in_flight.erase(req.request_id);
  auto err = make_error(messages::errc::rate_limit_exceeded,
                        "rate limit exceeded");
  err.details = {{"retry_after_ms", retry_after_ms}};
  st.fail(req.request_id, std::move(err));
  if (st.abuse.record_rejection(std::chrono::steady_clock::now())) {
    st.params.log->warn("closing: {} rate-limit rejections within {} ms",
                        st.params.node->abuse_rejections,
                        st.params.node->abuse_window_ms);
    st.params.out->close(policy_code, "rate limit abuse");
  }
}

/// Whether `text` needs the limiter: everything but a decoded heartbeat.
bool is_exempt(const messages::request& req) {
  auto* row = messages::find_request(req.type);
  return row != nullptr && row->kind == messages::request_kind::heartbeat;
}

/// Decodes and checks one frame; returns false when it waits for the
/// limiter (which then returns the inbound window unit itself).
bool on_frame(connection_ptr self, std::string& text) {
  auto& st = self->state;
  auto& p = st.params;
  auto& m = *p.node->metrics;
  auto decoded = messages::decode(p.dialect, text, p.node->decode);
  if (auto* bad = std::get_if<messages::decode_failure>(&decoded)) {
    m.messages_in.add("unknown");
    m.bytes_in.add("unknown", static_cast<int64_t>(text.size()));
    st.fail(bad->request_id, std::move(bad->error));
    return true;
  }
  auto& req = std::get<messages::request>(decoded);
  m.messages_in.add(req.type);
  m.bytes_in.add(req.type, static_cast<int64_t>(text.size()));
  if (!req.request_id.empty() && st.in_flight.count(req.request_id) > 0) {
    st.fail(req.request_id, make_error(messages::errc::conflict,
                                       "request_id is already in flight"));
    return true;
  }
  if (!req.request_id.empty())
    st.in_flight.insert(req.request_id);
  if (!st.limiter || is_exempt(req)) {
    dispatch(self, req);
    return true;
  }
  // Shared: CAF copies response handlers.
  auto held = std::make_shared<messages::request>(std::move(req));
  self->request(st.limiter, limiter_timeout, atoms::admit_atom_v)
    .then(
      [self, held](uint32_t retry_after_ms) {
        if (retry_after_ms == 0)
          dispatch(self, *held);
        else
          reject(self, *held, retry_after_ms);
        self->state.params.out->frame_done();
      },
      [self, held](caf::error& err) {
        self->state.params.log->error("rate limiter failed: {}",
                                      caf::to_string(err));
        self->state.in_flight.erase(held->request_id);
        self->state.fail(held->request_id,
                         make_error(messages::errc::internal_error,
                                    "internal error"));
        self->state.params.out->frame_done();
      });
  return false;
}

/// Milliseconds since the epoch of a JWT time (seconds).
int64_t jwt_millis(int64_t seconds) {
  return seconds * 1000;
}

/// Starts serving once the limiter (if any) is known.
void start(connection_ptr self) {
  auto& st = self->state;
  if (auto& lim = st.limiter) {
    auto& limits = limits_of(*st.params.node, st.params.who.user_plan);
    self->send(lim, atoms::join_atom_v,
               limits.rate_per_sec, limits.burst);
  }
  st.event("connection.established", established_payload(st.params));
  st.adopt(self, st.params.who);
}

} // namespace

const config::plan_limits& limits_of(const node_context& node, auth::plan p) {
  switch (p) {
    case auth::plan::pro:
      return node.plans.pro;
    case auth::plan::enterprise:
      return node.plans.enterprise;
    default:
      return node.plans.free;
  }
}

connection_state::~connection_state() {
  // Whatever ended the actor, the socket must not outlive it: without this
  // a session paused on a full inbound window would wait forever. A no-op
  // when the socket is already gone.
  if (params.out)
    params.out->close(internal_error_code, "connection stopped");
  if (counted)
    params.node->metrics->connection_actors.add(std::size_t{0}, -1);
  if (params.node)
    *params.node->running_on_node -= running;
}

void connection_state::finish(const std::string& request_id) {
  in_flight.erase(request_id);
  if (running > 0) {
    --running;
    --*params.node->running_on_node;
  }
}

void connection_state::refuse_auth(std::string_view request_id,
                                   std::string_view reason,
                                   std::string message) {
  auto err = make_error(messages::errc::authentication_failed,
                        std::move(message));
  err.details = {{"reason", reason}};
  params.log->info("authentication failed: {}", reason);
  fail(request_id, std::move(err));
  params.out->close(policy_code, "authentication failed");
}

void connection_state::adopt(connection_ptr self, auth::identity who) {
  params.who = std::move(who);
  auto gen = ++token_generation;
  // Past year 9999 a token never expires in practice (and ms would overflow).
  constexpr int64_t never_s = 253402300799;
  if (!params.who.expires_at || *params.who.expires_at > never_s)
    return;
  auto& node = *params.node;
  auto now = messages::unix_millis();
  // The connection lives exactly as long as its token would verify, so a
  // token accepted within the leeway is not cut at once.
  auto end = jwt_millis(*params.who.expires_at + node.leeway_s);
  auto warn = end - static_cast<int64_t>(node.expiry_warning_ms);
  auto after = [now](int64_t at) {
    return std::chrono::milliseconds{std::max<int64_t>(0, at - now)};
  };
  self->delayed_send(self, after(warn), atoms::expiring_atom_v, gen);
  self->delayed_send(self, after(end), atoms::expired_atom_v, gen);
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
  messages::outbound_message msg;
  msg.type = type;
  msg.payload = &payload;
  write(type, messages::encode(params.dialect, msg, params.node->info),
        net::priority::event);
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

void connection_state::write(std::string_view type, std::string text,
                             net::priority prio) {
  if (text.empty()) // encode could not even allocate an error frame
    return;
  auto& m = *params.node->metrics;
  m.messages_out.add(type);
  m.bytes_out.add(type, static_cast<int64_t>(text.size()));
  params.out->send(std::make_shared<const std::string>(std::move(text)),
                   prio);
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
  self->state.abuse = abuse_counter{
    self->state.params.node->abuse_rejections,
    std::chrono::milliseconds{self->state.params.node->abuse_window_ms}};
  if (auto& sup = self->state.params.node->rate_supervisor) {
    // Frames wait in the mailbox until the user's limiter is known.
    auto& who = self->state.params.who;
    auto& limits = limits_of(*self->state.params.node, who.user_plan);
    // Clients without a token share no bucket: each is its own "user".
    auto key = self->state.params.anonymous
                 ? "anonymous:" + self->state.params.connection_id
                 : who.user_id;
    self->request(sup, limiter_timeout, atoms::join_atom_v, std::move(key),
                  limits.user_rate_per_sec, limits.user_burst)
      .await(
        [self](caf::actor limiter) {
          self->state.limiter
            = caf::actor_cast<user_limiter_actor>(std::move(limiter));
          start(self);
        },
        [self](caf::error& err) {
          // The rate supervisor only goes away when the node stops (e.g. an
          // upgrade that completed during the drain): say so, not 1011.
          self->state.params.log->info("no rate limiter: {}",
                                       caf::to_string(err));
          self->state.params.out->close(going_away_code,
                                        "server shutting down");
          self->quit(err);
        });
  } else {
    start(self);
  }
  return {
    [self](atoms::frame_atom, std::string& text) {
      if (on_frame(self, text))
        self->state.params.out->frame_done();
    },
    [self](atoms::expiring_atom, uint64_t gen) {
      auto& st = self->state;
      if (gen != st.token_generation || !st.params.who.expires_at)
        return;
      auto exp = *st.params.who.expires_at;
      auto end = jwt_millis(exp + st.params.node->leeway_s);
      auto left = end - messages::unix_millis();
      st.event("auth.expiring",
               {{"expires_at", messages::rfc3339(jwt_millis(exp))},
                {"expires_in_ms", std::max<int64_t>(0, left)}});
    },
    [self](atoms::expired_atom, uint64_t gen) {
      if (gen == self->state.token_generation)
        self->state.refuse_auth("", "expired", "token expired");
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
