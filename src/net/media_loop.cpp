#include "net/media_loop.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <pthread.h>

#include <atomic>
#include <list>
#include <thread>

namespace bailanys::net {

struct MediaLoop::Impl {
  explicit Impl(std::string n) : name(std::move(n)) {}

  std::string name;
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::list<boost::asio::steady_timer> timers;  // stable addresses for the handlers
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::thread::id thread_id;

  void arm(boost::asio::steady_timer& t, std::chrono::milliseconds period,
           std::function<void()> fn) {
    t.expires_after(period);
    t.async_wait([this, &t, period, fn = std::move(fn)](const boost::system::error_code& ec) {
      if (ec || stopping) return;
      fn();
      arm(t, period, fn);
    });
  }
};

MediaLoop::MediaLoop(std::string name) : impl_(std::make_unique<Impl>(std::move(name))) {}

MediaLoop::~MediaLoop() {
  stop();
  join();
}

void MediaLoop::start() {
  impl_->thread = std::thread([this] {
    impl_->thread_id = std::this_thread::get_id();
    // Thread names are at most 15 characters (shown by top -H and in /proc).
    pthread_setname_np(pthread_self(), impl_->name.substr(0, 15).c_str());
    impl_->io.run();
  });
}

bool MediaLoop::post(std::function<void()> fn) {
  if (impl_->stopping) return false;
  boost::asio::post(impl_->io, std::move(fn));
  return true;
}

void MediaLoop::every(std::chrono::milliseconds period, std::function<void()> fn) {
  auto& t = impl_->timers.emplace_back(impl_->io);
  impl_->arm(t, period, std::move(fn));
}

void MediaLoop::stop(std::function<void()> on_stopping) {
  if (impl_->stopping.exchange(true)) return;
  boost::asio::post(impl_->io, [this, on_stopping = std::move(on_stopping)] {
    if (on_stopping) on_stopping();
    for (auto& t : impl_->timers) t.cancel();
    impl_->work.reset();
    // Let the close handlers queued above run, then end.
    boost::asio::post(impl_->io, [this] { impl_->io.stop(); });
  });
}

void MediaLoop::join() {
  if (impl_->thread.joinable()) impl_->thread.join();
}

bool MediaLoop::in_loop_thread() const { return std::this_thread::get_id() == impl_->thread_id; }

boost::asio::io_context& MediaLoop::context() { return impl_->io; }

const std::string& MediaLoop::name() const { return impl_->name; }

}  // namespace bailanys::net
