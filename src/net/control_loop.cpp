#include "net/control_loop.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <list>

namespace bailanys::net {

struct ControlLoop::Impl {
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  std::list<boost::asio::steady_timer> timers;  // stable addresses for the handlers

  void arm(boost::asio::steady_timer& t, std::chrono::milliseconds period,
           std::function<void()> fn) {
    t.expires_after(period);
    t.async_wait([this, &t, period, fn = std::move(fn)](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled at stop()
      fn();
      arm(t, period, fn);
    });
  }
};

ControlLoop::ControlLoop() : impl_(std::make_unique<Impl>()) {}
ControlLoop::~ControlLoop() = default;

void ControlLoop::post(std::function<void()> fn) { boost::asio::post(impl_->io, std::move(fn)); }

void ControlLoop::every(std::chrono::milliseconds period, std::function<void()> fn) {
  auto& t = impl_->timers.emplace_back(impl_->io);
  impl_->arm(t, period, std::move(fn));
}

void ControlLoop::on_stop_signal(std::function<void(int)> fn) {
  impl_->signals.async_wait([fn = std::move(fn)](const boost::system::error_code& ec, int sig) {
    if (!ec) fn(sig);
  });
}

void ControlLoop::run() { impl_->io.run(); }

void ControlLoop::stop() {
  boost::asio::post(impl_->io, [this] {
    for (auto& t : impl_->timers) t.cancel();
    impl_->signals.cancel();
    impl_->work.reset();
    impl_->io.stop();
  });
}

boost::asio::io_context& ControlLoop::context() { return impl_->io; }

}  // namespace bailanys::net
