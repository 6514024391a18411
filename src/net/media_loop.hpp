// A media worker's event loop: one thread running one Asio io_context. Rooms, transports and
// their sockets live on it; other threads reach it only through post() (ARCHITECTURE.md).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace bailanys::net {

class MediaLoop {
 public:
  explicit MediaLoop(std::string name);
  ~MediaLoop();  // stops and joins
  MediaLoop(const MediaLoop&) = delete;
  MediaLoop& operator=(const MediaLoop&) = delete;

  // Starts the thread.
  void start();
  // Thread-safe: runs `fn` on the loop thread. Returns false once the loop is stopping.
  bool post(std::function<void()> fn);
  // Loop thread or before start(): runs `fn` every `period` until stop().
  void every(std::chrono::milliseconds period, std::function<void()> fn);
  // Thread-safe: runs `on_stopping` on the loop (to close transports), then ends the thread.
  void stop(std::function<void()> on_stopping = {});
  void join();
  [[nodiscard]] bool in_loop_thread() const;

  boost::asio::io_context& context();
  [[nodiscard]] const std::string& name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bailanys::net
