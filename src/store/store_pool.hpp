// Runs database work off the control loop. Each worker thread owns one Store
// (one connection) and its own FIFO queue, so work submitted with the same key
// (e.g. one room's chat) runs in submission order. Queues are bounded: a full
// queue refuses work instead of growing (the caller answers "unavailable").
#pragma once

#include "store/store.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace bailanys::store {

class StorePool {
 public:
  using Job = std::function<void(Store&)>;
  using StoreFactory = std::function<std::unique_ptr<Store>()>;

  // Opens `threads` connections up front (throws StoreError when it cannot).
  StorePool(const StoreFactory& factory, int threads, std::size_t max_queue_per_thread);
  ~StorePool();
  StorePool(const StorePool&) = delete;
  StorePool& operator=(const StorePool&) = delete;

  // Any thread. Jobs must not throw past themselves; a throwing job is logged.
  // Returns false when the chosen queue is full or the pool is stopping.
  bool submit(Job job);
  bool submit_ordered(std::uint64_t key, Job job);
  // Finishes queued jobs, then joins the threads. Idempotent.
  void stop();
  [[nodiscard]] int size() const { return static_cast<int>(workers_.size()); }

 private:
  struct Worker {
    std::unique_ptr<Store> store;
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<Job> queue;
    bool stopping = false;
    std::thread thread;
  };
  bool push(Worker& w, Job job);
  static void run(Worker& w);

  std::vector<std::unique_ptr<Worker>> workers_;
  std::size_t max_queue_;
  std::mutex rr_mutex_;
  std::size_t next_ = 0;
};

}  // namespace bailanys::store
