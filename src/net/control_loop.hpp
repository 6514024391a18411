#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace bailanys::net {

class ControlLoop {
 public:
  ControlLoop();
  ~ControlLoop();
  ControlLoop(const ControlLoop&) = delete;
  ControlLoop& operator=(const ControlLoop&) = delete;

  // Thread-safe: runs `fn` on the loop thread.
  void post(std::function<void()> fn);
  // Runs `fn` on the loop thread every `period` until stop().
  void every(std::chrono::milliseconds period, std::function<void()> fn);
  // Calls `fn` (on the loop thread) on SIGINT or SIGTERM.
  void on_stop_signal(std::function<void(int)> fn);
  // Runs the loop on the calling thread until stop().
  void run();
  // Thread-safe.
  void stop();

  boost::asio::io_context& context();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bailanys::net
