// The bandwidth estimator's pieces on their own: send history, acknowledged bitrate,
// trendline detector, AIMD, loss bound, probe controller and probe measurement.
#include <gtest/gtest.h>

#include <vector>

#include "sfu/bwe/acked_bitrate.hpp"
#include "sfu/bwe/delay_based.hpp"
#include "sfu/bwe/loss_based.hpp"
#include "sfu/bwe/probe_controller.hpp"
#include "sfu/bwe/send_history.hpp"

namespace bailanys::sfu::bwe {
namespace {

constexpr TimeUs kMs = 1000;
using Feedback = rtc::rtcp::TransportFeedback;

TEST(SendHistory, MatchesFeedbackAcrossTheWrapWithArrivalTimes) {
  SendHistory h(2'000'000, 8192);
  for (std::uint32_t i = 0; i < 10; ++i) {
    h.on_packet_sent(static_cast<std::uint16_t>(65'530 + i), 100 + i, i * 10 * kMs, i == 3 ? 7 : -1);
  }
  Feedback fb;
  fb.base_sequence = 65'530;
  fb.reference_time_64ms = 8'388'607;  // wraps in the next feedback
  for (std::uint32_t i = 0; i < 10; ++i) {
    fb.packets.push_back({static_cast<std::uint16_t>(65'530 + i), i != 5, 10'000});
  }
  const auto results = h.on_feedback(fb);
  ASSERT_EQ(results.size(), 10U);
  EXPECT_EQ(results[3].probe_cluster, 7);
  EXPECT_EQ(results[3].bytes, 103U);
  EXPECT_FALSE(results[5].received);
  EXPECT_EQ(results[9].arrival_us - results[0].arrival_us, 80'000);  // 9 deltas, one lost
  EXPECT_EQ(results[9].sequence - results[0].sequence, 9);
  // Duplicate: nothing new. Late arrival of the lost one: reported once more.
  EXPECT_TRUE(h.on_feedback(fb).empty());
  Feedback late;
  late.base_sequence = 65'535;
  late.reference_time_64ms = -8'388'608;  // one step after 8'388'607 modulo 2^24
  late.packets = {{65'535, true, 0}};
  const auto again = h.on_feedback(late);
  ASSERT_EQ(again.size(), 1U);
  EXPECT_TRUE(again[0].received);
  EXPECT_EQ(again[0].arrival_us - results[0].arrival_us, 64'000 - 10'000);
  EXPECT_EQ(h.stats().late, 1U);
}

TEST(SendHistory, BoundedByAgeAndCount) {
  SendHistory h(1'000'000, 100);
  for (std::uint32_t i = 0; i < 1000; ++i) h.on_packet_sent(static_cast<std::uint16_t>(i), 1000, i * kMs, -1);
  EXPECT_LE(h.size(), 100U);
  SendHistory aged(50'000, 8192);
  for (std::uint32_t i = 0; i < 1000; ++i) aged.on_packet_sent(static_cast<std::uint16_t>(i), 1000, i * kMs, -1);
  EXPECT_LE(aged.size(), 51U);
  Feedback old;
  old.base_sequence = 10;
  old.packets = {{10, true, 0}};
  EXPECT_TRUE(aged.on_feedback(old).empty());
  EXPECT_EQ(aged.stats().unknown, 1U);
}

TEST(AckedBitrate, MeasuresTheWindowAndNeedsAMinimumSpan) {
  AckedBitrate acked(500'000, 150'000);
  acked.on_packet(0, 1000);
  acked.on_packet(100 * kMs, 1000);
  EXPECT_FALSE(acked.bps().has_value());
  for (TimeUs t = 110 * kMs; t <= 2000 * kMs; t += 10 * kMs) acked.on_packet(t, 1000);
  ASSERT_TRUE(acked.bps().has_value());
  EXPECT_NEAR(static_cast<double>(*acked.bps()), 800'000, 20'000);  // 1000 B per 10 ms
}

TEST(TrendlineDetector, GrowingQueueIsOverusingSteadyIsNormal) {
  DelayBasedConfig config;
  TrendlineDetector steady(config);
  TrendlineDetector growing(config);
  TimeUs t = 0;
  for (int i = 0; i < 100; ++i) {
    t += 10 * kMs;
    steady.update({10 * kMs, 10 * kMs + (i % 2 == 0 ? 500 : -500)}, t);
    growing.update({10 * kMs, 12 * kMs}, t);
  }
  EXPECT_EQ(steady.state(), DelayState::Normal);
  EXPECT_EQ(growing.state(), DelayState::Overusing);
  TrendlineDetector draining(config);
  for (int i = 0; i < 100; ++i) draining.update({10 * kMs, 8 * kMs}, i * 10 * kMs);
  EXPECT_EQ(draining.state(), DelayState::Underusing);
}

TEST(InterArrival, GroupsFiveMillisecondBursts) {
  InterArrival ia(5 * kMs);
  int deltas = 0;
  for (int group = 0; group < 5; ++group) {
    for (int i = 0; i < 3; ++i) {
      const TimeUs send = group * 20 * kMs + i * kMs;
      if (ia.on_packet(send, send + 30 * kMs)) ++deltas;
    }
  }
  EXPECT_EQ(deltas, 3);  // groups 1..4 close 0..3; the first has no predecessor
}

TEST(AimdRateControl, DecreasesToBetaTimesAckedThenIncreases) {
  DelayBasedConfig config;
  AimdRateControl aimd(config);
  aimd.update(DelayState::Overusing, 500'000, 0);
  EXPECT_EQ(aimd.estimate(), 425'000U);
  EXPECT_TRUE(aimd.capacity().known());
  aimd.update(DelayState::Normal, 425'000, 100 * kMs);  // hold -> increase
  const auto before = aimd.estimate();
  aimd.update(DelayState::Normal, 425'000, 600 * kMs);
  EXPECT_GT(aimd.estimate(), before);
  EXPECT_LT(aimd.estimate(), before + 20'000);  // additive near the known capacity
  // Far above the capacity seen: multiplicative again (~8 %/s).
  AimdRateControl fresh(config);
  fresh.update(DelayState::Normal, 1'000'000, 0);
  fresh.update(DelayState::Normal, 1'000'000, 1'000'000);
  EXPECT_NEAR(static_cast<double>(fresh.estimate()), 1'080'000, 2000);
  // Application-limited: no increase beyond 1.5 x acked + 10 kbit/s.
  AimdRateControl limited(config);
  for (TimeUs t = 0; t < 10'000'000; t += 100 * kMs) limited.update(DelayState::Normal, 40'000, t);
  EXPECT_EQ(limited.estimate(), 1'000'000U);
}

std::vector<PacketResult> results(std::size_t received, std::size_t lost, TimeUs sent) {
  std::vector<PacketResult> out;
  for (std::size_t i = 0; i < received + lost; ++i) {
    out.push_back({.sequence = static_cast<std::int64_t>(i), .send_us = sent, .received = i < received});
  }
  return out;
}

TEST(LossBased, ReactsAboveTenPercentOnlyAndGrowsBelowTwo) {
  LossBasedConfig config;
  LossBased loss(config);
  loss.on_feedback(results(190, 10, 0), 0);  // 5 %: hold
  EXPECT_EQ(loss.update(1'000'000, 50 * kMs, 0), config.max_bps);
  LossBased heavy(config);
  heavy.on_feedback(results(160, 40, 0), 100 * kMs);  // 20 %
  EXPECT_EQ(heavy.update(1'000'000, 50 * kMs, 100 * kMs), 900'000U);
  // The same loss reported again for packets sent before the decrease: no second cut.
  heavy.on_feedback(results(160, 40, 0), 500 * kMs);
  EXPECT_EQ(heavy.update(1'000'000, 50 * kMs, 500 * kMs), 900'000U);
  heavy.on_feedback(results(200, 0, 600 * kMs), 1'000 * kMs);
  EXPECT_GT(heavy.update(1'000'000, 50 * kMs, 2'000 * kMs), 900'000U);
}

TEST(ProbeController, InitialThenDoublingOnSuccessAndBackoffOnFailure) {
  ProbeConfig config;
  ProbeController pc(config);
  auto first = pc.probe(0, 1'000'000, 10'000'000, false);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->target_bps, 3'000'000U);
  EXPECT_EQ(first->bytes, 3'000'000U * 100 / 8000);  // 100 ms of it
  EXPECT_FALSE(pc.probe(10 * kMs, 1'000'000, 10'000'000, false).has_value());  // in flight
  pc.on_outcome(first->id, true, 100 * kMs);
  auto second = pc.probe(100 * kMs, 3'000'000, 10'000'000, false);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->target_bps, 6'000'000U);
  pc.on_outcome(second->id, false, 200 * kMs);
  EXPECT_FALSE(pc.probe(1'000 * kMs, 3'000'000, 10'000'000, false).has_value());
  EXPECT_FALSE(pc.probe(2'000 * kMs, 3'000'000, 10'000'000, true).has_value());  // overusing
  auto third = pc.probe(2'000 * kMs, 3'000'000, 10'000'000, false);
  ASSERT_TRUE(third.has_value());
  // A second failure in a row waits twice as long (3 s), a third is capped at 4 s.
  pc.on_outcome(third->id, false, 2'100 * kMs);
  EXPECT_FALSE(pc.probe(5'000 * kMs, 3'000'000, 10'000'000, false).has_value());
  auto fourth = pc.probe(5'100 * kMs, 3'000'000, 10'000'000, false);
  ASSERT_TRUE(fourth.has_value());
  pc.on_outcome(fourth->id, false, 5'200 * kMs);
  EXPECT_FALSE(pc.probe(9'100 * kMs, 3'000'000, 10'000'000, false).has_value());
  EXPECT_TRUE(pc.probe(9'200 * kMs, 3'000'000, 10'000'000, false).has_value());
  // Nothing (much) wanted beyond the estimate: no probe.
  ProbeController idle(config);
  EXPECT_FALSE(idle.probe(0, 1'000'000, 1'040'000, false).has_value());
  // A little more wanted: a probe at min_gain above the estimate, so its result can show room.
  ProbeController near(config);
  const auto small = near.probe(0, 1'000'000, 1'100'000, false);
  ASSERT_TRUE(small.has_value());
  EXPECT_EQ(small->target_bps, 1'200'000U);
}

TEST(ProbeResults, MeasuresTheReceiveRateOfACluster) {
  ProbeConfig config;
  ProbeResults pr(config);
  const ProbeCluster cluster{.id = 4, .target_bps = 2'000'000, .duration_us = 15'000,
                             .min_packets = 5, .bytes = 3750};
  pr.add(cluster, 0);
  std::vector<PacketResult> rs;
  for (int i = 0; i < 5; ++i) {
    pr.on_packet_sent(4, 750);
    // Sent at 2 Mbit/s (3 ms apart), received at 1 Mbit/s (6 ms apart): a 1 Mbit/s link.
    rs.push_back({.sequence = i, .send_us = i * 3 * kMs, .arrival_us = i * 6 * kMs, .bytes = 750,
                  .probe_cluster = 4, .received = true});
  }
  const auto out = pr.on_results(rs);
  ASSERT_EQ(out.size(), 1U);
  ASSERT_TRUE(out[0].bps.has_value());
  EXPECT_NEAR(static_cast<double>(*out[0].bps), 0.95 * 1'000'000, 10'000);
  // Too few packets arrived: no measurement.
  pr.add({.id = 5, .target_bps = 2'000'000, .duration_us = 15'000, .min_packets = 5, .bytes = 3750}, 0);
  for (int i = 0; i < 5; ++i) pr.on_packet_sent(5, 750);
  std::vector<PacketResult> few;
  for (int i = 0; i < 5; ++i) {
    few.push_back({.sequence = 10 + i, .send_us = i * 3 * kMs, .arrival_us = i * 3 * kMs,
                   .bytes = 750, .probe_cluster = 5, .received = i < 2});
  }
  const auto none = pr.on_results(few);
  ASSERT_EQ(none.size(), 1U);
  EXPECT_FALSE(none[0].bps.has_value());
}

}  // namespace
}  // namespace bailanys::sfu::bwe
