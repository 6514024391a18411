#include "sfu/allocator.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace bailanys::sfu {
namespace {

constexpr std::uint64_t kLow = 150'000;
constexpr std::uint64_t kMid = 500'000;
constexpr std::uint64_t kHigh = 1'500'000;

// A camera publishing 180p/360p/720p at measured bitrates.
AllocationTrack camera(std::uint64_t key, std::uint32_t view_height = 180) {
  AllocationTrack t;
  t.key = key;
  t.view_height = view_height;
  t.layers = {{kLow, 180, true}, {kMid, 360, true}, {kHigh, 720, true}};
  return t;
}

AllocationTrack screen(std::uint64_t key, std::uint32_t view_height = 1080) {
  AllocationTrack t;
  t.key = key;
  t.screen = true;
  t.view_height = view_height;
  t.layers = {{1'000'000, 1080, true}};
  return t;
}

AllocationSettings budget(std::uint64_t bps) {
  AllocationSettings s;
  s.budget_bps = bps;
  return s;
}

std::vector<int> layers_of(const Allocation& a) {
  std::vector<int> out;
  out.reserve(a.tracks.size());
  for (const auto& t : a.tracks) out.push_back(t.layer);
  return out;
}

// Feeds the result back as the next round's current layers, as the caller will.
void feed_back(std::vector<AllocationTrack>& tracks, const Allocation& a) {
  for (std::size_t i = 0; i < tracks.size(); ++i) tracks[i].current_layer = a.tracks[i].layer;
}

// Invariants of every allocation.
void expect_consistent(const std::vector<AllocationTrack>& tracks, const AllocationSettings& s,
                       const Allocation& a) {
  ASSERT_EQ(a.tracks.size(), tracks.size());
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    const TrackAllocation& t = a.tracks[i];
    EXPECT_EQ(t.key, tracks[i].key);
    if (t.layer >= 0) {
      EXPECT_EQ(t.reason, PauseReason::None);
      EXPECT_LE(t.layer, t.wanted_layer);
      EXPECT_GT(t.bitrate_bps, 0U);
      if (!tracks[i].layers.empty()) {
        ASSERT_LT(static_cast<std::size_t>(t.layer), tracks[i].layers.size());
        EXPECT_TRUE(tracks[i].layers[static_cast<std::size_t>(t.layer)].active);
      }
    } else {
      EXPECT_EQ(t.bitrate_bps, 0U);
    }
    sum += t.bitrate_bps;
  }
  EXPECT_EQ(sum, a.allocated_bps);
  EXPECT_LE(a.allocated_bps, s.budget_bps);
}

// --- Rule 1: audio only, hidden, last-N ---

TEST(Allocator, AudioOnlyPausesEveryTrack) {
  std::vector<AllocationTrack> tracks{screen(1), camera(2, 720), camera(3)};
  tracks[1].pinned = true;
  tracks[1].current_layer = 2;
  AllocationSettings s = budget(100'000'000);
  s.audio_only = true;
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  for (const auto& t : a.tracks) {
    EXPECT_EQ(t.layer, -1);
    EXPECT_EQ(t.reason, PauseReason::AudioOnly);
    EXPECT_EQ(t.wanted_layer, -1);
  }
  EXPECT_EQ(a.allocated_bps, 0U);
  EXPECT_EQ(a.wanted_bps, 0U);
}

TEST(Allocator, HiddenTileIsPausedAndWantsNothing) {
  std::vector<AllocationTrack> tracks{camera(1, 0), camera(2), screen(3, 0)};
  tracks[0].current_layer = 0;
  const Allocation a = allocate(tracks, budget(10'000'000));
  expect_consistent(tracks, budget(10'000'000), a);
  EXPECT_EQ(a.tracks[0].reason, PauseReason::Hidden);
  EXPECT_EQ(a.tracks[0].layer, -1);
  EXPECT_EQ(a.tracks[0].wanted_layer, -1);
  EXPECT_EQ(a.tracks[1].layer, 0);
  EXPECT_EQ(a.tracks[2].reason, PauseReason::Hidden);
  EXPECT_EQ(a.wanted_bps, kLow);
}

TEST(Allocator, LastNRanksPinnedThenSpeakerThenRecentSpeakersThenInputOrder) {
  std::vector<AllocationTrack> tracks;
  for (std::uint64_t k = 0; k < 6; ++k) tracks.push_back(camera(k));
  tracks[5].pinned = true;
  tracks[4].speaker = true;
  tracks[3].speaker_rank = 1;
  tracks[2].speaker_rank = 0;  // spoke more recently than 3
  AllocationSettings s = budget(100'000'000);
  s.last_n = 4;
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  // In: 5 (pinned), 4 (speaker), 2 (rank 0), 3 (rank 1). Out: 0 and 1 (never spoke).
  EXPECT_EQ(a.tracks[0].reason, PauseReason::LastN);
  EXPECT_EQ(a.tracks[1].reason, PauseReason::LastN);
  for (std::size_t i = 2; i < 6; ++i) EXPECT_EQ(a.tracks[i].layer, 0) << i;
  EXPECT_EQ(a.tracks[0].wanted_layer, -1);

  s.last_n = 5;  // input order breaks the tie among those who never spoke
  const Allocation b = allocate(tracks, s);
  EXPECT_EQ(b.tracks[0].layer, 0);
  EXPECT_EQ(b.tracks[1].reason, PauseReason::LastN);
}

TEST(Allocator, PinnedOutranksSpeakerForLastN) {
  std::vector<AllocationTrack> tracks{camera(1), camera(2)};
  tracks[0].speaker = true;
  tracks[1].pinned = true;
  AllocationSettings s = budget(100'000'000);
  s.last_n = 1;
  const Allocation a = allocate(tracks, s);
  EXPECT_EQ(a.tracks[0].reason, PauseReason::LastN);
  EXPECT_EQ(a.tracks[1].layer, 0);
}

TEST(Allocator, ScreensAndHiddenTilesTakeNoLastNSlot) {
  std::vector<AllocationTrack> tracks{screen(1), camera(2, 0), camera(3), camera(4), camera(5)};
  tracks[1].pinned = true;  // pinned but hidden
  AllocationSettings s = budget(100'000'000);
  s.last_n = 2;
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  EXPECT_EQ(a.tracks[0].layer, 0);  // the screen
  EXPECT_EQ(a.tracks[1].reason, PauseReason::Hidden);
  EXPECT_EQ(a.tracks[2].layer, 0);
  EXPECT_EQ(a.tracks[3].layer, 0);
  EXPECT_EQ(a.tracks[4].reason, PauseReason::LastN);
}

TEST(Allocator, LastNZeroLeavesOnlyScreens) {
  std::vector<AllocationTrack> tracks{camera(1), screen(2)};
  tracks[0].pinned = true;
  AllocationSettings s = budget(100'000'000);
  s.last_n = 0;
  const Allocation a = allocate(tracks, s);
  EXPECT_EQ(a.tracks[0].reason, PauseReason::LastN);
  EXPECT_EQ(a.tracks[1].layer, 0);
}

// --- Rule 2: the wanted layer ---

TEST(Allocator, WantedLayerIsTheSmallestTallEnoughForTheTile) {
  const std::vector<std::pair<std::uint32_t, int>> cases{
      {1, 0}, {180, 0}, {225, 0}, {226, 1}, {300, 1}, {450, 1}, {451, 2}, {720, 2}, {2160, 2}};
  for (const auto& c : cases) {
    const std::vector<AllocationTrack> tracks{camera(1, c.first)};
    const Allocation a = allocate(tracks, budget(100'000'000));
    EXPECT_EQ(a.tracks[0].wanted_layer, c.second) << "view " << c.first;
    EXPECT_EQ(a.tracks[0].layer, c.second) << "view " << c.first;
  }
}

TEST(Allocator, WantedLayerFromTileHeightWhenLayerHeightsUnknown) {
  const std::vector<std::pair<std::uint32_t, int>> cases{{100, 0}, {240, 0}, {241, 1},
                                                         {480, 1}, {481, 2}, {1080, 2}};
  for (const auto& c : cases) {
    std::vector<AllocationTrack> tracks{camera(1, c.first)};
    tracks[0].layers[1].height = 0;  // one unknown height is enough to fall back
    const Allocation a = allocate(tracks, budget(100'000'000));
    EXPECT_EQ(a.tracks[0].wanted_layer, c.second) << "view " << c.first;
  }
  // Two layers: "the top" is layer 1.
  std::vector<AllocationTrack> two{camera(1, 1080)};
  two[0].layers = {{kLow, 0, true}, {kMid, 0, true}};
  EXPECT_EQ(allocate(two, budget(100'000'000)).tracks[0].wanted_layer, 1);
}

TEST(Allocator, ThumbnailNeverPullsTheTopLayer) {
  std::vector<AllocationTrack> tracks{camera(1, 120)};
  tracks[0].current_layer = 2;
  const Allocation a = allocate(tracks, budget(100'000'000));
  EXPECT_EQ(a.tracks[0].layer, 0);
  EXPECT_EQ(a.wanted_bps, kLow);
}

TEST(Allocator, OwnerCapLimitsCamerasButNotScreens) {
  std::vector<AllocationTrack> tracks{camera(1, 1080), screen(2, 1080)};
  tracks[1].layers = {{kLow, 360, true}, {kMid, 720, true}, {kHigh, 1080, true}};
  AllocationSettings s = budget(100'000'000);
  s.max_camera_layer = 1;
  Allocation a = allocate(tracks, s);
  EXPECT_EQ(a.tracks[0].layer, 1);
  EXPECT_EQ(a.tracks[0].wanted_layer, 1);
  EXPECT_EQ(a.tracks[1].layer, 2);
  s.max_camera_layer = 0;
  a = allocate(tracks, s);
  EXPECT_EQ(a.tracks[0].layer, 0);
  EXPECT_EQ(a.tracks[1].layer, 2);
  EXPECT_EQ(a.wanted_bps, kLow + kHigh);
}

TEST(Allocator, OnlyActiveLayersAreChosen) {
  std::vector<AllocationTrack> tracks{camera(1, 720)};
  tracks[0].layers[2].active = false;  // the publisher dropped 720p
  Allocation a = allocate(tracks, budget(100'000'000));
  EXPECT_EQ(a.tracks[0].wanted_layer, 1);
  EXPECT_EQ(a.tracks[0].layer, 1);

  tracks[0].layers[2].active = true;
  tracks[0].layers[1].active = false;  // the step up skips the gap
  a = allocate(tracks, budget(100'000'000));
  EXPECT_EQ(a.tracks[0].layer, 2);

  tracks[0].layers[0].active = false;  // lowest usable is now 2
  tracks[0].view_height = 180;
  a = allocate(tracks, budget(100'000'000));
  EXPECT_EQ(a.tracks[0].wanted_layer, 2);
  EXPECT_EQ(a.tracks[0].layer, 2);
}

TEST(Allocator, CapWithNoActiveLayerUnderItSendsTheLowestActive) {
  std::vector<AllocationTrack> tracks{camera(1, 720)};
  tracks[0].layers[0].active = false;
  tracks[0].layers[1].active = false;
  AllocationSettings s = budget(100'000'000);
  s.max_camera_layer = 0;
  const Allocation a = allocate(tracks, s);
  EXPECT_EQ(a.tracks[0].layer, 2);
}

TEST(Allocator, TrackWithNoLayersKnownGetsLayerZeroAtTheAssumedBitrate) {
  AllocationTrack t;
  t.key = 7;
  t.view_height = 720;
  const std::vector<AllocationTrack> tracks{t};
  Allocation a = allocate(tracks, budget(1'000'000));
  EXPECT_EQ(a.tracks[0].layer, 0);
  EXPECT_EQ(a.tracks[0].wanted_layer, 0);
  EXPECT_EQ(a.tracks[0].bitrate_bps, kAssumedLayerBps[0]);
  EXPECT_EQ(a.wanted_bps, kAssumedLayerBps[0]);
  a = allocate(tracks, budget(kAssumedLayerBps[0]));  // resuming needs the margin
  EXPECT_EQ(a.tracks[0].reason, PauseReason::Bandwidth);
}

TEST(Allocator, TrackWhosePublisherSendsNothingIsNotPausedAndTakesNoSlot) {
  std::vector<AllocationTrack> tracks{camera(1), camera(2)};
  tracks[0].pinned = true;
  for (auto& l : tracks[0].layers) l.active = false;
  AllocationSettings s = budget(100'000'000);
  s.last_n = 1;
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  EXPECT_EQ(a.tracks[0].layer, -1);
  EXPECT_EQ(a.tracks[0].reason, PauseReason::None);
  EXPECT_EQ(a.tracks[0].wanted_layer, -1);
  EXPECT_EQ(a.tracks[1].layer, 0);  // the slot went to the one that sends
  EXPECT_EQ(a.wanted_bps, kLow);
}

// --- Rule 5: layer bitrates ---

TEST(Allocator, LayerCostUsesMeasuredAboveTheFloorAndAssumesWhenUnknown) {
  std::vector<AllocationLayer> layers{{0, 180, true}, {20'000, 360, true}, {2'000'000, 720, true}};
  EXPECT_EQ(layer_cost_bps(layers, 0), kAssumedLayerBps[0]);  // not measured yet
  EXPECT_EQ(layer_cost_bps(layers, 1), kLayerFloorBps[1]);    // static picture: not free
  EXPECT_EQ(layer_cost_bps(layers, 2), 2'000'000U);           // measured
  EXPECT_EQ(layer_cost_bps({}, 0), kAssumedLayerBps[0]);
  EXPECT_EQ(layer_cost_bps(layers, 9), kAssumedLayerBps[2]);  // out of range: no crash
  // A track in one layer (no simulcast) has nothing to step down to: it costs what it measures,
  // above the lowest floor, whatever its height; unmeasured, the lowest assumed rate.
  const std::vector<AllocationLayer> single{{1, 720, true}};
  EXPECT_EQ(layer_cost_bps(single, 0), kLayerFloorBps[0]);
  EXPECT_EQ(layer_cost_bps({{0, 1080, true}}, 0), kAssumedLayerBps[0]);
  EXPECT_EQ(layer_cost_bps({{900'000, 1080, true}}, 0), 900'000U);
  const std::vector<AllocationLayer> unknown_height{
      {0, 0, true}, {0, 0, true}, {0, 0, true}, {0, 0, true}};
  EXPECT_EQ(layer_cost_bps(unknown_height, 3), kAssumedLayerBps[2]);
  EXPECT_EQ(layer_tier({0, 240, true}, 2), 0U);
  EXPECT_EQ(layer_tier({0, 241, true}, 0), 1U);
  EXPECT_EQ(layer_tier({0, 481, true}, 0), 2U);
}

TEST(Allocator, StaticPicturesAreNotFree) {
  // Twenty thumbnails all measuring ~0 (static pictures) do not all fit 600 kbps.
  std::vector<AllocationTrack> tracks;
  for (std::uint64_t k = 0; k < 20; ++k) {
    AllocationTrack t = camera(k);
    t.layers[0].bitrate_bps = 1'000;
    t.current_layer = 0;
    tracks.push_back(t);
  }
  const AllocationSettings s = budget(600'000);
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  int sent = 0;
  for (const auto& t : a.tracks) sent += t.layer >= 0 ? 1 : 0;
  EXPECT_EQ(sent, static_cast<int>(600'000 / kLayerFloorBps[0]));
}

TEST(Allocator, AHigherLayerNeverCountsAsLessThanTheOneBelow) {
  // The low layer measures high for a moment (a keyframe): going up must not look free.
  std::vector<AllocationTrack> tracks{camera(1, 360)};
  tracks[0].layers[0].bitrate_bps = 900'000;
  tracks[0].layers[1].bitrate_bps = 300'000;
  tracks[0].layers[1].active = true;
  Allocation a = allocate(tracks, budget(10'000'000));
  EXPECT_EQ(a.tracks[0].layer, 1);
  EXPECT_EQ(a.tracks[0].bitrate_bps, 900'000U);
  EXPECT_EQ(a.wanted_bps, 900'000U);
  // An inactive layer in between does not raise the ones above it.
  tracks[0].view_height = 720;
  tracks[0].layers[0].bitrate_bps = kLow;
  tracks[0].layers[1] = {3'000'000, 360, false};
  a = allocate(tracks, budget(10'000'000));
  EXPECT_EQ(a.tracks[0].layer, 2);
  EXPECT_EQ(a.tracks[0].bitrate_bps, kHigh);
}

// --- Rule 3: budget distribution ---

TEST(Allocator, WeakLinkGetsManyLowTilesRatherThanOneHd) {
  std::vector<AllocationTrack> tracks;
  for (std::uint64_t k = 0; k < 4; ++k) tracks.push_back(camera(k, 720));
  tracks[2].speaker = true;
  const AllocationSettings s = budget(1'000'000);
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  // All four at 180p (600k); the speaker goes to 360p (+350k, 950k with the margin 1.09M > 1M:
  // no), so everyone stays low.
  EXPECT_EQ(layers_of(a), (std::vector<int>{0, 0, 0, 0}));
  // With 1.2M the speaker gets the first step: 950k x 1.15 = 1.0925M fits.
  const Allocation b = allocate(tracks, budget(1'200'000));
  EXPECT_EQ(layers_of(b), (std::vector<int>{0, 0, 1, 0}));
  EXPECT_EQ(b.wanted_bps, 4 * kHigh);
}

TEST(Allocator, ScreenShareFirstThenSpeakerThenPinnedThenRank) {
  std::vector<AllocationTrack> tracks{camera(1, 720), camera(2, 720), camera(3, 720),
                                      camera(4, 720), screen(5)};
  tracks[0].speaker_rank = 0;
  tracks[1].pinned = true;
  tracks[2].speaker = true;
  // Budget for the screen (1M) and two camera base layers with the margin.
  const AllocationSettings s = budget(1'500'000);
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  EXPECT_EQ(a.tracks[4].layer, 0);  // the screen
  EXPECT_EQ(a.tracks[2].layer, 0);  // the speaker
  EXPECT_EQ(a.tracks[1].layer, 0);  // pinned
  EXPECT_EQ(a.tracks[0].reason, PauseReason::Bandwidth);
  EXPECT_EQ(a.tracks[3].reason, PauseReason::Bandwidth);
  EXPECT_EQ(a.tracks[0].wanted_layer, 2);  // still reported for probing
  EXPECT_EQ(a.wanted_bps, 1'000'000 + 4 * kHigh);
}

TEST(Allocator, UpgradesGoOneStepPerRoundInPriorityOrder) {
  std::vector<AllocationTrack> tracks{camera(1, 720), camera(2, 720)};
  tracks[1].speaker = true;
  // Base 300k; round 1: speaker to 360p (650k), other to 360p (1M); round 2: speaker to 720p
  // needs (1M - 500k + 1.5M) x 1.15 = 2.3M.
  Allocation a = allocate(tracks, budget(2'000'000));
  EXPECT_EQ(layers_of(a), (std::vector<int>{1, 1}));
  a = allocate(tracks, budget(2'300'000));
  EXPECT_EQ(layers_of(a), (std::vector<int>{1, 2}));
  // Between: the speaker's step came first, the other's did not fit after it.
  a = allocate(tracks, budget(800'000));  // 650k x 1.15 = 747.5k
  EXPECT_EQ(layers_of(a), (std::vector<int>{0, 1}));
}

TEST(Allocator, SmallerLowerPriorityTrackStillFitsWhenABigOneDoesNot) {
  std::vector<AllocationTrack> tracks{camera(1), screen(2)};
  tracks[1].layers[0].bitrate_bps = 3'000'000;
  const AllocationSettings s = budget(1'000'000);
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  EXPECT_EQ(a.tracks[1].reason, PauseReason::Bandwidth);
  EXPECT_EQ(a.tracks[0].layer, 0);
}

// --- Rule 4: hysteresis ---

TEST(Allocator, KeepingNeedsTheBitrateGoingUpOrResumingNeedsTheMargin) {
  std::vector<AllocationTrack> tracks{camera(1, 720)};
  const auto layer_at = [&tracks](int current, std::uint64_t bps) {
    tracks[0].current_layer = current;
    return allocate(tracks, budget(bps)).tracks[0].layer;
  };
  // Resume: 150k x 1.15.
  EXPECT_EQ(layer_at(-1, 172'499), -1);
  EXPECT_EQ(layer_at(-1, 172'500), 0);
  // Keep layer 0 down to its bitrate less the 10 % tolerance (150k / 1.1).
  EXPECT_EQ(layer_at(0, 136'364), 0);
  EXPECT_EQ(layer_at(0, 136'363), -1);
  // Up to 1: 500k x 1.15; keep 1 down to 500k.
  EXPECT_EQ(layer_at(0, 574'999), 0);
  EXPECT_EQ(layer_at(0, 575'000), 1);
  EXPECT_EQ(layer_at(1, 454'546), 1);
  EXPECT_EQ(layer_at(1, 454'545), 0);
  // Up to 2: 1.5M x 1.15; keep 2 down to 1.5M / 1.1, then one step down only.
  EXPECT_EQ(layer_at(1, 1'724'999), 1);
  EXPECT_EQ(layer_at(1, 1'725'000), 2);
  EXPECT_EQ(layer_at(2, 1'363'637), 2);
  EXPECT_EQ(layer_at(2, 1'363'636), 1);
  // Held layer 2 also keeps layer 1 without the margin.
  EXPECT_EQ(layer_at(2, 500'000), 1);
  // Resuming straight to a higher layer pays the margin on each step.
  EXPECT_EQ(layer_at(-1, 1'724'999), 1);
}

TEST(Allocator, MarginIsOnTheWholeAllocationSoTheLastTileDoesNotFlap) {
  // Four thumbnails: the fourth is kept while 600k fits the budget + 10 %, resumed only at 690k.
  std::vector<AllocationTrack> tracks;
  for (std::uint64_t k = 0; k < 4; ++k) tracks.push_back(camera(k));
  for (auto& t : tracks) t.current_layer = 0;
  EXPECT_EQ(allocate(tracks, budget(545'455)).tracks[3].layer, 0);
  EXPECT_EQ(allocate(tracks, budget(545'454)).tracks[3].layer, -1);
  tracks[3].current_layer = -1;
  EXPECT_EQ(allocate(tracks, budget(689'999)).tracks[3].layer, -1);
  EXPECT_EQ(allocate(tracks, budget(690'000)).tracks[3].layer, 0);
}

struct Oscillation {
  int changes = 0;       // rounds that changed any track's layer
  int late_changes = 0;  // of those, in the second half of the rounds
  int reversals = 0;     // a track going back toward a layer it left: flapping
};

// Runs `rounds` allocations with the budget alternating 5 % below and above `threshold`,
// feeding each result back as the caller will.
Oscillation oscillate(std::vector<AllocationTrack> tracks, std::uint64_t threshold, int rounds,
                      std::size_t last_n = 9) {
  Oscillation o;
  std::vector<int> previous;
  std::vector<int> direction(tracks.size(), 0);
  for (int round = 0; round < rounds; ++round) {
    AllocationSettings s = budget(round % 2 == 0 ? threshold * 95 / 100 : threshold * 105 / 100);
    s.last_n = last_n;
    const Allocation a = allocate(tracks, s);
    const std::vector<int> now = layers_of(a);
    if (round > 0 && now != previous) {
      ++o.changes;
      if (round >= rounds / 2) ++o.late_changes;
      for (std::size_t i = 0; i < now.size(); ++i) {
        if (now[i] == previous[i]) continue;
        const int d = now[i] > previous[i] ? 1 : -1;
        if (direction[i] != 0 && direction[i] != d) ++o.reversals;
        direction[i] = d;
      }
    }
    previous = now;
    feed_back(tracks, a);
  }
  return o;
}

TEST(Allocator, NoFlappingWhenTheBudgetOscillatesAroundASingleTrackThreshold) {
  const std::vector<std::uint64_t> thresholds{150'000, 172'500,   500'000,
                                              575'000, 1'500'000, 1'725'000};
  for (const std::uint64_t threshold : thresholds) {
    for (int start = -1; start <= 2; ++start) {
      std::vector<AllocationTrack> tracks{camera(1, 720)};
      tracks[0].current_layer = start;
      const Oscillation o = oscillate(tracks, threshold, 40);
      EXPECT_LE(o.changes, 1) << "threshold " << threshold << " start " << start;
    }
  }
}

TEST(Allocator, NoFlappingWhenTheBudgetOscillatesAroundAManyTileThreshold) {
  std::vector<AllocationTrack> tracks{screen(100)};
  for (std::uint64_t k = 0; k < 8; ++k) tracks.push_back(camera(k, k < 2 ? 400 : 180));
  tracks[1].speaker = true;
  // Sweep thresholds across the whole range, each starting from everything paused and from
  // everything at its top layer.
  for (std::uint64_t threshold = 100'000; threshold <= 5'000'000; threshold += 37'000) {
    for (const int start : {-1, 2}) {
      for (auto& t : tracks) t.current_layer = start;
      const Oscillation o = oscillate(tracks, threshold, 30);
      // Settling may take a step or two (a screen share resuming displaces cameras), but no
      // track ever goes back, and nothing moves once settled.
      EXPECT_EQ(o.reversals, 0) << "threshold " << threshold << " start " << start;
      EXPECT_EQ(o.late_changes, 0) << "threshold " << threshold << " start " << start;
    }
  }
}

TEST(Allocator, NoFlappingOnRandomRooms) {
  std::mt19937 rng(12345);  // fixed: the test is deterministic
  std::uniform_int_distribution<int> coin(0, 1);
  std::uniform_int_distribution<int> count(1, 12);
  std::uniform_int_distribution<std::uint64_t> bps(20'000, 2'500'000);
  std::uniform_int_distribution<std::uint32_t> view(0, 1200);
  for (int room = 0; room < 300; ++room) {
    std::vector<AllocationTrack> tracks;
    const int n = count(rng);
    for (int i = 0; i < n; ++i) {
      AllocationTrack t = camera(static_cast<std::uint64_t>(i), view(rng));
      t.screen = i == 0 && coin(rng) == 1;
      t.speaker = i == 1;
      t.speaker_rank = coin(rng) == 1 ? i : INT_MAX;
      for (auto& l : t.layers) {
        l.bitrate_bps = coin(rng) == 1 ? bps(rng) : 0;
        l.active = coin(rng) == 1 || coin(rng) == 1;
      }
      tracks.push_back(t);
    }
    const std::uint64_t threshold = bps(rng) * 3;
    AllocationSettings s = budget(threshold);
    s.last_n = 6;
    expect_consistent(tracks, s, allocate(tracks, s));
    for (int start = -1; start <= 2; ++start) {
      // Settle at the threshold first, as a room does before its estimate starts to wobble.
      for (auto& t : tracks) t.current_layer = start;
      for (int round = 0; round < 3; ++round) feed_back(tracks, allocate(tracks, s));
      const Oscillation o = oscillate(tracks, threshold, 30, s.last_n);
      EXPECT_EQ(o.reversals, 0) << "room " << room << " start " << start;
      EXPECT_EQ(o.late_changes, 0) << "room " << room << " start " << start;
    }
  }
}

// --- Combinations ---

TEST(Allocator, AllRulesTogether) {
  std::vector<AllocationTrack> tracks{
      camera(10, 720),  // speaker, big tile
      camera(11, 0),    // hidden
      camera(12),       // never spoke: beyond last-N
      camera(13),       // rank 0
      screen(14),       // screen share
      camera(15, 360),  // pinned
  };
  tracks[0].speaker = true;
  tracks[3].speaker_rank = 0;
  tracks[5].pinned = true;
  AllocationSettings s = budget(2'600'000);
  s.last_n = 3;
  s.max_camera_layer = 1;
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  EXPECT_EQ(a.tracks[1].reason, PauseReason::Hidden);
  EXPECT_EQ(a.tracks[2].reason, PauseReason::LastN);
  EXPECT_EQ(a.tracks[4].layer, 0);  // screen 1M
  // Bases: 1M + 3 x 150k = 1.45M; the speaker to 360p (capped at 1): 1.8M x 1.15 = 2.07M;
  // the pinned 360p tile to 360p: 2.15M x 1.15 = 2.47M fits 2.6M.
  EXPECT_EQ(a.tracks[0].layer, 1);
  EXPECT_EQ(a.tracks[0].wanted_layer, 1);
  EXPECT_EQ(a.tracks[5].layer, 1);
  EXPECT_EQ(a.tracks[3].layer, 0);
  EXPECT_EQ(a.allocated_bps, 1'000'000 + 2 * kMid + kLow);
  EXPECT_EQ(a.wanted_bps, 1'000'000 + 2 * kMid + kLow);
}

TEST(Allocator, ZeroBudgetPausesEverySentTrackForBandwidth) {
  std::vector<AllocationTrack> tracks{camera(1), screen(2), camera(3, 0)};
  tracks[0].current_layer = 0;
  const AllocationSettings s = budget(0);
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  EXPECT_EQ(a.tracks[0].reason, PauseReason::Bandwidth);
  EXPECT_EQ(a.tracks[1].reason, PauseReason::Bandwidth);
  EXPECT_EQ(a.tracks[2].reason, PauseReason::Hidden);
  EXPECT_EQ(a.wanted_bps, kLow + 1'000'000);
}

// --- Odd input ---

TEST(Allocator, EmptyInput) {
  const Allocation a = allocate({}, budget(1'000'000));
  EXPECT_TRUE(a.tracks.empty());
  EXPECT_EQ(a.allocated_bps, 0U);
  EXPECT_EQ(a.wanted_bps, 0U);
}

TEST(Allocator, OddInputDoesNotCrash) {
  std::vector<AllocationTrack> tracks{camera(1, 720), camera(2, 720), camera(3), camera(4)};
  tracks[0].current_layer = 57;  // out of range: treated as paused
  tracks[1].current_layer = -9;
  tracks[2].speaker_rank = -5;  // negative ranks sort first
  tracks[3].layers.clear();
  tracks[3].current_layer = 3;
  AllocationSettings s = budget(100'000'000);
  s.max_camera_layer = -3;  // below 0 counts as 0
  s.last_n = std::numeric_limits<std::size_t>::max();
  Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  for (const auto& t : a.tracks) EXPECT_EQ(t.layer, 0);

  // Out-of-range current layer needs the resume margin, like a paused track.
  std::vector<AllocationTrack> one{camera(1)};
  one[0].current_layer = 5;
  EXPECT_EQ(allocate(one, budget(kLow)).tracks[0].layer, -1);

  // Negative rank outranks rank 0 for last-N.
  std::vector<AllocationTrack> ranks{camera(1), camera(2)};
  ranks[0].speaker_rank = 0;
  ranks[1].speaker_rank = -1;
  s = budget(100'000'000);
  s.last_n = 1;
  a = allocate(ranks, s);
  EXPECT_EQ(a.tracks[0].reason, PauseReason::LastN);
  EXPECT_EQ(a.tracks[1].layer, 0);
}

TEST(Allocator, HugeBitratesSaturateInsteadOfWrapping) {
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  std::vector<AllocationTrack> tracks{camera(1, 720), camera(2, 720)};
  tracks[0].layers[2].bitrate_bps = max;
  tracks[1].layers[2].bitrate_bps = max - 1;
  AllocationSettings s = budget(max);
  const Allocation a = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  EXPECT_EQ(a.wanted_bps, max);
  EXPECT_EQ(a.tracks[0].layer, 1);  // 720p cannot fit with the margin
  EXPECT_EQ(a.tracks[1].layer, 1);
}

TEST(Allocator, DeterministicAndInInputOrder) {
  std::vector<AllocationTrack> tracks;
  for (std::uint64_t k = 0; k < 10; ++k) tracks.push_back(camera(100 - k, 180 + 60 * k));
  tracks[4].speaker = true;
  tracks.push_back(screen(5));
  const AllocationSettings s = budget(3'000'000);
  const Allocation a = allocate(tracks, s);
  const Allocation b = allocate(tracks, s);
  expect_consistent(tracks, s, a);
  ASSERT_EQ(a.tracks.size(), b.tracks.size());
  for (std::size_t i = 0; i < a.tracks.size(); ++i) {
    EXPECT_EQ(a.tracks[i].key, tracks[i].key);
    EXPECT_EQ(a.tracks[i].layer, b.tracks[i].layer);
    EXPECT_EQ(a.tracks[i].reason, b.tracks[i].reason);
    EXPECT_EQ(a.tracks[i].wanted_layer, b.tracks[i].wanted_layer);
  }
  EXPECT_EQ(a.allocated_bps, b.allocated_bps);
}

TEST(Allocator, AShortDipKeepsTheLowestLayerAWhileADeepOnePausesAtOnce) {
  // 150 kbit/s low layer; 60 % of it is 90 kbit/s.
  EXPECT_TRUE(hold_lowest_layer(0, 120'000, 150'000));                // just short: held
  EXPECT_TRUE(hold_lowest_layer(kPauseHoldMs - 1, 90'000, 150'000));  // at the floor, in time
  EXPECT_FALSE(hold_lowest_layer(kPauseHoldMs, 140'000, 150'000));    // short for too long
  EXPECT_FALSE(hold_lowest_layer(0, 89'999, 150'000));  // a deep drop (60 kbit/s link)
  EXPECT_FALSE(hold_lowest_layer(0, 0, 150'000));
  EXPECT_FALSE(hold_lowest_layer(-1, 200'000, 150'000));       // never short: nothing to hold
  EXPECT_TRUE(hold_lowest_layer(10, UINT64_MAX, UINT64_MAX));  // no overflow
  EXPECT_TRUE(hold_lowest_layer(10, 0, 0));
}

}  // namespace
}  // namespace bailanys::sfu
