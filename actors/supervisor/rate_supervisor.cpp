// Rate supervisor: one user limiter per user with live connections.
#include "actors/supervisor/rate_supervisor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace nexus::actors {

namespace {

using self_ptr = rate_supervisor_actor::stateful_pointer<rate_supervisor_state>;

/// The user's entry, with a live limiter: spawned (monitored, not linked:
/// stopping it must not stop us) if the user has none. The user's bucket
/// takes the limits of the join that spawns it; a user's connections
/// normally share a plan, and a later join with other limits changes
/// nothing until the limiter is spawned again.
rate_user& user_for(self_ptr self, const std::string& user_id,
                    rate_limit user_limit) {
  auto& st = self->state;
  auto& user = st.users[user_id];
  if (!user.limiter) {
    user_limits limits{user_limit, st.options.connection, st.options.now};
    auto limiter = self->spawn<caf::monitored>(user_limiter,
                                               std::move(limits));
    user.limiter = caf::actor_cast<caf::actor>(std::move(limiter));
    st.limiters.emplace(user.limiter.address(), user_id);
  }
  return user;
}

/// One connection of `user_id` is gone (or now belongs to another user);
/// after the last one the limiter is stopped and the user forgotten.
void release(self_ptr self, const std::string& user_id) {
  auto& st = self->state;
  auto i = st.users.find(user_id);
  if (i == st.users.end() || --i->second.connections > 0)
    return;
  if (auto& limiter = i->second.limiter) {
    st.limiters.erase(limiter.address());
    self->send_exit(limiter, caf::exit_reason::user_shutdown);
  }
  st.users.erase(i);
}

void on_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (auto i = st.limiters.find(dm.source); i != st.limiters.end()) {
    // Died on its own: forget it; the next join spawns a fresh one.
    spdlog::warn("user limiter stopped unexpectedly: {}",
                 caf::to_string(dm.reason));
    if (auto u = st.users.find(i->second); u != st.users.end())
      u->second.limiter = nullptr;
    st.limiters.erase(i);
  } else if (auto j = st.connections.find(dm.source);
             j != st.connections.end()) {
    auto user_id = std::move(j->second);
    st.connections.erase(j);
    release(self, user_id);
  }
}

caf::result<caf::actor> join(self_ptr self, const std::string& user_id,
                             rate_limit user_limit) {
  auto& sender = self->current_sender();
  if (!sender) // Nothing to monitor: we could never forget this user.
    return caf::sec::invalid_argument;
  auto& st = self->state;
  auto addr = caf::actor_cast<caf::actor_addr>(sender);
  auto known = st.connections.find(addr);
  if (known == st.connections.end()) {
    self->monitor(sender);
    known = st.connections.emplace(addr, std::string{}).first;
  }
  if (known->second != user_id) {
    if (!known->second.empty()) // The connection changed users.
      release(self, known->second);
    known->second = user_id;
    ++st.users[user_id].connections;
  }
  return user_for(self, user_id, user_limit).limiter;
}

} // namespace

rate_supervisor_actor::behavior_type
rate_supervisor(self_ptr self, rate_supervisor_options options) {
  self->state.options = std::move(options);
  self->set_down_handler([self](caf::down_msg& dm) { on_down(self, dm); });
  // On shutdown the limiters stop with us.
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& kv : self->state.users)
      if (kv.second.limiter)
        self->send_exit(kv.second.limiter, caf::exit_reason::kill);
    self->state.users.clear();
    self->state.limiters.clear();
    self->quit(em.reason);
  });
  return {
    [self](atoms::join_atom, const std::string& user_id,
           uint32_t user_rate_per_sec,
           uint32_t user_burst) -> caf::result<caf::actor> {
      return join(self, user_id, rate_limit{user_rate_per_sec, user_burst});
    },
    [self](atoms::count_atom) {
      return static_cast<uint64_t>(self->state.limiters.size());
    },
  };
}

} // namespace nexus::actors
