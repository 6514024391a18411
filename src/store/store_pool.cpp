#include "store/store_pool.hpp"

#include <spdlog/spdlog.h>

namespace bailanys::store {

StorePool::StorePool(const StoreFactory& factory, int threads, std::size_t max_queue_per_thread)
    : max_queue_(max_queue_per_thread) {
  for (int i = 0; i < threads; ++i) {
    auto w = std::make_unique<Worker>();
    w->store = factory();
    workers_.push_back(std::move(w));
  }
  for (auto& w : workers_) {
    Worker* raw = w.get();
    w->thread = std::thread([raw] { run(*raw); });
  }
}

StorePool::~StorePool() { stop(); }

bool StorePool::push(Worker& w, Job job) {
  {
    std::lock_guard lock(w.mutex);
    if (w.stopping || w.queue.size() >= max_queue_) return false;
    w.queue.push_back(std::move(job));
  }
  w.wake.notify_one();
  return true;
}

bool StorePool::submit(Job job) {
  if (workers_.empty()) return false;
  std::size_t pick = 0;
  {
    std::lock_guard lock(rr_mutex_);
    pick = next_++ % workers_.size();
  }
  return push(*workers_[pick], std::move(job));
}

bool StorePool::submit_ordered(std::uint64_t key, Job job) {
  if (workers_.empty()) return false;
  return push(*workers_[key % workers_.size()], std::move(job));
}

void StorePool::run(Worker& w) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(w.mutex);
      w.wake.wait(lock, [&] { return w.stopping || !w.queue.empty(); });
      if (w.queue.empty()) return;  // stopping and drained
      job = std::move(w.queue.front());
      w.queue.pop_front();
    }
    try {
      job(*w.store);
    } catch (const std::exception& e) {
      spdlog::error("store job failed: {}", e.what());
    }
  }
}

void StorePool::stop() {
  for (auto& w : workers_) {
    {
      std::lock_guard lock(w->mutex);
      w->stopping = true;
    }
    w->wake.notify_all();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

}  // namespace bailanys::store
