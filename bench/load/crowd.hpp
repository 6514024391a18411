// The participants of a run and the MediaLoop threads they live on. The coordinator thread
// creates participants (at the start and, with churn, during the window) and reaches them only
// through their loop: start, leave and close are posted there. Each loop ticks its own
// participants every 2 ms; a participant is on its loop's tick list from its start on.
#pragma once

#include "participant.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace bailanys::net {
class MediaLoop;
}

namespace bailanys::load {

class Crowd {
 public:
  explicit Crowd(int threads);
  ~Crowd();
  Crowd(const Crowd&) = delete;
  Crowd& operator=(const Crowd&) = delete;

  // Creates a participant on loop `config.index % threads` (not started yet).
  Participant& add(ParticipantConfig config, SignalingAdapter& signaling,
                   std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate,
                   const RunWindow& window);
  // Runs `fn` on the participant's loop thread.
  void post(Participant& p, std::function<void(Participant&)> fn);
  // Puts it on its loop's tick list and starts it (on that loop).
  void start(Participant& p);
  // Everyone leaves (close_notify, WebSocket close); after a short wait for those to go out,
  // the loops stop. Participants stay readable until the Crowd goes away.
  void close_and_stop();

  // Coordinator thread only (or after close_and_stop()).
  [[nodiscard]] const std::vector<std::unique_ptr<Participant>>& people() const { return people_; }

 private:
  [[nodiscard]] std::size_t loop_of(const Participant& p) const {
    return static_cast<std::size_t>(p.config().index) % loops_.size();
  }

  std::vector<std::unique_ptr<net::MediaLoop>> loops_;
  std::vector<std::vector<Participant*>> ticked_;  // per loop; touched on that loop only
  std::vector<std::unique_ptr<Participant>> people_;
};

}  // namespace bailanys::load
