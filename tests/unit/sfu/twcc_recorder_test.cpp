// Transport-wide congestion control feedback from the receiver's side,
// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1, checked through our RTCP parser.
#include "sfu/bwe/twcc_recorder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <random>
#include <vector>

#include "rtc/rtcp/rtcp_packets.hpp"

namespace bailanys::sfu::bwe {
namespace {

namespace rtcp = rtc::rtcp;
using Feedback = rtcp::TransportFeedback;
using Bytes = std::vector<std::uint8_t>;

constexpr std::int64_t kMs = 1000;

Bytes serialize(const Feedback& fb) {
  const rtcp::RtcpPacket packet = fb;
  return rtcp::serialize_rtcp({&packet, 1});
}

// Serializes and parses back with the rtcp module; the result must equal what was built.
Feedback round_trip(const Feedback& fb) {
  const Bytes bytes = serialize(fb);
  EXPECT_FALSE(bytes.empty());
  const auto parsed = rtcp::parse_rtcp(bytes);
  EXPECT_TRUE(parsed && parsed->size() == 1);
  if (!parsed || parsed->size() != 1) return {};
  const auto& back = std::get<Feedback>(parsed->front());
  EXPECT_EQ(back, fb);
  return back;
}

// What the sender learns: the arrival time of each received sequence number, from the
// reference time plus the running sum of deltas (later feedback overrides earlier).
std::map<std::uint16_t, std::int64_t> arrivals_from(const std::vector<Feedback>& feedbacks) {
  std::map<std::uint16_t, std::int64_t> out;
  for (const auto& sent : feedbacks) {
    const Feedback fb = round_trip(sent);
    std::int64_t t = std::int64_t{fb.reference_time_64ms} * 64 * kMs;
    for (const auto& p : fb.packets) {
      if (!p.received) continue;
      t += p.delta_us;
      out[p.sequence] = t;
    }
  }
  return out;
}

std::int64_t to_tick(std::int64_t us) { return (us / 250) * 250; }  // us >= 0 here

std::vector<bool> statuses(const Feedback& fb) {
  std::vector<bool> out;
  for (const auto& p : fb.packets) out.push_back(p.received);
  return out;
}

TEST(TwccRecorder, InOrderPacketsRoundTripEveryStatusAndArrival) {
  TwccRecorder recorder({.sender_ssrc = 7, .media_ssrc = 9});
  std::map<std::uint16_t, std::int64_t> sent;
  std::int64_t t = 1'000'000;
  for (std::uint16_t seq = 100; seq < 200; ++seq) {
    t += 1234 + (seq % 7) * 311;  // not multiples of 250 us
    recorder.record(seq, t);
    sent[seq] = to_tick(t);
  }
  const auto fbs = recorder.build_feedback(t + 5 * kMs);
  ASSERT_EQ(fbs.size(), 1U);
  const Feedback& fb = fbs[0];
  EXPECT_EQ(fb.sender_ssrc, 7U);
  EXPECT_EQ(fb.media_ssrc, 9U);
  EXPECT_EQ(fb.base_sequence, 100);
  EXPECT_EQ(fb.feedback_count, 0);
  ASSERT_EQ(fb.packets.size(), 100U);
  EXPECT_EQ(fb.reference_time_64ms, (1'000'000 + 1234 + 2 * 311) / (64 * kMs));
  for (const auto& p : fb.packets) {
    EXPECT_TRUE(p.received);
    EXPECT_GE(p.delta_us, 0);
    EXPECT_LE(p.delta_us, 63'750);  // all small: one byte each
  }
  EXPECT_EQ(serialize(fb).size(), 20U + 2 + 100 + 2);  // one run-length chunk, padded
  EXPECT_EQ(arrivals_from(fbs), sent);
  EXPECT_TRUE(recorder.build_feedback(t + 10 * kMs).empty());  // nothing new
}

TEST(TwccRecorder, LossesAreReportedNotReceived) {
  TwccRecorder recorder;
  std::int64_t t = 0;
  std::vector<bool> expected;
  for (std::uint16_t seq = 10; seq <= 40; ++seq) {
    const bool lost = seq == 13 || (seq >= 20 && seq <= 35);
    expected.push_back(!lost);
    t += 2 * kMs;
    if (!lost) recorder.record(seq, t);
  }
  const auto fbs = recorder.build_feedback(t);
  ASSERT_EQ(fbs.size(), 1U);
  EXPECT_EQ(fbs[0].base_sequence, 10);
  EXPECT_EQ(statuses(fbs[0]), expected);
  round_trip(fbs[0]);
  // The delta after a loss is from the previous received packet.
  EXPECT_EQ(fbs[0].packets[4].delta_us, 4 * kMs);    // 14 after 12
  EXPECT_EQ(fbs[0].packets[26].delta_us, 34 * kMs);  // 36 after 19
}

TEST(TwccRecorder, ReorderingAndDuplicatesInOneFeedback) {
  TwccRecorder recorder;
  recorder.record(1, 100 * kMs);
  recorder.record(3, 110 * kMs);
  recorder.record(2, 120 * kMs);  // arrives after 3: 3's delta is negative (large symbol)
  recorder.record(4, 130 * kMs);
  recorder.record(4, 140 * kMs);  // duplicates keep the first arrival
  recorder.record(2, 150 * kMs);
  EXPECT_EQ(recorder.stats().duplicates, 2U);
  const auto fbs = recorder.build_feedback(150 * kMs);
  ASSERT_EQ(fbs.size(), 1U);
  EXPECT_EQ(statuses(fbs[0]), (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(fbs[0].packets[2].delta_us, -10 * kMs);
  const std::map<std::uint16_t, std::int64_t> expected = {
      {1, 100 * kMs}, {2, 120 * kMs}, {3, 110 * kMs}, {4, 130 * kMs}};
  EXPECT_EQ(arrivals_from(fbs), expected);
}

TEST(TwccRecorder, LatePacketIsReportedAgainAsReceived) {
  TwccRecorder recorder;
  recorder.record(1, 0);
  recorder.record(2, 10 * kMs);
  recorder.record(4, 20 * kMs);
  auto first = recorder.build_feedback(50 * kMs);
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(statuses(first[0]), (std::vector<bool>{true, true, false, true}));
  recorder.record(3, 60 * kMs);  // reported lost, then arrived
  recorder.record(5, 70 * kMs);
  EXPECT_EQ(recorder.stats().late, 1U);
  auto second = recorder.build_feedback(100 * kMs);
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(second[0].base_sequence, 3);  // from the late one on, 4 again
  EXPECT_EQ(second[0].feedback_count, 1);
  EXPECT_EQ(statuses(second[0]), (std::vector<bool>{true, true, true}));
  first.insert(first.end(), second.begin(), second.end());
  const std::map<std::uint16_t, std::int64_t> expected = {
      {1, 0}, {2, 10 * kMs}, {3, 60 * kMs}, {4, 20 * kMs}, {5, 70 * kMs}};
  EXPECT_EQ(arrivals_from(first), expected);
}

TEST(TwccRecorder, SequenceNumbersWrap) {
  TwccRecorder recorder;
  std::map<std::uint16_t, std::int64_t> sent;
  std::vector<Feedback> all;
  std::int64_t t = 5'000'000;
  for (std::uint32_t i = 65500; i < 65600; ++i) {
    const auto seq = static_cast<std::uint16_t>(i);
    t += 3 * kMs;
    if (seq == 65535 || seq == 0) continue;  // lost across the wrap
    recorder.record(seq, t);
    sent[seq] = t;
    if (i % 30 == 0) {
      for (auto& fb : recorder.build_feedback(t)) all.push_back(fb);
    }
  }
  for (auto& fb : recorder.build_feedback(t)) all.push_back(fb);
  ASSERT_GE(all.size(), 3U);
  std::uint16_t next = 65500;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].base_sequence, next) << i;  // each continues where the last ended
    EXPECT_EQ(all[i].feedback_count, i);
    next = static_cast<std::uint16_t>(next + all[i].packets.size());
    for (const auto& p : all[i].packets) {
      EXPECT_EQ(p.received, p.sequence != 65535 && p.sequence != 0) << p.sequence;
    }
  }
  EXPECT_EQ(next, static_cast<std::uint16_t>(65600));
  EXPECT_EQ(arrivals_from(all), sent);
}

TEST(TwccRecorder, GapsOfSecondsUseLargeDeltasOrANewFeedback) {
  TwccRecorder recorder;
  const std::int64_t t0 = 1'000 * kMs;
  recorder.record(1, t0);
  recorder.record(2, t0 + 3'000 * kMs);   // 3 s: a 2-byte delta
  recorder.record(3, t0 + 13'000 * kMs);  // 10 s more: past 8.19 s, a new feedback
  recorder.record(4, t0 + 13'001 * kMs);
  const auto fbs = recorder.build_feedback(t0 + 13'001 * kMs);
  ASSERT_EQ(fbs.size(), 2U);
  EXPECT_EQ(fbs[0].base_sequence, 1);
  ASSERT_EQ(fbs[0].packets.size(), 2U);
  EXPECT_EQ(fbs[0].packets[1].delta_us, 3'000 * kMs);
  EXPECT_EQ(fbs[1].base_sequence, 3);
  EXPECT_EQ(fbs[1].reference_time_64ms, (t0 + 13'000 * kMs) / (64 * kMs));
  EXPECT_EQ(fbs[1].feedback_count, 1);
  const std::map<std::uint16_t, std::int64_t> expected = {
      {1, t0}, {2, t0 + 3'000 * kMs}, {3, t0 + 13'000 * kMs}, {4, t0 + 13'001 * kMs}};
  EXPECT_EQ(arrivals_from(fbs), expected);

  // After a pause between feedbacks the next one has its own reference: small deltas again.
  recorder.record(5, t0 + 20'000 * kMs);
  const auto later = recorder.build_feedback(t0 + 20'050 * kMs);
  ASSERT_EQ(later.size(), 1U);
  EXPECT_LT(later[0].packets[0].delta_us, 64 * kMs);
  EXPECT_EQ(later[0].feedback_count, 2);
}

TEST(TwccRecorder, ManyPacketsSplitIntoFeedbacksWithinTheSizeLimit) {
  for (const std::size_t limit : {1200U, 200U}) {
    TwccRecorder recorder({.max_feedback_bytes = limit});
    std::mt19937 rng(5);
    std::map<std::uint16_t, std::int64_t> sent;
    std::int64_t t = 0;
    for (std::uint16_t seq = 0; seq < 3000; ++seq) {
      t += (seq % 10 == 0) ? 70 * kMs : 250 * static_cast<std::int64_t>(rng() % 12);
      if (rng() % 20 == 0) continue;  // 5 % loss
      recorder.record(seq, t);
      sent[seq] = t;
    }
    const auto fbs = recorder.build_feedback(t);
    ASSERT_GE(fbs.size(), limit == 1200 ? 3U : 15U);
    std::uint16_t next = 0;
    for (std::size_t i = 0; i < fbs.size(); ++i) {
      const std::size_t size = serialize(fbs[i]).size();
      EXPECT_LE(size, limit) << i;
      if (i + 1 < fbs.size()) {
        EXPECT_GT(size, limit - 12) << i;  // filled, not cut early
      }
      EXPECT_EQ(fbs[i].base_sequence, next) << i;
      EXPECT_EQ(fbs[i].feedback_count, i);
      next = static_cast<std::uint16_t>(next + fbs[i].packets.size());
    }
    EXPECT_EQ(next, sent.rbegin()->first + 1);
    EXPECT_EQ(arrivals_from(fbs), sent) << limit;
  }
}

TEST(TwccRecorder, FeedbackCountWrapsAt256) {
  TwccRecorder recorder;
  for (std::int64_t i = 0; i < 300; ++i) {
    recorder.record(static_cast<std::uint16_t>(i), i * 50 * kMs);
    const auto fbs = recorder.build_feedback(i * 50 * kMs);
    ASSERT_EQ(fbs.size(), 1U);
    EXPECT_EQ(fbs[0].feedback_count, static_cast<std::uint8_t>(i));
  }
  EXPECT_EQ(recorder.stats().feedbacks, 300U);
}

TEST(TwccRecorder, ReportedHistoryIsKeptHalfASecond) {
  TwccRecorder recorder;
  for (std::uint16_t seq = 0; seq < 1000; ++seq) recorder.record(seq, seq * kMs);
  EXPECT_EQ(recorder.history_size(), 1000U);  // nothing reported yet: all kept
  recorder.build_feedback(999 * kMs);
  EXPECT_EQ(recorder.history_size(), 501U);  // arrivals at 499..999 ms
  recorder.record(300, 1000 * kMs);          // before the history: too old to report
  EXPECT_EQ(recorder.stats().too_old, 1U);
  recorder.record(600, 1001 * kMs);  // within it: a duplicate
  EXPECT_EQ(recorder.stats().duplicates, 1U);
  EXPECT_TRUE(recorder.build_feedback(1002 * kMs).empty());
}

TEST(TwccRecorder, MemoryStaysBoundedUnderAFlood) {
  TwccRecorder recorder;
  std::int64_t t = 0;
  // 5000 packets/s, feedback every 50 ms: the history holds the last ~0.5 s.
  for (std::uint32_t i = 0; i < 1'000'000; ++i) {
    t += 200;
    recorder.record(static_cast<std::uint16_t>(i), t);
    if (i % 250 == 0) {
      for (const auto& fb : recorder.build_feedback(t)) EXPECT_LE(serialize(fb).size(), 1200U);
    }
    ASSERT_LE(recorder.history_size(), 2800U);
  }
  EXPECT_EQ(recorder.stats().unreported, 0U);
  // Nobody builds feedback: the oldest unreported packets give way.
  for (std::uint32_t i = 0; i < 100'000; ++i)
    recorder.record(static_cast<std::uint16_t>(i), t += 1);
  EXPECT_LE(recorder.history_size(), 4096U);
  EXPECT_GT(recorder.stats().unreported, 90'000U);
  // Random sequence numbers from a confused or hostile sender.
  std::mt19937 rng(3);
  for (int i = 0; i < 200'000; ++i) {
    recorder.record(static_cast<std::uint16_t>(rng()), t += 1);
    ASSERT_LE(recorder.history_size(), 4096U);
  }
  const auto fbs = recorder.build_feedback(t);
  for (const auto& fb : fbs) {
    EXPECT_LE(serialize(fb).size(), 1200U);
    round_trip(fb);
  }
}

TEST(TwccRecorder, RestartedNumberingStartsAfresh) {
  TwccRecorder recorder;
  for (std::uint16_t seq = 0; seq < 100; ++seq) recorder.record(seq, seq * kMs);
  recorder.build_feedback(100 * kMs);
  // A jump far past the history: no thousands of "not received".
  recorder.record(20'000, 101 * kMs);
  recorder.record(20'001, 102 * kMs);
  auto fbs = recorder.build_feedback(103 * kMs);
  ASSERT_EQ(fbs.size(), 1U);
  EXPECT_EQ(fbs[0].base_sequence, 20'000);
  EXPECT_EQ(fbs[0].packets.size(), 2U);
  EXPECT_EQ(recorder.stats().resyncs, 1U);
  // Numbering that went backwards: dropped as too old, then followed after 64 in a row.
  for (std::uint16_t seq = 5; seq < 105; ++seq) recorder.record(seq, 200 * kMs + seq);
  EXPECT_EQ(recorder.stats().too_old, 63U);
  EXPECT_EQ(recorder.stats().resyncs, 2U);
  fbs = recorder.build_feedback(300 * kMs);
  ASSERT_EQ(fbs.size(), 1U);
  EXPECT_EQ(fbs[0].base_sequence, 68);
  EXPECT_EQ(fbs[0].packets.size(), 37U);
}

TEST(TwccRecorder, FeedbackIsDueEveryIntervalOrAfterManyPackets) {
  TwccRecorder recorder({.feedback_interval_us = 50 * kMs, .early_feedback_packets = 10});
  EXPECT_FALSE(recorder.feedback_due(0));
  recorder.record(0, 1000 * kMs);
  EXPECT_FALSE(recorder.feedback_due(1049 * kMs));
  EXPECT_TRUE(recorder.feedback_due(1050 * kMs));
  recorder.build_feedback(1050 * kMs);
  EXPECT_FALSE(recorder.feedback_due(1200 * kMs));  // nothing new
  for (std::uint16_t seq = 1; seq <= 10; ++seq) {
    EXPECT_FALSE(recorder.feedback_due(1051 * kMs)) << seq;
    recorder.record(seq, 1051 * kMs);
  }
  EXPECT_TRUE(recorder.feedback_due(1051 * kMs));
}

TEST(TwccRecorder, AnyClockOriginWorks) {
  TwccRecorder recorder;
  recorder.record(1, -100 * kMs - 10);  // negative times and a reference below zero
  recorder.record(2, -10);
  recorder.record(3, 30 * kMs);
  const auto fbs = recorder.build_feedback(40 * kMs);
  ASSERT_EQ(fbs.size(), 1U);
  EXPECT_EQ(fbs[0].reference_time_64ms, -2);  // floor(-100.01 ms / 64 ms)
  const std::map<std::uint16_t, std::int64_t> expected = {
      {1, -100 * kMs - 250}, {2, -250}, {3, 30 * kMs}};  // floored to 250 us ticks
  EXPECT_EQ(arrivals_from(fbs), expected);
}

TEST(TwccRecorder, RandomTrafficReportsEveryArrivalWithinTheLimit) {
  std::mt19937 rng(17);
  TwccRecorder recorder({.max_feedback_bytes = 300});
  std::map<std::uint16_t, std::int64_t> first_arrival;  // fewer than 2^16: no reuse
  std::uint32_t seq = 65000;
  std::int64_t t = 0;
  std::size_t splits = 0;
  for (int round = 0; round < 700; ++round) {  // ~51k sequence numbers
    std::vector<std::uint16_t> fresh;
    for (std::uint32_t i = 0, n = rng() % 60; i < n; ++i) {
      seq += 1 + (rng() % 10 == 0 ? rng() % 30 : 0);  // losses
      t += static_cast<std::int64_t>(rng() % 100 == 0 ? rng() % 9'000'000 : rng() % 3000);
      const auto s = static_cast<std::uint16_t>(seq - (rng() % 6 == 0 ? rng() % 6 : 0));
      const auto too_old = recorder.stats().too_old;
      recorder.record(s, t);
      if (recorder.stats().too_old == too_old && first_arrival.emplace(s, to_tick(t)).second) {
        fresh.push_back(s);
      }
    }
    const auto fbs = recorder.build_feedback(t);
    splits += fbs.empty() ? 0 : fbs.size() - 1;
    for (const auto& fb : fbs) ASSERT_LE(serialize(fb).size(), 300U);
    const auto reported = arrivals_from(fbs);
    for (const auto& [s, at] : reported) EXPECT_EQ(at, first_arrival[s]) << round;
    for (const auto s : fresh) EXPECT_TRUE(reported.contains(s)) << round << " " << s;
  }
  EXPECT_GT(recorder.stats().late, 0U);
  EXPECT_GT(recorder.stats().duplicates, 0U);
  EXPECT_GT(splits, 0U);  // 8 s gaps
}

// Sent by Chromium (the fixture of tests/unit/rtcp/transport_feedback_test.cpp): nine
// packets, one run-length chunk, RTCP padding bit set.
constexpr std::array<std::uint8_t, 32> kChromiumFeedback = {
    0xaf, 0xcd, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0xdd, 0x58, 0x6e, 0xb6, 0x00, 0x01, 0x00, 0x09,
    0x5e, 0x91, 0x10, 0x00, 0x20, 0x09, 0x1c, 0x0c, 0x2c, 0x38, 0x00, 0x04, 0x00, 0x08, 0x18, 0x01};

TEST(TwccRecorder, RecreatesChromiumFeedbackFromItsContent) {
  const auto parsed = rtcp::parse_rtcp(kChromiumFeedback);
  ASSERT_TRUE(parsed);
  const auto& chromium = std::get<Feedback>(parsed->front());
  TwccRecorder recorder({.sender_ssrc = chromium.sender_ssrc, .media_ssrc = chromium.media_ssrc});
  std::int64_t t = std::int64_t{chromium.reference_time_64ms} * 64 * kMs;
  for (const auto& p : chromium.packets) recorder.record(p.sequence, t += p.delta_us);
  const auto fbs = recorder.build_feedback(t);
  ASSERT_EQ(fbs.size(), 1U);
  EXPECT_EQ(fbs[0], chromium);  // same content, field by field

  // Same length and bytes except the encoding choices: Chromium sets the padding bit and
  // pads with a count byte, we zero-pad (as the draft shows); for nine equal symbols
  // Chromium writes a run-length chunk (0x2009), our rtcp writer a 1-bit status vector
  // (0xbfe0). Both decode to the same nine "small delta" statuses.
  const Bytes ours = serialize(fbs[0]);
  ASSERT_EQ(ours.size(), kChromiumFeedback.size());
  Bytes expected(kChromiumFeedback.begin(), kChromiumFeedback.end());
  expected[0] = 0x8f;
  expected[20] = 0xbf;
  expected[21] = 0xe0;
  expected[31] = 0x00;
  EXPECT_EQ(ours, expected);
}

}  // namespace
}  // namespace bailanys::sfu::bwe
