// Per-subscriber video layer allocation (issue 5): given one subscriber's downlink budget and
// what it shows, choose for each video track it could receive a simulcast layer, or pause it
// and say why. A pure function of its inputs (no clock, no state): the caller keeps each
// track's current layer and passes it back, which is all the hysteresis needs.
// docs/ALLOCATOR.md explains the algorithm and every constant below.
#pragma once

#include "sfu/room_events.hpp"

#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bailanys::sfu {

// One simulcast layer of a published video track, as the publisher sends it now.
struct AllocationLayer {
  std::uint64_t bitrate_bps = 0;  // measured; 0 = unknown
  std::uint32_t height = 0;       // 0 = unknown
  bool active = true;             // packets seen recently
};

// One video track the subscriber could receive.
struct AllocationTrack {
  std::uint64_t key = 0;  // the caller's id, copied to the result
  bool screen = false;    // a screen share (never capped, high priority)
  bool speaker = false;   // the current active speaker's camera
  bool pinned = false;
  // 0 = the most recent speaker, 1 = the one before...; INT_MAX = never spoke.
  int speaker_rank = INT_MAX;
  // Tile height on the subscriber's screen in device pixels; 0 = not visible.
  std::uint32_t view_height = 180;
  std::vector<AllocationLayer> layers;  // index 0 lowest; empty = nothing known yet
  int current_layer = -1;               // layer forwarded now, -1 = paused / nothing
};

struct AllocationSettings {
  std::uint64_t budget_bps = 0;  // video budget: the downlink estimate minus audio
  bool audio_only = false;
  int max_camera_layer = 2;  // the room owner's cap (0 low, 1 medium, 2 high); screens exempt
  // At most this many camera tracks get video (pinned + most recent speakers first; screens do
  // not count).
  std::size_t last_n = 9;
};

struct TrackAllocation {
  std::uint64_t key = 0;
  int layer = -1;  // layer to forward, -1 = none
  // Why layer is -1. None with layer -1: the publisher sends no layer right now (every layer
  // inactive), so there is nothing to forward and nothing was held back.
  PauseReason reason = PauseReason::None;
  std::uint64_t bitrate_bps = 0;  // what layer is counted as (0 when none)
  // The layer the track would get with enough budget; -1 for tracks that want no video
  // (audio only, hidden, beyond last-N, nothing sent).
  int wanted_layer = -1;
};

struct Allocation {
  std::vector<TrackAllocation> tracks;  // same order as the input
  std::uint64_t allocated_bps =
      0;  // sum of tracks[].bitrate_bps, never above the budget + kKeepTolerancePercent
  // What the visible tracks would take at their wanted layers: when above the budget, the
  // caller may probe the downlink for it.
  std::uint64_t wanted_bps = 0;
};

// Bitrate assumed for a layer whose bitrate is not measured yet, by tier (see layer_tier).
inline constexpr std::array<std::uint64_t, 3> kAssumedLayerBps{150'000, 500'000, 1'500'000};
// Least bitrate a layer is counted as, by tier: a static picture sends almost nothing, but it
// is not free once it moves again.
inline constexpr std::array<std::uint64_t, 3> kLayerFloorBps{75'000, 250'000, 750'000};
// Hysteresis: going up a layer, or resuming a paused track, needs the subscriber's whole video
// allocation after that step plus this margin to fit the budget; keeping a layer that is
// forwarded now needs only the allocation itself to fit.
inline constexpr std::uint64_t kUpgradeMarginPercent = 15;
inline constexpr std::uint64_t kKeepTolerancePercent = 10;
// A layer is tall enough for a tile when its height is at least this share of the tile's.
inline constexpr std::uint64_t kWantedHeightPercent = 80;
// Without layer heights: tiles up to this tall want layer 0, up to kMediumTileMaxHeight layer 1,
// taller ones the top layer. The same bounds sort a layer of known height into a tier.
inline constexpr std::uint32_t kSmallTileMaxHeight = 240;
inline constexpr std::uint32_t kMediumTileMaxHeight = 480;

// The tier (0 small, 1 medium, 2 large) a layer's assumed bitrate and floor come from: by its
// height when known, else by its index (above 2 counts as 2).
std::size_t layer_tier(const AllocationLayer& layer, std::size_t index);
// What the allocator counts layer `index` of `layers` as: max(measured, floor), or the assumed
// bitrate when not measured. With no layers known, layer 0 of tier 0.
std::uint64_t layer_cost_bps(const std::vector<AllocationLayer>& layers, std::size_t index);

// A video that is being forwarded is paused for bandwidth only when the shortage lasts
// kPauseHoldMs, or at once when what is left of the budget is under kPauseHoldMinPercent of its
// lowest layer; until then the caller keeps it at its lowest layer. A single delay-based
// decrease takes the estimate to 0.85 x the acked rate, so on a link that carries the low layer
// with room to spare (300 kbit/s for 150 + audio) one dip from a keyframe burst or a probe put
// the budget just under the low layer: the video paused and came back 2-3 s later. The estimate
// climbs back within about a second; a real drop keeps falling and pauses after the hold.
inline constexpr std::int64_t kPauseHoldMs = 2000;
inline constexpr std::uint64_t kPauseHoldMinPercent = 60;
// `short_for_ms`: how long the allocation has paused the track while it was forwarded;
// `left_bps`: the budget the allocation left; `lowest_cost_bps`: layer_cost_bps of the lowest
// layer the publisher sends.
bool hold_lowest_layer(std::int64_t short_for_ms, std::uint64_t left_bps,
                       std::uint64_t lowest_cost_bps);

// Deterministic; O(tracks x layers) plus one sort of the tracks. Never throws on odd input.
Allocation allocate(const std::vector<AllocationTrack>& tracks, const AllocationSettings& settings);

}  // namespace bailanys::sfu
