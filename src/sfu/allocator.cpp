// The video layer allocator; docs/ALLOCATOR.md walks through the steps in the same order.
#include "sfu/allocator.hpp"

#include <algorithm>
#include <climits>
#include <limits>
#include <tuple>

namespace bailanys::sfu {
namespace {

constexpr std::uint64_t kMaxBps = std::numeric_limits<std::uint64_t>::max();

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > kMaxBps - b ? kMaxBps : a + b;
}

// The most that may be allocated with the margin on top: floor(budget x 100 / (100 + margin)),
// computed without overflow.
std::uint64_t without_margin(std::uint64_t budget) {
  constexpr std::uint64_t kScale = 100 + kUpgradeMarginPercent;
  return budget / kScale * 100 + budget % kScale * 100 / kScale;
}

// Whether `base + bps` stays within `limit`, without computing a sum that could wrap.
bool fits_within(std::uint64_t base, std::uint64_t bps, std::uint64_t limit) {
  return base <= limit && bps <= limit - base;
}

// Layers a track has: with none known yet, layer 0 is assumed to exist.
int layer_count(const AllocationTrack& track) {
  if (track.layers.empty()) return 1;
  return static_cast<int>(std::min<std::size_t>(track.layers.size(), INT_MAX));
}

bool layer_active(const AllocationTrack& track, int index) {
  if (track.layers.empty()) return index == 0;
  return index >= 0 && index < layer_count(track) &&
         track.layers[static_cast<std::size_t>(index)].active;
}

// A track that gets a share of the budget, and where its allocation stands.
struct Candidate {
  std::size_t input = 0;  // index in the input (and the output)
  int lowest = -1;        // lowest active layer
  int limit = -1;         // highest layer it may get (the cap); usable = active in [lowest, limit]
  int wanted = -1;
  int held = -1;   // the caller's current layer when in range, else -1
  int layer = -1;  // allocated so far
  bool upgrades_done = false;
  std::size_t costs = 0;  // where this track's layer costs start in the shared cost list
};

// What each layer of a track counts as: layer_cost_bps, but never less than an active layer
// below it. The layers are measured separately and can cross for a moment (a keyframe on the
// low one); a step up that freed budget would make the allocation jump around.
void append_costs(const AllocationTrack& track, std::vector<std::uint64_t>& costs) {
  std::uint64_t least = 0;
  for (int i = 0; i < layer_count(track); ++i) {
    const std::uint64_t bps =
        std::max(least, layer_cost_bps(track.layers, static_cast<std::size_t>(i)));
    if (layer_active(track, i)) least = bps;
    costs.push_back(bps);
  }
}

// The first usable layer above `from`, at most `to`; -1 when none.
int next_usable(const AllocationTrack& track, int from, int to) {
  for (int i = from + 1; i <= to; ++i) {
    if (layer_active(track, i)) return i;
  }
  return -1;
}

// Rule 2: the smallest layer tall enough for the tile, else by the tile's height alone.
int wanted_layer(const AllocationTrack& track, const Candidate& c) {
  bool heights_known = !track.layers.empty();
  for (int i = c.lowest; heights_known && i <= c.limit; ++i) {
    if (layer_active(track, i) && track.layers[static_cast<std::size_t>(i)].height == 0) {
      heights_known = false;
    }
  }
  int raw = c.limit;
  if (heights_known) {
    const std::uint64_t needed = std::uint64_t{track.view_height} * kWantedHeightPercent;
    for (int i = c.lowest; i <= c.limit; ++i) {
      const std::uint64_t height = track.layers[static_cast<std::size_t>(i)].height;
      if (layer_active(track, i) && height * 100 >= needed) {
        raw = i;
        break;
      }
    }
  } else if (track.view_height <= kSmallTileMaxHeight) {
    raw = 0;
  } else if (track.view_height <= kMediumTileMaxHeight) {
    raw = 1;
  }
  // The highest usable layer not above raw; the lowest when raw is below all of them.
  int wanted = c.lowest;
  for (int i = c.lowest; i <= std::min(raw, c.limit); ++i) {
    if (layer_active(track, i)) wanted = i;
  }
  return wanted;
}

}  // namespace

std::size_t layer_tier(const AllocationLayer& layer, std::size_t index) {
  if (layer.height == 0) return std::min<std::size_t>(index, 2);
  if (layer.height <= kSmallTileMaxHeight) return 0;
  if (layer.height <= kMediumTileMaxHeight) return 1;
  return 2;
}

std::uint64_t layer_cost_bps(const std::vector<AllocationLayer>& layers, std::size_t index) {
  if (index >= layers.size()) return kAssumedLayerBps.at(std::min<std::size_t>(index, 2));
  const AllocationLayer& layer = layers[index];
  // A track sent in one layer only (no simulcast, a screen share) has nothing to step down to:
  // whatever its size, it costs what it measures, with the lowest floor.
  const std::size_t tier = layers.size() == 1 ? 0 : layer_tier(layer, index);
  if (layer.bitrate_bps == 0) return kAssumedLayerBps.at(tier);
  return std::max(layer.bitrate_bps, kLayerFloorBps.at(tier));
}

Allocation allocate(const std::vector<AllocationTrack>& tracks,
                    const AllocationSettings& settings) {
  Allocation result;
  result.tracks.resize(tracks.size());
  for (std::size_t i = 0; i < tracks.size(); ++i) result.tracks[i].key = tracks[i].key;

  // Rule 1: audio only, hidden tiles, tracks with nothing sent, then last-N among cameras.
  std::vector<Candidate> cameras;
  std::vector<Candidate> eligible;
  std::vector<std::uint64_t> costs;
  const auto cost = [&costs](const Candidate& c, int layer) {
    return costs[c.costs + static_cast<std::size_t>(layer)];
  };
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    const AllocationTrack& track = tracks[i];
    TrackAllocation& out = result.tracks[i];
    if (settings.audio_only) {
      out.reason = PauseReason::AudioOnly;
      continue;
    }
    if (track.view_height == 0) {
      out.reason = PauseReason::Hidden;
      continue;
    }
    Candidate c;
    c.input = i;
    const int count = layer_count(track);
    for (int layer = 0; layer < count && c.lowest < 0; ++layer) {
      if (layer_active(track, layer)) c.lowest = layer;
    }
    if (c.lowest < 0) continue;  // the publisher sends no layer: nothing to forward
    c.limit = count - 1;
    if (!track.screen) {
      // The owner's cap; when no active layer is under it, the lowest active one rather than
      // no video at all.
      c.limit = std::max(std::min(c.limit, std::max(settings.max_camera_layer, 0)), c.lowest);
    }
    c.wanted = wanted_layer(track, c);
    c.held = track.current_layer >= 0 && track.current_layer < count ? track.current_layer : -1;
    c.costs = costs.size();
    append_costs(track, costs);
    (track.screen ? eligible : cameras).push_back(c);
  }

  const auto last_n_key = [&tracks](const Candidate& c) {
    const AllocationTrack& t = tracks[c.input];
    return std::make_tuple(!t.pinned, !t.speaker, t.speaker_rank, c.input);
  };
  std::sort(cameras.begin(), cameras.end(), [&last_n_key](const Candidate& a, const Candidate& b) {
    return last_n_key(a) < last_n_key(b);
  });
  for (std::size_t rank = 0; rank < cameras.size(); ++rank) {
    if (rank < settings.last_n) {
      eligible.push_back(cameras[rank]);
    } else {
      result.tracks[cameras[rank].input].reason = PauseReason::LastN;
    }
  }

  // Rule 3: priority order for the budget.
  const auto priority_key = [&tracks](const Candidate& c) {
    const AllocationTrack& t = tracks[c.input];
    return std::make_tuple(!t.screen, !t.speaker, !t.pinned, t.speaker_rank, c.input);
  };
  std::sort(eligible.begin(), eligible.end(),
            [&priority_key](const Candidate& a, const Candidate& b) {
              return priority_key(a) < priority_key(b);
            });

  // Rule 4: keeping what is sent needs the allocation to fit the budget; going up (or
  // resuming a paused track) needs it to fit with the margin on top. The margin is on the whole
  // allocation after the step, not on the one layer: with many tiles a small layer's own 15 %
  // is less than a few percent of the budget, and the last tile would flap.
  // Keeping may exceed the budget a little (kKeepTolerancePercent): an estimate that dips just
  // under what is sent (a probe that overshot, a sawtooth's low point) must not pause a track
  // that was fine a moment ago.
  const std::uint64_t keep_limit = settings.budget_bps > UINT64_MAX / (100 + kKeepTolerancePercent)
                                       ? settings.budget_bps
                                       : settings.budget_bps * (100 + kKeepTolerancePercent) / 100;
  const std::uint64_t raise_limit = without_margin(settings.budget_bps);
  std::uint64_t allocated = 0;  // never above keep_limit

  // Everyone's lowest layer first, in priority order, while it fits.
  for (Candidate& c : eligible) {
    result.tracks[c.input].wanted_layer = c.wanted;
    result.wanted_bps = saturating_add(result.wanted_bps, cost(c, c.wanted));
    const std::uint64_t bps = cost(c, c.lowest);
    if (!fits_within(allocated, bps, c.held >= c.lowest ? keep_limit : raise_limit)) {
      result.tracks[c.input].reason = PauseReason::Bandwidth;
      continue;
    }
    allocated += bps;
    c.layer = c.lowest;
  }

  // Then one step up per track per round, in priority order, toward the wanted layer. A step
  // that does not fit is not retried: the steps of others only add to the allocation.
  bool progress = true;
  while (progress) {
    progress = false;
    for (Candidate& c : eligible) {
      if (c.layer < 0 || c.layer >= c.wanted || c.upgrades_done) continue;
      const AllocationTrack& track = tracks[c.input];
      const int next = next_usable(track, c.layer, c.wanted);
      if (next < 0) {
        c.upgrades_done = true;
        continue;
      }
      const std::uint64_t others = allocated - cost(c, c.layer);  // c.layer is in allocated
      const std::uint64_t bps = cost(c, next);
      if (!fits_within(others, bps, c.held >= next ? keep_limit : raise_limit)) {
        c.upgrades_done = true;
        continue;
      }
      allocated = others + bps;
      c.layer = next;
      progress = true;
    }
  }

  for (const Candidate& c : eligible) {
    if (c.layer < 0) continue;
    TrackAllocation& out = result.tracks[c.input];
    out.layer = c.layer;
    out.bitrate_bps = cost(c, c.layer);
    result.allocated_bps += out.bitrate_bps;
  }
  return result;
}

bool hold_lowest_layer(std::int64_t short_for_ms, std::uint64_t left_bps,
                       std::uint64_t lowest_cost_bps) {
  if (short_for_ms < 0 || short_for_ms >= kPauseHoldMs) return false;
  // Compared in percent without overflow: left / cost >= min% <=> left * 100 >= cost * min%.
  const std::uint64_t limit = lowest_cost_bps > UINT64_MAX / kPauseHoldMinPercent
                                  ? UINT64_MAX
                                  : lowest_cost_bps * kPauseHoldMinPercent;
  const std::uint64_t left = left_bps > UINT64_MAX / 100 ? UINT64_MAX : left_bps * 100;
  return left >= limit;
}

}  // namespace bailanys::sfu
