// Leave-and-replace during the measurement window (--churn R). Event j (from 1) happens j/R
// seconds into the window: it takes the next room (round-robin) and in it the next place
// (round-robin over the room's --participants places, skipping one whose replacement has not
// joined yet). Its occupant leaves in two steps: at once it stops sending and stops counting
// (Participant::begin_leave); --churn's drain later (LoadOptions::leave_drain_s) it closes
// (DTLS close_notify, WebSocket close) and a fresh participant with the same role (publisher or
// listener) joins that room in its place. Events whose replacement would join after the
// window are not scheduled (churn_events()).
#pragma once

#include "crowd.hpp"
#include "load_options.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace bailanys::load {

class Churn {
 public:
  // Creates the participant for place `slot` of room `room` (not started).
  using Replace = std::function<Participant&(std::size_t room, int slot)>;

  // `occupants[room][slot]`: who holds each place at the window's start.
  Churn(const LoadOptions& options, Crowd& crowd, std::vector<std::vector<Participant*>> occupants,
        Replace replace);

  // Coordinator thread: runs every event of the window, sleeping in between; returns once the
  // last replacement has been started.
  void run(TimeUs window_start);

 private:
  struct Leaving {
    std::size_t room = 0;
    int slot = 0;
    Participant* leaver = nullptr;
  };

  // The first step at the room's next free place, if any.
  std::optional<Leaving> leave(std::size_t room);
  void replace(const Leaving& l);

  const LoadOptions& options_;
  Crowd& crowd_;
  std::vector<std::vector<Participant*>> occupants_;
  std::vector<std::vector<bool>> busy_;  // a leave under way at that place
  std::vector<int> cursor_;              // per room: the next place to churn
  Replace replace_;
};

}  // namespace bailanys::load
