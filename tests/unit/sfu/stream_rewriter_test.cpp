#include "sfu/stream_rewriter.hpp"

#include <gtest/gtest.h>

#include <random>

namespace bailanys::sfu {
namespace {

constexpr std::uint32_t kOut = 0xB0B0'0001;
constexpr std::uint32_t kA = 0x1111'1111;
constexpr std::uint32_t kB = 0x2222'2222;
constexpr std::uint32_t kC = 0x3333'3333;

// Feeds one packet that must be forwarded; returns it rewritten.
Rewrite forward(StreamRewriter& r, std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts,
                TimeMs now, bool keyframe = false) {
  RewriteDrop drop = RewriteDrop::None;
  const auto out = r.rewrite(ssrc, seq, ts, keyframe, now, drop);
  EXPECT_TRUE(out.has_value()) << "seq " << seq << " dropped: " << to_string(drop);
  EXPECT_EQ(drop, RewriteDrop::None);
  return out.value_or(Rewrite{});
}

// Feeds one packet that must be dropped; returns why.
RewriteDrop dropped(StreamRewriter& r, std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts,
                    TimeMs now, bool keyframe = false) {
  RewriteDrop drop = RewriteDrop::None;
  const auto out = r.rewrite(ssrc, seq, ts, keyframe, now, drop);
  EXPECT_FALSE(out.has_value()) << "seq " << seq << " forwarded as " << (out ? out->sequence : 0);
  return drop;
}

std::int64_t ts_delta(std::uint32_t to, std::uint32_t from) {
  return static_cast<std::int32_t>(to - from);
}

TEST(StreamRewriter, FirstAudioSourceKeepsItsOwnNumbers) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  EXPECT_FALSE(r.waiting_for_keyframe());
  EXPECT_FALSE(r.source_ssrc().has_value());
  const auto first = forward(r, kA, 1000, 5000, 0);
  EXPECT_EQ(first.sequence, 1000);
  EXPECT_EQ(first.timestamp, 5000u);
  EXPECT_TRUE(first.source_started);
  const auto second = forward(r, kA, 1001, 5960, 20);
  EXPECT_EQ(second.sequence, 1001);
  EXPECT_EQ(second.timestamp, 5960u);
  EXPECT_FALSE(second.source_started);
  EXPECT_EQ(r.source_ssrc(), kA);
  EXPECT_EQ(r.outgoing_ssrc(), kOut);
}

TEST(StreamRewriter, VideoForwardsNothingBeforeTheFirstKeyframe) {
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  EXPECT_TRUE(r.waiting_for_keyframe());
  EXPECT_EQ(dropped(r, kA, 10, 900, 0), RewriteDrop::WaitingForKeyframe);
  EXPECT_EQ(dropped(r, kA, 11, 900, 1), RewriteDrop::WaitingForKeyframe);
  EXPECT_TRUE(r.waiting_for_keyframe());
  EXPECT_EQ(r.source_ssrc(), kA);  // awaited
  const auto key = forward(r, kA, 12, 3900, 33, true);
  EXPECT_EQ(key.sequence, 12);
  EXPECT_TRUE(key.source_started);
  EXPECT_FALSE(r.waiting_for_keyframe());
  EXPECT_EQ(dropped(r, kA, 11, 900, 34), RewriteDrop::BeforeSwitch);  // late, before the keyframe
  EXPECT_EQ(forward(r, kA, 13, 3900, 35).sequence, 13);
}

TEST(StreamRewriter, PublisherRestartWithNewSsrcContinuesTheStream) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  Rewrite last;
  TimeMs now = 0;
  for (int i = 0; i < 50; ++i, now += 20) {
    last = forward(r, kA, static_cast<std::uint16_t>(40000 + i), 777'000 + 960 * i, now);
  }
  now += 2500 - 20;  // the publisher reconnects 2.5 s after its last packet
  // New connection: new SSRC, random sequence and timestamp.
  const auto first = forward(r, kB, 7, 0x1234'5678, now);
  EXPECT_TRUE(first.source_started);
  EXPECT_EQ(first.sequence, static_cast<std::uint16_t>(last.sequence + 1));
  EXPECT_EQ(first.timestamp, last.timestamp + 2500 * 48);
  EXPECT_FALSE(r.waiting_for_keyframe());  // audio needs no keyframe
  EXPECT_EQ(r.source_ssrc(), kB);
  const auto next = forward(r, kB, 8, 0x1234'5678 + 960, now + 20);
  EXPECT_EQ(next.sequence, static_cast<std::uint16_t>(last.sequence + 2));
  EXPECT_EQ(next.timestamp, first.timestamp + 960);
  EXPECT_FALSE(next.source_started);
}

TEST(StreamRewriter, VideoRestartWaitsForAKeyframeAndLeavesNoGap) {
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  Rewrite last = forward(r, kA, 100, 9000, 0, true);
  for (int i = 1; i <= 10; ++i) {
    last = forward(r, kA, static_cast<std::uint16_t>(100 + i), 9000 + 3000 * i, TimeMs{33} * i);
  }
  const TimeMs last_sent_at = 330;
  // The new connection's first packets are deltas: nothing goes out until its keyframe.
  EXPECT_EQ(dropped(r, kB, 4000, 55, 1000), RewriteDrop::WaitingForKeyframe);
  EXPECT_TRUE(r.waiting_for_keyframe());
  EXPECT_EQ(dropped(r, kB, 4001, 55, 1010), RewriteDrop::WaitingForKeyframe);
  EXPECT_EQ(dropped(r, kB, 4002, 3055, 1040), RewriteDrop::WaitingForKeyframe);
  const auto key = forward(r, kB, 5000, 777, 1200, true);
  EXPECT_TRUE(key.source_started);
  EXPECT_FALSE(r.waiting_for_keyframe());
  EXPECT_EQ(key.sequence, static_cast<std::uint16_t>(last.sequence + 1));
  // Elapsed since the last packet forwarded, not since the first one dropped.
  EXPECT_EQ(key.timestamp, last.timestamp + (1200 - last_sent_at) * 90);
  const auto same_frame = forward(r, kB, 5001, 777, 1201);
  EXPECT_EQ(same_frame.sequence, static_cast<std::uint16_t>(last.sequence + 2));
  EXPECT_EQ(same_frame.timestamp, key.timestamp);
  const auto next_frame = forward(r, kB, 5002, 777 + 3000, 1233);
  EXPECT_EQ(next_frame.timestamp, key.timestamp + 3000);
}

TEST(StreamRewriter, TimestampAdvanceOnASwitchMatchesElapsedTime) {
  struct Case {
    std::uint32_t clock_rate;
    TimeMs elapsed;
    std::uint32_t expected_ticks;
  };
  for (const Case c : {Case{90000, 250, 22500}, Case{48000, 1000, 48000}, Case{8000, 3, 24},
                       Case{90000, 0, 1}, Case{48000, -5, 1}}) {
    StreamRewriter r(kOut, c.clock_rate, MediaKind::Audio);
    const auto a = forward(r, kA, 1, 100, 10'000);
    const auto b = forward(r, kB, 60000, 0xFFFF'FF00, 10'000 + c.elapsed);
    EXPECT_EQ(b.timestamp - a.timestamp, c.expected_ticks)
        << c.clock_rate << " Hz, " << c.elapsed << " ms";
    EXPECT_EQ(b.sequence, 2);
  }
}

TEST(StreamRewriter, SequenceWrapInsideASource) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  forward(r, kA, 100, 0, 0);
  const auto first = forward(r, kB, 65530, 5000, 100);  // offset: out = in - 65429
  for (int i = 1; i < 12; ++i) {
    const auto in = static_cast<std::uint16_t>(65530 + i);  // wraps after 65535
    const auto out = forward(r, kB, in, 5000 + 960 * i, 100 + 20 * i);
    EXPECT_EQ(out.sequence, static_cast<std::uint16_t>(first.sequence + i)) << in;
    EXPECT_EQ(out.timestamp, first.timestamp + 960 * i);
  }
}

TEST(StreamRewriter, OutgoingSequenceWrapsWhenTheSourceDoesNot) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  forward(r, kA, 65533, 0, 0);
  forward(r, kA, 65534, 960, 20);
  EXPECT_EQ(forward(r, kB, 100, 0, 40).sequence, 65535);
  EXPECT_EQ(forward(r, kB, 101, 960, 60).sequence, 0);
  EXPECT_EQ(forward(r, kB, 103, 2880, 100).sequence, 2);  // a loss stays a gap across the wrap
  EXPECT_EQ(forward(r, kB, 102, 1920, 101).sequence, 1);  // and can still be filled
}

TEST(StreamRewriter, TimestampWrapsInBothDirections) {
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  // The source's timestamp wraps; the passthrough output wraps with it.
  std::uint32_t ts = 0xFFFF'F000;
  Rewrite last = forward(r, kA, 10, ts, 0, true);
  for (int i = 1; i <= 4; ++i) {
    ts += 3000;
    last = forward(r, kA, static_cast<std::uint16_t>(10 + i), ts, TimeMs{33} * i);
    EXPECT_EQ(last.timestamp, ts);
  }
  EXPECT_LT(last.timestamp, 0x1'0000u);  // wrapped, and was not taken for a jump
  // A new source whose timestamps are about to wrap, mapped onto the outgoing clock.
  const std::uint32_t b_ts = 0xFFFF'FFF0;
  const auto key = forward(r, kB, 9, b_ts, 1000, true);
  EXPECT_EQ(key.timestamp, last.timestamp + (1000 - 132) * 90);
  const auto after = forward(r, kB, 10, b_ts + 3000, 1033);  // source wraps here
  EXPECT_EQ(ts_delta(after.timestamp, key.timestamp), 3000);
  // Outgoing wrap while the source does not: start just below 2^32.
  StreamRewriter w(kOut, 90000, MediaKind::Audio);
  forward(w, kA, 1, 0xFFFF'FFFF - 900, 0);
  const auto w1 = forward(w, kB, 500, 1234, 10);  // +900 ticks: 0xFFFF'FFFF
  EXPECT_EQ(w1.timestamp, 0xFFFF'FFFFu);
  EXPECT_EQ(forward(w, kB, 501, 1234 + 960, 20).timestamp, 959u);
}

TEST(StreamRewriter, ReorderedPacketsKeepTheirRelativeOrder) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  forward(r, kA, 5000, 0, 0);
  const auto base = forward(r, kB, 10, 100'000, 500);  // a non-zero offset from here
  const int order[] = {12, 11, 14, 13, 15};
  for (const int in : order) {
    const auto out = forward(r, kB, static_cast<std::uint16_t>(in), 100'000 + 960 * (in - 10),
                             500 + 20 * (in - 10));
    EXPECT_EQ(out.sequence, static_cast<std::uint16_t>(base.sequence + (in - 10)));
    EXPECT_EQ(out.timestamp, base.timestamp + 960 * (in - 10));
  }
  // Reordered across the source's sequence wrap.
  StreamRewriter w(kOut, 48000, MediaKind::Audio);
  forward(w, kA, 1, 0, 0);
  const auto b = forward(w, kB, 65533, 960, 20);
  const int wrap_order[] = {65535, 65534, 1, 0, 2};
  for (const int in : wrap_order) {
    const auto seq = static_cast<std::uint16_t>(in);
    const auto steps = static_cast<std::uint16_t>(seq - 65533);
    EXPECT_EQ(forward(w, kB, seq, 960 + 960u * steps, 40).sequence,
              static_cast<std::uint16_t>(b.sequence + steps))
        << in;
  }
}

TEST(StreamRewriter, DuplicatesAreDropped) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  for (int i = 0; i <= 20; ++i) forward(r, kA, static_cast<std::uint16_t>(100 + i), 960 * i, i);
  EXPECT_EQ(dropped(r, kA, 120, 960 * 20, 30), RewriteDrop::Duplicate);  // the newest again
  EXPECT_EQ(dropped(r, kA, 105, 960 * 5, 31), RewriteDrop::Duplicate);   // an older one again
  EXPECT_EQ(dropped(r, kA, 99, 0, 32), RewriteDrop::BeforeSwitch);       // before the first one
  // A hole filled late is forwarded once, then is a duplicate.
  forward(r, kA, 123, 960 * 23, 40);
  EXPECT_EQ(forward(r, kA, 122, 960 * 22, 41).sequence, 122);
  EXPECT_EQ(dropped(r, kA, 122, 960 * 22, 42), RewriteDrop::Duplicate);
  EXPECT_EQ(forward(r, kA, 121, 960 * 21, 43).sequence, 121);
}

TEST(StreamRewriter, DuplicateTrackingFollowsTheWindow) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  std::uint16_t seq = 1;
  forward(r, kA, seq, 0, 0);
  // Run through the window several times: the oldest slots are reused for new packets, and
  // a packet at the edge of the window is still known as sent.
  for (int i = 1; i < 3000; ++i) {
    ++seq;
    forward(r, kA, seq, 960u * static_cast<std::uint32_t>(i), TimeMs{20} * i);
  }
  const auto edge = static_cast<std::uint16_t>(seq - (StreamRewriter::kReorderWindow - 1));
  EXPECT_EQ(dropped(r, kA, edge, 0, 60'000), RewriteDrop::Duplicate);
  // Past the window: a very late packet is treated as a possible jump and dropped.
  const auto beyond = static_cast<std::uint16_t>(seq - StreamRewriter::kReorderWindow - 10);
  EXPECT_EQ(dropped(r, kA, beyond, 0, 60'001), RewriteDrop::SequenceJump);
  // A hole filled late, whose bitmap slot last held a packet one window earlier, is new.
  forward(r, kA, static_cast<std::uint16_t>(seq + 2), 960u * 3001, 60'040);
  const auto hole = static_cast<std::uint16_t>(seq + 1);
  EXPECT_EQ(forward(r, kA, hole, 960u * 3000, 60'041).sequence, hole);
  seq = static_cast<std::uint16_t>(seq + 2);
  // A gap larger than the window clears it: the new packets are not taken for duplicates.
  const auto far = static_cast<std::uint16_t>(seq + 2000);
  forward(r, kA, far, 960u * 5002, 100'040);
  forward(r, kA, static_cast<std::uint16_t>(far - 1), 960u * 5001, 100'041);
}

TEST(StreamRewriter, LossesStayGapsTheReceiverCanNack) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  forward(r, kA, 1, 0, 0);
  const auto base = forward(r, kB, 30000, 0, 100);
  EXPECT_EQ(forward(r, kB, 30005, 4800, 200).sequence, base.sequence + 5);
  EXPECT_EQ(forward(r, kB, 32999, 4800 + 960 * 2994, 200 + 20 * 2994).sequence,
            base.sequence + 2999);
}

TEST(StreamRewriter, PacketsFromBeforeTheSwitchPointAreDropped) {
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  forward(r, kA, 1, 0, 0, true);
  EXPECT_EQ(dropped(r, kB, 497, 10, 100), RewriteDrop::WaitingForKeyframe);
  const auto key = forward(r, kB, 500, 3010, 150, true);
  EXPECT_EQ(dropped(r, kB, 499, 10, 151), RewriteDrop::BeforeSwitch);  // reordered behind it
  EXPECT_EQ(dropped(r, kB, 497, 10, 152), RewriteDrop::BeforeSwitch);  // dropped earlier
  EXPECT_EQ(forward(r, kB, 501, 3010, 153).sequence, key.sequence + 1);
}

TEST(StreamRewriter, LatePacketsOfTheLeftSourceAreStale) {
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  forward(r, kA, 10, 0, 0, true);
  forward(r, kA, 11, 3000, 33);
  const auto key = forward(r, kB, 900, 50, 400, true);
  // The old connection's packets still in flight must not take the stream back.
  EXPECT_EQ(dropped(r, kA, 12, 6000, 401), RewriteDrop::StaleSource);
  EXPECT_EQ(dropped(r, kA, 13, 9000, 402, true), RewriteDrop::StaleSource);
  EXPECT_FALSE(r.waiting_for_keyframe());
  EXPECT_EQ(r.source_ssrc(), kB);
  const auto next = forward(r, kB, 901, 3050, 433);
  EXPECT_EQ(next.sequence, key.sequence + 1);
  EXPECT_EQ(next.timestamp, key.timestamp + 3000);
}

TEST(StreamRewriter, RestartsInQuickSuccessionIgnoreAllOldSources) {
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  forward(r, kA, 10, 0, 0, true);
  EXPECT_EQ(dropped(r, kB, 500, 0, 100), RewriteDrop::WaitingForKeyframe);  // B never starts
  forward(r, kC, 7000, 0, 200, true);
  EXPECT_EQ(dropped(r, kA, 11, 3000, 201), RewriteDrop::StaleSource);
  EXPECT_EQ(dropped(r, kB, 501, 0, 202, true), RewriteDrop::StaleSource);
  EXPECT_EQ(r.source_ssrc(), kC);
}

TEST(StreamRewriter, SwitchSourceAllowsGoingBackToALeftSource) {
  // Simulcast-like: layer A, then B, then A again.
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  forward(r, kA, 100, 1000, 0, true);
  forward(r, kB, 200, 2000, 100, true);
  EXPECT_EQ(dropped(r, kA, 103, 1000 + 9000, 101, true), RewriteDrop::StaleSource);
  r.switch_source();
  EXPECT_TRUE(r.waiting_for_keyframe());
  EXPECT_FALSE(r.source_ssrc().has_value());
  EXPECT_EQ(dropped(r, kA, 110, 31000, 400), RewriteDrop::WaitingForKeyframe);
  const auto key = forward(r, kA, 111, 34000, 433, true);
  EXPECT_TRUE(key.source_started);
  EXPECT_EQ(key.sequence, 102);  // 100 (A), 101 (B), then this
}

TEST(StreamRewriter, SwitchSourceRestartsTheSameSsrc) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  forward(r, kA, 100, 0, 0);
  forward(r, kA, 101, 960, 20);
  r.switch_source();
  // The same publisher re-announced with its numbers reset: a fresh switch point.
  const auto first = forward(r, kA, 0, 0, 1020);
  EXPECT_TRUE(first.source_started);
  EXPECT_EQ(first.sequence, 102);
  EXPECT_EQ(first.timestamp, 960u + 1000 * 48);
}

TEST(StreamRewriter, OneStrayFarPacketDoesNotRestart) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  for (int i = 0; i < 5; ++i)
    forward(r, kA, static_cast<std::uint16_t>(1000 + i), 960 * i, TimeMs{20} * i);
  EXPECT_EQ(dropped(r, kA, 30000, 1, 100), RewriteDrop::SequenceJump);
  const auto next = forward(r, kA, 1005, 960 * 5, 100);
  EXPECT_EQ(next.sequence, 1005);
  EXPECT_FALSE(next.source_started);
  EXPECT_EQ(forward(r, kA, 1006, 960 * 6, 120).sequence, 1006);
}

TEST(StreamRewriter, ConfirmedSequenceJumpInTheSameSsrcRestartsTheSource) {
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  Rewrite last;
  for (int i = 0; i < 5; ++i) {
    last = forward(r, kA, static_cast<std::uint16_t>(1000 + i), 960 * i, TimeMs{20} * i);
  }
  // Same SSRC, numbers reset (a sender restarted behind a fixed SSRC).
  EXPECT_EQ(dropped(r, kA, 40000, 0x7000'0000, 2000), RewriteDrop::SequenceJump);
  const auto first = forward(r, kA, 40001, 0x7000'0000 + 960, 2020);
  EXPECT_TRUE(first.source_started);
  EXPECT_EQ(first.sequence, last.sequence + 1);
  EXPECT_EQ(first.timestamp, last.timestamp + (2020 - 80) * 48);
  EXPECT_EQ(forward(r, kA, 40002, 0x7000'0000 + 1920, 2040).sequence, last.sequence + 2);
  // A late packet of the old numbering is stale, not another restart.
  EXPECT_EQ(dropped(r, kA, 1005, 960 * 5, 2041), RewriteDrop::StaleSource);
  EXPECT_EQ(dropped(r, kA, 1006, 960 * 6, 2042), RewriteDrop::StaleSource);
  EXPECT_EQ(forward(r, kA, 40003, 0x7000'0000 + 2880, 2060).sequence, last.sequence + 3);
}

TEST(StreamRewriter, VideoSequenceJumpWaitsForAKeyframe) {
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  const auto first = forward(r, kA, 10, 0, 0, true);
  EXPECT_EQ(dropped(r, kA, 20000, 5, 500, true), RewriteDrop::SequenceJump);
  EXPECT_EQ(dropped(r, kA, 20001, 5, 501), RewriteDrop::WaitingForKeyframe);
  EXPECT_TRUE(r.waiting_for_keyframe());
  const auto key = forward(r, kA, 20050, 9005, 600, true);
  EXPECT_EQ(key.sequence, first.sequence + 1);
  EXPECT_EQ(key.timestamp, first.timestamp + 600 * 90);
}

TEST(StreamRewriter, TimestampJumpWithContinuousSequenceIsRebased) {
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  Rewrite last = forward(r, kA, 10, 1000, 0, true);
  for (int i = 1; i <= 5; ++i) {
    last = forward(r, kA, static_cast<std::uint16_t>(10 + i), 1000 + 3000 * i, TimeMs{33} * i);
  }
  // Sequence numbers run on, the timestamp leaps by hours: re-based, no keyframe wait.
  const std::uint32_t leapt = 1000 + 3000 * 6 + 0x4000'0000;
  const auto jumped = forward(r, kA, 17, leapt, 200);  // 16 is late
  EXPECT_FALSE(r.waiting_for_keyframe());
  EXPECT_EQ(jumped.sequence, 17);
  EXPECT_EQ(jumped.timestamp, last.timestamp + (200 - 165) * 90);
  // The late packet from before the leap keeps the old mapping; later ones follow the new.
  EXPECT_EQ(forward(r, kA, 16, 1000 + 3000 * 6, 201).timestamp, last.timestamp + 3000);
  EXPECT_EQ(forward(r, kA, 18, leapt + 3000, 233).timestamp, jumped.timestamp + 3000);
}

TEST(StreamRewriter, NormalTimestampIrregularityIsKept) {
  // Opus DTX: one packet per 400 ms during silence, then a late burst; all within the drift.
  StreamRewriter r(kOut, 48000, MediaKind::Audio);
  forward(r, kA, 1, 0, 0);
  EXPECT_EQ(forward(r, kA, 2, 48 * 400, 400).timestamp, 48u * 400);
  EXPECT_EQ(forward(r, kA, 3, 48 * 800, 2900).timestamp, 48u * 800);  // 2.1 s late
  EXPECT_EQ(forward(r, kA, 4, 48 * 3000, 2910).timestamp, 48u * 3000);
}

TEST(StreamRewriter, SenderReportTimestampMapsToTheOutgoingClock) {
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  EXPECT_FALSE(r.outgoing_rtp_timestamp(kA, 1).has_value());
  EXPECT_EQ(dropped(r, kA, 1, 5000, 0), RewriteDrop::WaitingForKeyframe);
  EXPECT_FALSE(r.outgoing_rtp_timestamp(kA, 5000).has_value());  // nothing forwarded yet
  forward(r, kA, 2, 5000, 10, true);
  EXPECT_EQ(r.outgoing_rtp_timestamp(kA, 8000), 8000u);  // first source: its own clock
  const auto key = forward(r, kB, 70, 0xFFFF'0000, 1010, true);
  const std::uint32_t offset = key.timestamp - 0xFFFF'0000u;
  // An SR of B taken later maps with B's offset, across B's wrap too.
  EXPECT_EQ(r.outgoing_rtp_timestamp(kB, 0xFFFF'0000 + 90000), 0xFFFF'0000u + 90000 + offset);
  EXPECT_EQ(r.outgoing_rtp_timestamp(kB, 0x10), 0x10u + offset);
  EXPECT_FALSE(r.outgoing_rtp_timestamp(kA, 8000).has_value());  // A is no longer forwarded
  EXPECT_FALSE(r.outgoing_rtp_timestamp(kC, 8000).has_value());
  r.switch_source();
  EXPECT_FALSE(r.outgoing_rtp_timestamp(kB, 0x10).has_value());
}

TEST(StreamRewriter, ContinuousAcrossManyRandomRestarts) {
  // Twenty publishers in a row, each with a random SSRC, sequence and timestamp, some pausing
  // before the next starts: the subscriber sees one gapless stream whose timestamps follow
  // the wall clock.
  std::mt19937 rng(20240607);
  StreamRewriter r(kOut, 90000, MediaKind::Video);
  std::optional<Rewrite> previous;
  TimeMs previous_at = 0;
  TimeMs now = 1000;
  for (int source = 0; source < 20; ++source) {
    const std::uint32_t ssrc = rng() | 1U;
    auto seq = static_cast<std::uint16_t>(rng());
    std::uint32_t ts = rng();
    const int frames = 20 + static_cast<int>(rng() % 80);
    for (int frame = 0; frame < frames; ++frame) {
      for (int packet = 0; packet < 3; ++packet) {
        const bool keyframe = frame == 0 && packet == 0;
        const auto out = forward(r, ssrc, seq++, ts, now, keyframe);
        if (previous) {
          EXPECT_EQ(out.sequence, static_cast<std::uint16_t>(previous->sequence + 1));
          const auto step = ts_delta(out.timestamp, previous->timestamp);
          if (keyframe) {
            EXPECT_EQ(step, std::max<std::int64_t>(1, (now - previous_at) * 90));
          } else {
            EXPECT_EQ(step, packet == 0 ? 3000 : 0);
          }
        }
        previous = out;
        previous_at = now;
        ++now;
      }
      ts += 3000;
      now += 30;
    }
    now += static_cast<TimeMs>(rng() % 5000);
  }
}

TEST(StreamRewriter, DropReasonsHaveNames) {
  EXPECT_EQ(to_string(RewriteDrop::None), "none");
  EXPECT_EQ(to_string(RewriteDrop::WaitingForKeyframe), "waiting_for_keyframe");
  EXPECT_EQ(to_string(RewriteDrop::BeforeSwitch), "before_switch");
  EXPECT_EQ(to_string(RewriteDrop::Duplicate), "duplicate");
  EXPECT_EQ(to_string(RewriteDrop::StaleSource), "stale_source");
  EXPECT_EQ(to_string(RewriteDrop::SequenceJump), "sequence_jump");
}

}  // namespace
}  // namespace bailanys::sfu
