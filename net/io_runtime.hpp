// The Asio thread pool: one io_context run by N threads, each catching what
// escapes run() (PITFALLS: bad_alloc from Beast must not end the process).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

namespace nexus::net {

/// Owns the io_context and its threads.
class io_runtime {
public:
  explicit io_runtime(uint32_t threads);
  ~io_runtime();
  io_runtime(const io_runtime&) = delete;
  io_runtime& operator=(const io_runtime&) = delete;

  /// Starts the threads.
  void start();

  /// Lets run() return once no work is left, and joins the threads.
  void stop();

  /// Calls `fn` on an I/O thread when SIGTERM or SIGINT arrives (once).
  void on_signal(std::function<void(int)> fn);

  /// The underlying io_context (an `boost::asio::io_context*`).
  void* native();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace nexus::net
