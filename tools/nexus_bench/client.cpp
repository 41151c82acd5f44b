// The benchmark connection's traffic: our own frame loop, where one read
// handles every complete frame buffered and one write carries every queued
// request (connecting is in client_connect.cpp).
#include "client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include "wire.hpp"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace nexus::bench {

using namespace std::chrono_literals;

namespace {

/// Most requests sent in one write.
constexpr size_t max_batch = 64;

int64_t unix_ms() {
  using namespace std::chrono;
  auto now = system_clock::now().time_since_epoch();
  return duration_cast<milliseconds>(now).count();
}

} // namespace

void client::start(const run_clock& clock) {
  clock_ = clock;
  running_ = !broken_;
  if (opts_.rate > 0) {
    interval_ns_ = 1e9 * opts_.connections / opts_.rate;
    // Stagger the connections evenly across one interval.
    next_offset_ns_ = interval_ns_ * id_ / opts_.connections;
  }
}

void client::release(bench_clock::time_point now) {
  if (!running_ || stopping_ || broken_)
    return;
  if (opts_.rate <= 0) {
    if (next_seq_ == 0)
      for (uint32_t i = 0; i < opts_.window; ++i)
        enqueue(now);
  } else {
    // Release every request whose time has come; each keeps its scheduled
    // time, so a late send still counts (no coordinated omission).
    for (;;) {
      auto at = clock_.start +
                std::chrono::nanoseconds(static_cast<int64_t>(next_offset_ns_));
      if (at > now || at >= clock_.measure_end)
        break;
      enqueue(at);
      next_offset_ns_ += interval_ns_;
    }
  }
  do_write();
}

void client::enqueue(bench_clock::time_point scheduled) {
  auto seq = next_seq_++;
  inflight_.emplace(seq, scheduled);
  send_queue_.push_back(seq);
}

void client::do_write() {
  if (writing_ || broken_ || (send_queue_.empty() && control_.empty()))
    return;
  // Everything queued goes out in one write; while it is in flight the
  // next requests gather (like Node's corked sockets).
  std::swap(write_buf_, control_);
  control_.clear();
  for (size_t n = 0; n < max_batch && !send_queue_.empty(); ++n) {
    make_heartbeat(frame_buf_, opts_.format, id_, send_queue_.front(),
                   unix_ms());
    send_queue_.pop_front();
    append_client_frame(write_buf_, frame_buf_, next_mask());
  }
  writing_ = true;
  asio::async_write(stream_->socket(), asio::buffer(write_buf_),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->on_write(ec);
                    });
}

void client::on_write(beast::error_code ec) {
  writing_ = false;
  if (ec)
    return fail(ec, "write");
  do_write();
}

uint32_t client::next_mask() {
  // xorshift32: masking keys need not be secret from our own server.
  mask_state_ ^= mask_state_ << 13;
  mask_state_ ^= mask_state_ >> 17;
  mask_state_ ^= mask_state_ << 5;
  return mask_state_;
}

void client::do_read() {
  stream_->socket().async_read_some(
      read_buf_.prepare(read_chunk),
      [self = shared_from_this()](beast::error_code ec, size_t bytes) {
        self->on_read(ec, bytes);
      });
}

void client::on_read(beast::error_code ec, size_t bytes) {
  if (ec)
    return fail(ec, "read");
  read_buf_.commit(bytes);
  if (!handle_frames())
    return;
  do_write(); // the requests that the answers just released
  do_read();
}

bool client::handle_frames() {
  auto now = bench_clock::now();
  for (;;) {
    auto data = read_buf_.cdata();
    std::string_view view{static_cast<const char*>(data.data()), data.size()};
    frame_view f;
    auto status = parse_frame(view, max_message_bytes, f);
    if (status == frame_status::incomplete)
      return true;
    if (status == frame_status::invalid) {
      fail({}, "invalid or oversized frame");
      return false;
    }
    bool go_on = handle_frame(f, now);
    read_buf_.consume(f.size);
    if (!go_on)
      return false;
  }
}

bool client::handle_frame(const frame_view& f, bench_clock::time_point now) {
  switch (f.opcode) {
  case 0: // continuation
  case 1: // text
  case 2: // binary
    if (f.fin && fragments_.empty()) {
      on_message(f.payload, now);
      return true;
    }
    fragments_.append(f.payload);
    if (fragments_.size() > max_message_bytes) {
      fail({}, "message too large");
      return false;
    }
    if (f.fin) {
      on_message(fragments_, now);
      fragments_.clear();
    }
    return true;
  case 8: // close: expected after our own close, an error before
    fail({}, "closed by the server");
    return false;
  case 9: // ping
    append_client_frame(control_, f.payload, next_mask(), 10);
    return true;
  default:
    return true;
  }
}

void client::on_message(std::string_view text, bench_clock::time_point now) {
  auto info = scan_reply(text, id_);
  auto it = info ? inflight_.find(info->seq) : inflight_.end();
  if (it == inflight_.end()) {
    ++stats_.unmatched; // connection.established, server events, strays
    return;
  }
  auto scheduled = it->second;
  inflight_.erase(it);
  ++stats_.answered;
  if (in_window(scheduled)) {
    auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - scheduled);
    stats_.latency.record(
        static_cast<uint64_t>(std::max<int64_t>(0, ns.count())));
    if (info->error)
      ++stats_.errors;
  }
  if (now >= clock_.measure_begin && now < clock_.measure_end)
    ++stats_.completed;
  if (running_ && opts_.rate <= 0 && now < clock_.measure_end)
    enqueue(now); // sent by on_read once every buffered answer is handled
}

bool client::in_window(bench_clock::time_point t) const {
  return t >= clock_.measure_begin && t < clock_.measure_end;
}

void client::fail(beast::error_code ec, const std::string& what) {
  if (stopping_ || broken_)
    return;
  broken_ = true;
  ++stats_.dropped;
  if (stats_.first_error.empty())
    stats_.first_error = "connection " + std::to_string(id_) + ": " + what +
                         (ec ? ": " + ec.message() : "");
}

void client::stop() {
  running_ = false;
  stopping_ = true;
  timer_.cancel();
  // Whatever is still unanswered now (warm-up included) is lost: a server
  // that never answers must not look like one without errors.
  stats_.lost += inflight_.size();
  inflight_.clear();
  send_queue_.clear();
  if (broken_ || !stream_)
    return;
  // Close code 1000; the server's close frame or EOF ends the read loop.
  append_client_frame(control_, std::string_view{"\x03\xe8", 2}, next_mask(),
                      8);
  do_write();
}

} // namespace nexus::bench
