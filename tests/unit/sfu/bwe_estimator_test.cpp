// The send-side bandwidth estimator against a simulated bottleneck (bwe_link_sim.hpp): the
// browser-test scenarios with injected time, plus garbage feedback.
#include "sfu/bwe/bandwidth_estimator.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "bwe_link_sim.hpp"

namespace bailanys::sfu::bwe {
namespace {

using sim::kMs;
using sim::kSec;
using sim::LinkConfig;
using sim::LinkSim;
using sim::VideoPolicy;
using Feedback = rtc::rtcp::TransportFeedback;

void report(const char* name, const LinkSim& s, TimeUs step = 500 * kMs) {
  if (std::getenv("BWE_TRACE") != nullptr) {
    for (const auto& x : s.samples()) {
      std::printf("%s t=%lld bps=%llu delay=%llu loss=%llu acked=%llu lf=%.3f st=%d probing=%d\n", name,
                  static_cast<long long>(x.at / kMs),
                  static_cast<unsigned long long>(x.estimate.bps / 1000),
                  static_cast<unsigned long long>(x.estimate.delay_based_bps / 1000),
                  static_cast<unsigned long long>(x.estimate.loss_based_bps / 1000),
                  static_cast<unsigned long long>(x.estimate.acked_bps / 1000), x.estimate.loss_fraction,
                  static_cast<int>(x.estimate.delay), x.estimate.probing ? 1 : 0);
    }
  }
  std::printf("[%s]", name);
  for (const auto& sample : s.samples()) {
    if (sample.at % step == 0) {
      std::printf(" %lld:%llu", static_cast<long long>(sample.at / kMs),
                  static_cast<unsigned long long>(sample.estimate.bps / 1000));
    }
  }
  std::printf("\n");
}

// 1. 300 kbit/s link, start 1 Mbit/s, video at min(estimate, 2.5 Mbit/s) + audio on top.
// The 48 kbit/s of audio beyond the estimate is taken off each decrease, so the estimate
// settles a little lower here (about 0.85 x 300 - 48 at the bottom of its sawtooth).
TEST(BandwidthEstimatorSim, ConvergesTo300kLinkWithin3sAndStays) {
  LinkSim s({.capacity_bps = 300'000}, {});
  s.run_until(30 * kSec);
  report("300k", s);
  const auto settled = s.settled_in(180'000, 330'000, 0);
  ASSERT_TRUE(settled.has_value());
  std::printf("settled at %lld ms\n", static_cast<long long>(*settled / kMs));
  EXPECT_LE(*settled, 3 * kSec);
  EXPECT_GE(s.min_between(3 * kSec, 30 * kSec), 150'000U);
}

// The same link, the sender sharing the estimate between audio and video as the allocator does.
TEST(BandwidthEstimatorSim, ConvergesTo300kWhenAudioIsInsideTheEstimate) {
  LinkSim s({.capacity_bps = 300'000, .video = VideoPolicy::ShareEstimate}, {});
  s.run_until(30 * kSec);
  report("300k-share", s);
  const auto settled = s.settled_in(200'000, 330'000, 0);
  ASSERT_TRUE(settled.has_value());
  std::printf("settled at %lld ms\n", static_cast<long long>(*settled / kMs));
  EXPECT_LE(*settled, 3 * kSec);
  EXPECT_GE(s.min_between(3 * kSec, 30 * kSec), 150'000U);
}

// 2. 60 kbit/s: under 100 kbit/s within 3 s, so video pauses and audio stays.
TEST(BandwidthEstimatorSim, FallsBelow100kOn60kLinkWithin3s) {
  for (const VideoPolicy policy : {VideoPolicy::OnTop, VideoPolicy::ShareEstimate}) {
    LinkSim s({.capacity_bps = 60'000, .video = policy}, {});
    s.run_until(20 * kSec);
    report("60k", s);
    const auto below = s.settled_in(30'000, 99'999, 0);
    ASSERT_TRUE(below.has_value());
    std::printf("below 100k for good at %lld ms\n", static_cast<long long>(*below / kMs));
    EXPECT_LE(*below, 3 * kSec);
  }
}

// 3. From 60 kbit/s to unconstrained with an audio-only sender: only probes can climb.
TEST(BandwidthEstimatorSim, ProbesRecoverAbove2MbpsWithin8sWhileAudioOnly) {
  for (const TimeUs feedback_interval : {50 * kMs, 100 * kMs, 250 * kMs}) {
    LinkSim s({.capacity_bps = 60'000,
               .feedback_interval_us = feedback_interval,
               .video = VideoPolicy::ShareEstimate},
              {});
    s.run_until(15 * kSec);
    ASSERT_LT(s.bwe().estimate().bps, 100'000U);
    s.set_video(VideoPolicy::AudioOnly);
    s.set_capacity(50'000'000);
    const TimeUs freed = s.now();
    s.run_until(freed + 12 * kSec);
    report("recovery", s);
    const auto above = s.first_time(freed, [](std::uint64_t bps) { return bps > 2'000'000; });
    ASSERT_TRUE(above.has_value()) << "feedback every " << feedback_interval / kMs << " ms";
    std::printf("feedback %lld ms: above 2 Mbit/s %lld ms after the link was freed\n",
                static_cast<long long>(feedback_interval / kMs),
                static_cast<long long>((*above - freed) / kMs));
    EXPECT_LE(*above - freed, 8 * kSec);
    // And it holds there: nothing brings an unloaded link's estimate back down.
    EXPECT_GT(s.min_between(*above + 1 * kSec, s.now()), 1'500'000U);
  }
}

// 4. 5 % random loss on an unconstrained link, NACK retransmissions as normal traffic.
TEST(BandwidthEstimatorSim, FivePercentRandomLossDoesNotPullTheEstimateDown) {
  LinkSim s({.capacity_bps = 50'000'000, .loss = 0.05, .nack = true, .seed = 7}, {});
  s.run_until(30 * kSec);
  report("5%loss", s);
  EXPECT_GT(s.retransmissions(), 100U);
  EXPECT_NEAR(s.bwe().estimate().loss_fraction, 0.05, 0.03);
  EXPECT_GE(s.min_between(5 * kSec, 30 * kSec), 2'500'000U);
  EXPECT_EQ(s.bwe().estimate().loss_based_bps, BandwidthEstimatorConfig{}.max_bps);
}

// Heavy loss (25 %) does pull it down: the loss-based bound reacts above 10 %.
TEST(BandwidthEstimatorSim, TwentyFivePercentLossDecreasesTheEstimate) {
  LinkSim s({.capacity_bps = 50'000'000, .loss = 0.25, .seed = 3}, {});
  s.run_until(10 * kSec);
  report("25%loss", s);
  EXPECT_LT(s.bwe().estimate().bps, 1'000'000U);
  EXPECT_LT(s.bwe().estimate().loss_based_bps, 1'000'000U);
}

// A link that drops from 2 Mbit/s to 500 kbit/s mid-call follows it down.
TEST(BandwidthEstimatorSim, FollowsACapacityDrop) {
  LinkSim s({.capacity_bps = 2'000'000}, {});
  s.run_until(15 * kSec);
  EXPECT_GT(s.bwe().estimate().bps, 1'400'000U);
  s.set_capacity(500'000);
  s.run_until(30 * kSec);
  report("2M->500k", s);
  const auto settled = s.settled_in(300'000, 560'000, 15 * kSec);
  ASSERT_TRUE(settled.has_value());
  EXPECT_LE(*settled - 15 * kSec, 3 * kSec);
}

// Feedback stops while we keep sending: the estimate goes down step by step.
TEST(BandwidthEstimatorSim, NoFeedbackScalesDownEverySecond) {
  BandwidthEstimator bwe;
  TimeUs t = 0;
  std::uint16_t seq = 0;
  // One feedback first: this receiver does answer (see below for one that never does).
  bwe.on_packet_sent(seq++, 1200, t);
  rtc::rtcp::TransportFeedback first;
  first.base_sequence = 0;
  first.packets = {{0, true, 0}};
  bwe.on_feedback(first, 10 * kMs);
  for (t = 10 * kMs; t < 5 * kSec + 10 * kMs; t += 10 * kMs) {
    bwe.on_packet_sent(seq++, 1200, t);
    if (t % (50 * kMs) == 0) bwe.on_timer(t);
  }
  EXPECT_EQ(bwe.stats().feedback_timeouts, 4U);
  EXPECT_NEAR(static_cast<double>(bwe.estimate().bps), 1e6 * 0.8 * 0.8 * 0.8 * 0.8, 1000);
  // Nothing sent: no feedback is owed, so no more cuts.
  const auto before = bwe.estimate().bps;
  BandwidthEstimator quiet;
  for (TimeUs q = 0; q < 5 * kSec; q += 50 * kMs) quiet.on_timer(q);
  EXPECT_EQ(quiet.estimate().bps, 1'000'000U);
  EXPECT_GT(before, 0U);
  // A receiver that negotiated transport-cc but never sends feedback keeps the start estimate.
  BandwidthEstimator silent;
  std::uint16_t n = 0;
  for (TimeUs q = 0; q < 5 * kSec; q += 10 * kMs) {
    silent.on_packet_sent(n++, 1200, q);
    if (q % (50 * kMs) == 0) silent.on_timer(q);
  }
  EXPECT_EQ(silent.stats().feedback_timeouts, 0U);
  EXPECT_EQ(silent.estimate().bps, 1'000'000U);
}

// 5. Garbage in, estimate stays in range, nothing crashes.
TEST(BandwidthEstimatorGarbage, UnknownDuplicateReorderedWrappedAndHugeDeltas) {
  BandwidthEstimatorConfig config;
  BandwidthEstimator bwe(config);
  // Feedback before anything was sent.
  Feedback fb;
  fb.base_sequence = 5;
  fb.packets = {{5, true, 250}, {6, false, 0}, {7, true, -8'192'000}};
  bwe.on_feedback(fb, 0);
  // Sent around the wrap.
  TimeUs t = 0;
  for (std::uint32_t i = 0; i < 200; ++i) {
    bwe.on_packet_sent(static_cast<std::uint16_t>(65'500 + i), 1200, t);
    t += 5 * kMs;
  }
  Feedback good;
  good.base_sequence = 65'500;
  good.reference_time_64ms = 100;
  for (std::uint32_t i = 0; i < 200; ++i) {
    good.packets.push_back({static_cast<std::uint16_t>(65'500 + i), i % 10 != 3, 5000});
  }
  bwe.on_feedback(good, t + 30 * kMs);
  bwe.on_feedback(good, t + 31 * kMs);  // duplicate
  EXPECT_GT(bwe.history_stats().duplicates, 0U);
  // Unknown (far future) and too old (sent long ago, evicted).
  Feedback unknown;
  unknown.base_sequence = 30'000;
  unknown.packets = {{30'000, true, 0}, {30'001, true, 1'000'000'000'000}};
  bwe.on_feedback(unknown, t + 40 * kMs);
  EXPECT_GE(bwe.history_stats().unknown, 2U);
  // Huge deltas, reference time at the edges of 24 bits, empty feedback.
  for (std::uint32_t i = 0; i < 50; ++i) {
    bwe.on_packet_sent(static_cast<std::uint16_t>(65'500 + 200 + i), 1200, t);
    t += 5 * kMs;
  }
  Feedback huge;
  huge.base_sequence = static_cast<std::uint16_t>(65'500 + 200);
  huge.reference_time_64ms = -8'388'608;
  for (std::uint32_t i = 0; i < 50; ++i) {
    const std::int64_t delta = (i % 2 == 0 ? 1 : -1) * (std::int64_t{1} << 62);
    huge.packets.push_back({static_cast<std::uint16_t>(65'700 + i), true, delta});
  }
  bwe.on_feedback(huge, t);
  bwe.on_feedback(Feedback{}, t);
  const auto e = bwe.estimate();
  EXPECT_GE(e.bps, config.min_bps);
  EXPECT_LE(e.bps, config.max_bps);
}

TEST(BandwidthEstimatorGarbage, RandomFeedbackNeverLeavesTheRange) {
  std::mt19937 rng(42);
  BandwidthEstimatorConfig config{.start_bps = 500'000, .min_bps = 50'000, .max_bps = 5'000'000};
  BandwidthEstimator bwe(config);
  TimeUs t = 0;
  std::uint16_t seq = 65'000;
  for (int round = 0; round < 3000; ++round) {
    for (int i = 0; i < 5; ++i) {
      bwe.on_packet_sent(seq++, rng() % 1500, t, static_cast<int>(rng() % 4) - 2);
    }
    Feedback fb;
    fb.base_sequence = static_cast<std::uint16_t>(seq - rng() % 300);
    fb.reference_time_64ms = static_cast<std::int32_t>(rng() % (1U << 24)) - (1 << 23);
    const std::size_t n = rng() % 40;
    for (std::size_t i = 0; i < n; ++i) {
      fb.packets.push_back({static_cast<std::uint16_t>(fb.base_sequence + i), rng() % 3 != 0,
                            static_cast<std::int64_t>(rng() % 2'000'000) - 1'000'000});
    }
    bwe.on_feedback(fb, t);
    if (round % 7 == 0) bwe.on_rtt(static_cast<TimeUs>(rng() % 3'000'000) - 1000, t);
    bwe.on_timer(t);
    if (auto cluster = bwe.probe(t, rng() % 10'000'000)) {
      for (std::size_t i = 0; i < cluster->min_packets; ++i) {
        bwe.on_packet_sent(seq++, cluster->bytes / cluster->min_packets, t, cluster->id);
      }
    }
    t += static_cast<TimeUs>(rng() % 60'000);
    const auto e = bwe.estimate();
    ASSERT_GE(e.bps, config.min_bps);
    ASSERT_LE(e.bps, config.max_bps);
    ASSERT_GE(e.loss_fraction, 0.0);
    ASSERT_LE(e.loss_fraction, 1.0);
  }
}

TEST(BandwidthEstimatorGarbage, InconsistentConfigIsRepaired) {
  BandwidthEstimator bwe({.start_bps = 0, .min_bps = 500'000, .max_bps = 100});
  EXPECT_EQ(bwe.estimate().bps, 500'000U);
}

}  // namespace
}  // namespace bailanys::sfu::bwe
