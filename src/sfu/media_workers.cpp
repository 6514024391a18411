#include "sfu/media_workers.hpp"

#include <algorithm>

namespace bailanys::sfu {

MediaWorkers::MediaWorkers(std::vector<std::unique_ptr<MediaWorker>> workers)
    : workers_(std::move(workers)) {}

MediaWorkers::~MediaWorkers() { stop(); }

void MediaWorkers::start() {
  for (auto& w : workers_) w->start();
}

void MediaWorkers::stop() {
  for (auto& w : workers_) w->stop();
}

void MediaWorkers::start_echo(EchoRequest request, std::function<void(EchoResult)> done) {
  if (workers_.empty()) {
    done({503, "", "", "media_unavailable", "this server runs no media workers"});
    return;
  }
  auto least = std::min_element(workers_.begin(), workers_.end(),
                                [](const auto& a, const auto& b) { return a->load() < b->load(); });
  (*least)->start_echo(std::move(request), std::move(done));
}

}  // namespace bailanys::sfu
