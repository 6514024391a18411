// Adding up a run once its loops stopped: what each publisher sent, what each subscriber of its
// room got, freezes, join milestones, per room and for the churn replacements, simulcast layers
// and layer switches.
//
// Which packets a subscriber S is expected to get of a stream X (publisher P in S's room):
// - the packets X sent inside the window; P sends nothing once it began to leave;
// - when S left during the window: only those sent before it began to leave (it then stays
//   connected for --churn's drain so that they can arrive);
// - when S or P joined during the window (a replacement): from where X started at S (video: its
//   first keyframe there, audio: its first packet). How long that took is a join time
//   (`churn.joinMs`, `churn.receivedByOthersMs`), not loss. If X never started at S, every
//   packet from the join timeout after the later of S's and P's starts counts, and a freeze.
// A pair of participants that were both there for the whole window counts every packet.
// A simulcast camera (--simulcast) is one stream per subscriber, whatever its layer: its packets
// are expected only of the layer the subscriber is on (simulcast_accounting.hpp), within the
// same bounds taken by send time (from the start packet's, up to the subscriber's leave).
#pragma once

#include "load_clock.hpp"
#include "participant.hpp"
#include "report.hpp"

#include <memory>
#include <vector>

namespace bailanys::load {

struct TallyWindow {
  TimeUs start = 0, end = 0;
  TimeUs join_timeout = 0;  // a stream that never started at a replacement counts from then on
};

void tally(RunResult& r, const std::vector<std::unique_ptr<Participant>>& people,
           const TallyWindow& window);

// Quantiles of a list of milliseconds.
MilestoneSummary summarize(std::vector<double> values);

}  // namespace bailanys::load
