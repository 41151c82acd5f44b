// Priority write queue of a session.
#include "net/write_queue.hpp"

namespace nexus::net {

namespace {

uint64_t drop_all(std::deque<frame_ptr>& q) noexcept {
  uint64_t bytes = 0;
  for (auto& f : q)
    bytes += f->size();
  q.clear();
  return bytes;
}

} // namespace

void write_queue::push(frame_ptr frame, priority p) {
  (p == priority::reply ? replies_ : events_).push_back(std::move(frame));
}

const std::string& write_queue::start_next() {
  auto& q = replies_.empty() ? events_ : replies_;
  current_ = std::move(q.front());
  q.pop_front();
  return *current_;
}

std::size_t write_queue::finish_current() noexcept {
  auto n = current_ ? current_->size() : 0;
  current_.reset();
  return n;
}

uint64_t write_queue::drop_queued() noexcept {
  return drop_all(replies_) + drop_all(events_);
}

uint64_t write_queue::clear() noexcept {
  return drop_queued() + finish_current();
}

} // namespace nexus::net
