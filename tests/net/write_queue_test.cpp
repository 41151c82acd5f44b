// The write queue alone: replies ahead of events, order within a class,
// the frame in flight never overtaken or dropped.
#include <catch2/catch.hpp>

#include "net/write_queue.hpp"

using namespace nexus::net;

namespace {

frame_ptr frame(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

} // namespace

TEST_CASE("replies go ahead of queued events, each class in order",
          "[net][write_queue]") {
  write_queue q;
  q.push(frame("e1"), priority::event);
  q.push(frame("e2"), priority::event);
  CHECK(q.start_next() == "e1"); // in flight: not overtaken
  q.push(frame("r1"), priority::reply);
  q.push(frame("e3"), priority::event);
  q.push(frame("r2"), priority::reply);
  std::vector<std::string> order;
  CHECK(q.finish_current() == 2);
  while (q.has_queued()) {
    order.push_back(q.start_next());
    q.finish_current();
  }
  CHECK(order == std::vector<std::string>{"r1", "r2", "e2", "e3"});
  CHECK_FALSE(q.in_flight());
}

TEST_CASE("dropping keeps the frame in flight and counts bytes",
          "[net][write_queue]") {
  write_queue q;
  q.push(frame("aaaa"), priority::event);
  q.push(frame("bb"), priority::event);
  q.push(frame("c"), priority::reply);
  CHECK(q.start_next() == "c");
  CHECK(q.drop_queued() == 6);
  CHECK(q.queued() == 0);
  CHECK(q.in_flight());
  CHECK(q.finish_current() == 1);
  q.push(frame("dd"), priority::reply);
  q.start_next();
  q.push(frame("eee"), priority::event);
  CHECK(q.clear() == 5);
  CHECK_FALSE(q.in_flight());
}
