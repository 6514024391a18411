// Time to switch simulcast layers (W6, --switch-layers), at one subscriber. Each request asks
// for one layer of every video track the subscriber receives; per track it measures the time
// from the request (when the participant sent it) to
// - firstPacket: the first packet of the new layer that was sent after the request (the probe's
//   layer bits tell layers apart, its send time excludes late retransmissions of the old run),
// - keyframe: the last packet (marker bit) of the first keyframe of the new layer, i.e. when a
//   decoder could show the new layer.
// A switch whose keyframe has not arrived within kDeadlineUs (when the next request is sent, or
// at the end of the run) is incomplete. A request for the layer a track is already on is no
// switch and is counted apart (alreadyThere). A track with no packet for kGoneUs (its publisher
// left, --churn) is not switched at all. Loop thread only.
#pragma once

#include "load_clock.hpp"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace bailanys::load {

class LayerSwitches {
 public:
  static constexpr TimeUs kDeadlineUs = 2'000'000;
  static constexpr TimeUs kGoneUs = 500'000;

  // The subscriber asked for `layer` now. `measured`: the switch counts (inside the window,
  // with its whole deadline before the window's end); others still close the previous switch.
  void request(int layer, TimeUs now, bool measured);
  // A video packet of `track` (stream_track id) and `layer`; `keyframe`: the first packet of a
  // keyframe. `rtp_timestamp` ties a keyframe's packets together.
  void on_packet(std::uint32_t track, int layer, bool keyframe, bool marker,
                 std::uint32_t rtp_timestamp, TimeUs sent_us, TimeUs now);
  // After the run: open switches are incomplete.
  void finish();
  // The subscriber leaves during the window (--churn): open switches are not counted at all.
  void abandon() { pending_.clear(); }

  // Milliseconds from request to first packet / complete keyframe, of completed switches.
  [[nodiscard]] const std::vector<double>& first_packet_ms() const { return first_packet_ms_; }
  [[nodiscard]] const std::vector<double>& keyframe_ms() const { return keyframe_ms_; }
  [[nodiscard]] std::uint64_t incomplete() const { return incomplete_; }
  [[nodiscard]] std::uint64_t already_there() const { return already_there_; }

 private:
  struct Pending {
    int layer = 0;
    TimeUs requested_at = 0;
    TimeUs first_packet = 0;  // 0: not yet
    bool keyframe_started = false;
    std::uint32_t keyframe_timestamp = 0;
  };
  void close(const Pending& p, TimeUs keyframe_done);

  struct Current {
    int layer = 0;
    TimeUs sent_us = 0;
    TimeUs last_packet = 0;  // receive time of its latest packet, whatever its layer
  };
  std::unordered_map<std::uint32_t, Current> current_;  // track -> its newest packet (by send time)
  std::unordered_map<std::uint32_t, Pending> pending_;  // measured switches under way, by track
  std::vector<double> first_packet_ms_, keyframe_ms_;
  std::uint64_t incomplete_ = 0, already_there_ = 0;
};

}  // namespace bailanys::load
