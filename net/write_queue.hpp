// The outbound queue of one session: replies ahead of events, order kept
// within each class, and the frame being written held apart so nothing
// can overtake or drop it. Used on the session's strand only; the byte
// bound is enforced by the session (it also counts frames still posted).
#pragma once

#include <cstdint>
#include <deque>

#include "net/hooks.hpp"

namespace nexus::net {

/// Two FIFO queues and the frame in flight.
class write_queue {
public:
  /// Appends `frame` to the queue of its class.
  void push(frame_ptr frame, priority p);

  /// True when a frame waits (the one in flight does not count).
  bool has_queued() const noexcept {
    return !replies_.empty() || !events_.empty();
  }

  /// True while a frame taken by `start_next` is not finished.
  bool in_flight() const noexcept { return current_ != nullptr; }

  /// Takes the next frame (the oldest reply, else the oldest event) into
  /// flight and returns it; valid until `finish_current`. Requires
  /// `has_queued()` and nothing in flight.
  const std::string& start_next();

  /// The frame in flight was written; returns its size.
  std::size_t finish_current() noexcept;

  /// Drops every waiting frame, keeping the one in flight; returns the
  /// bytes dropped.
  uint64_t drop_queued() noexcept;

  /// Drops everything, the frame in flight too; returns the bytes dropped.
  uint64_t clear() noexcept;

  /// Frames waiting (the one in flight does not count).
  std::size_t queued() const noexcept {
    return replies_.size() + events_.size();
  }

private:
  std::deque<frame_ptr> replies_;
  std::deque<frame_ptr> events_;
  frame_ptr current_;
};

} // namespace nexus::net
