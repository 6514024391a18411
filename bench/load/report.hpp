// The result of a run, and how it is printed: one JSON object (--json) or a readable table.
#pragma once

#include "latency_histogram.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bailanys::load {

// A join step over all participants that reached it, in milliseconds.
struct MilestoneSummary {
  int count = 0;  // participants that reached it
  double p50 = 0, p95 = 0, max = 0;
};

struct SubscriberSummary {
  std::string name;
  std::uint64_t expected = 0, delivered = 0;
  std::array<std::uint64_t, 4> delivered_by_layer{};  // --simulcast: window packets per layer
  std::uint64_t freezes = 0;
  std::optional<double> first_keyframe_ms;  // after the participant started
  int streams = 0;                          // publisher streams it received
  bool failed = false;
  std::size_t room = 0;      // index into RunResult::room_codes
  bool replacement = false;  // joined during the window (--churn)
  bool left = false;         // left during the window (--churn)
};

// One room's share of the totals (--rooms).
struct RoomSummary {
  std::string code;
  std::uint64_t expected = 0, delivered = 0, freezes = 0;
  double longest_gap_ms = 0;
};

// Leave-and-replace during the window (--churn).
struct ChurnSummary {
  int left = 0, joined = 0;
  std::map<std::string, MilestoneSummary> join;  // the replacements' milestones
  // Per replacement publisher: ms from its start until every participant that stayed in its
  // room had its streams (video: a keyframe).
  MilestoneSummary received_by_others;
  // Pairs of participants that neither left nor joined during the window.
  std::uint64_t stable_expected = 0, stable_delivered = 0;
};

struct RunResult {
  std::string server, url, room, srtp_profile;  // room: the codes, comma-separated
  std::vector<std::string> room_codes;
  int rooms = 1, participants = 0, publishers = 0, threads = 0, video_kbps = 0;  // per room
  double join_spread_s = 0, churn_per_s = 0;
  bool audio_only = false;
  double duration_s = 0, loss_percent = 0;
  int warm = 0;              // participants that received every stream before the window
  double warmup_s = 0;       // from start until the window opened
  double window_s = 0;       // measured window length
  // Sent by publishers inside the window.
  std::uint64_t sent_audio = 0, sent_video = 0, sent_bytes = 0, keyframes = 0, keyframe_requests = 0;
  // Received by subscribers (packets of the window, each counted once per subscriber).
  std::uint64_t expected = 0, delivered = 0, recovered = 0;
  std::uint64_t duplicates = 0, unknown_ssrc = 0, dropped_on_purpose = 0, srtp_errors = 0;
  std::uint64_t nack_packets = 0, nack_requested = 0, nack_gaps = 0, nack_abandoned = 0, plis_sent = 0;
  std::uint64_t freezes = 0;
  double longest_gap_ms = 0;
  LatencyHistogram latency;
  LatencyHistogram baseline;  // loopback without a server (loopback_baseline.hpp)
  std::map<std::string, MilestoneSummary> join;  // by milestone name, in the order of kMilestones
  std::vector<SubscriberSummary> subscribers;
  std::vector<RoomSummary> per_room;
  ChurnSummary churn;
  double generator_cpu_percent = 0;  // of one core, during the window
  std::vector<std::string> errors;
  // --simulcast / --switch-layers (layer_switch.hpp)
  bool simulcast = false, switch_layers = false;
  std::array<std::uint64_t, 4>
      delivered_by_layer{};  // cameras' window packets delivered, per layer
  struct LayerSwitchTotals {
    MilestoneSummary first_packet, keyframe;  // ms, over completed switches
    std::uint64_t incomplete = 0, already_there = 0;
  } layer_switch;

  [[nodiscard]] double delivered_ratio() const {
    return expected == 0 ? 0.0 : static_cast<double>(delivered) / static_cast<double>(expected);
  }
};

// Milestone names in join order (the keys of RunResult::join).
inline const std::vector<std::string>& milestone_names() {
  static const std::vector<std::string> names = {
      "wsOpen",     "welcome",     "subscribeOffer", "publishAnswer", "receiveIce",
      "receiveDtls", "publishIce", "publishDtls",    "firstRtp",      "firstKeyframe",
      "allStreams"};
  return names;
}

std::string result_json(const RunResult& r);
std::string result_table(const RunResult& r);

}  // namespace bailanys::load
