// All media workers of the process, behind the MediaService command API. New sessions go to
// the least loaded worker.
#pragma once

#include "sfu/media_service.hpp"
#include "sfu/media_worker.hpp"

#include <memory>
#include <vector>

namespace bailanys::sfu {

class MediaWorkers final : public MediaService {
 public:
  explicit MediaWorkers(std::vector<std::unique_ptr<MediaWorker>> workers);
  ~MediaWorkers() override;

  void start();
  void stop();
  void start_echo(EchoRequest request, std::function<void(EchoResult)> done) override;

  [[nodiscard]] const std::vector<std::unique_ptr<MediaWorker>>& workers() const { return workers_; }

 private:
  std::vector<std::unique_ptr<MediaWorker>> workers_;
};

}  // namespace bailanys::sfu
