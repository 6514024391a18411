// Transport-wide CC feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "rtc/rtcp/rtcp_packets.hpp"

namespace bailanys::rtc::rtcp {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Packet = TransportFeedback::Packet;

Bytes serialize_one(const RtcpPacket& packet) { return serialize_rtcp({&packet, 1}); }

// Sent by Chromium (Wireshark dissection published in github.com/olivermichel/
// webrtc-analysis): one run-length chunk of 9 small deltas, RTCP padding bit set.
const Bytes kChromiumFeedback = {0xaf, 0xcd, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01,
                                 0xdd, 0x58, 0x6e, 0xb6, 0x00, 0x01, 0x00, 0x09,
                                 0x5e, 0x91, 0x10, 0x00, 0x20, 0x09, 0x1c, 0x0c,
                                 0x2c, 0x38, 0x00, 0x04, 0x00, 0x08, 0x18, 0x01};

TEST(TransportFeedback, ParsesChromiumFeedback) {
  const auto parsed = parse_rtcp(kChromiumFeedback);
  ASSERT_TRUE(parsed);
  const auto& fb = std::get<TransportFeedback>((*parsed)[0]);
  EXPECT_EQ(fb.sender_ssrc, 1U);
  EXPECT_EQ(fb.media_ssrc, 0xdd586eb6U);
  EXPECT_EQ(fb.base_sequence, 1);
  EXPECT_EQ(fb.reference_time_64ms, 6197520);
  EXPECT_EQ(fb.feedback_count, 0);
  const std::vector<std::int64_t> deltas_ms = {7, 3, 11, 14, 0, 1, 0, 2, 6};
  ASSERT_EQ(fb.packets.size(), 9U);
  for (std::size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(fb.packets[i], (Packet{static_cast<std::uint16_t>(1 + i), true,
                                     deltas_ms[i] * 1000}));
  }
  // Written back without the padding bit: zero padding as the draft describes.
  const auto again = parse_rtcp(serialize_one(fb));
  ASSERT_TRUE(again);
  EXPECT_EQ(std::get<TransportFeedback>((*again)[0]), fb);
}

// Hand-checked: base 100, 20 statuses, reference time -1, feedback count 7.
//  chunk d201 = 2-bit vector [small, none, large, none, none, none, small]  seq 100-106
//  chunk 000a = run of 10 "not received"                                    seq 107-116
//  chunk b000 = 1-bit vector [1, 1, 0, ...] (only 3 of 14 count)           seq 117-119
//  deltas: 04 (1 ms), fffc (-1 ms), 08 (2 ms), ff (63.75 ms), 00 (0 ms)
const Bytes kMixedChunks = {0x8f, 0xcd, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                            0x02, 0x00, 0x64, 0x00, 0x14, 0xff, 0xff, 0xff, 0x07, 0xd2, 0x01,
                            0x00, 0x0a, 0xb0, 0x00, 0x04, 0xff, 0xfc, 0x08, 0xff, 0x00};

TEST(TransportFeedback, ParsesAllChunkKinds) {
  const auto parsed = parse_rtcp(kMixedChunks);
  ASSERT_TRUE(parsed);
  const auto& fb = std::get<TransportFeedback>((*parsed)[0]);
  EXPECT_EQ(fb.reference_time_64ms, -1);
  EXPECT_EQ(fb.feedback_count, 7);
  ASSERT_EQ(fb.packets.size(), 20U);
  std::vector<Packet> expected;
  for (std::uint16_t seq = 100; seq < 120; ++seq) expected.push_back({seq, false, 0});
  expected[0] = {100, true, 1000};
  expected[2] = {102, true, -1000};
  expected[6] = {106, true, 2000};
  expected[17] = {117, true, 63750};
  expected[18] = {118, true, 0};
  EXPECT_EQ(fb.packets, expected);
  const auto again = parse_rtcp(serialize_one(fb));
  ASSERT_TRUE(again);
  EXPECT_EQ(std::get<TransportFeedback>((*again)[0]), fb);
}

TEST(TransportFeedback, ChoosesChunksCompactly) {
  // 1000 received packets 1 ms apart: one run-length chunk and 1000 one-byte deltas,
  // zero-padded to 32 bits.
  TransportFeedback fb{1, 2, 65000, 10, 0, {}};
  for (std::uint16_t i = 0; i < 1000; ++i) {
    fb.packets.push_back({static_cast<std::uint16_t>(65000 + i), true, 1000});
  }
  auto bytes = serialize_one(fb);
  EXPECT_EQ(bytes.size(), 4 + 16 + 2 + 1000 + 2U);
  EXPECT_EQ(bytes[20], 0x23);  // run length chunk, symbol 01, length 1000 = 0x3e8
  EXPECT_EQ(bytes[21], 0xe8);
  EXPECT_EQ(std::get<TransportFeedback>(parse_rtcp(bytes)->at(0)), fb);

  // 10000 lost between two received packets: runs are capped at 8191 per chunk.
  fb.packets.assign(10002, {});
  for (std::size_t i = 0; i < fb.packets.size(); ++i) {
    fb.packets[i].sequence = static_cast<std::uint16_t>(fb.base_sequence + i);
  }
  fb.packets.front() = {fb.base_sequence, true, 250};
  fb.packets.back() = {static_cast<std::uint16_t>(fb.base_sequence + 10001), true, -8192000};
  bytes = serialize_one(fb);
  EXPECT_LE(bytes.size(), 4 + 16 + 4 * 2 + 3 + 1U);
  EXPECT_EQ(std::get<TransportFeedback>(parse_rtcp(bytes)->at(0)), fb);
}

TEST(TransportFeedback, RandomLossAndDeltasRoundTrip) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    TransportFeedback fb{static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng()),
                         static_cast<std::uint16_t>(rng()),
                         static_cast<std::int32_t>(rng() % 0x1000000) - 0x800000,
                         static_cast<std::uint8_t>(rng()), {}};
    const std::size_t count = 1 + rng() % 300;
    const int loss_percent = static_cast<int>(rng() % 60);
    for (std::size_t i = 0; i < count; ++i) {
      Packet p{static_cast<std::uint16_t>(fb.base_sequence + i), false, 0};
      if (static_cast<int>(rng() % 100) >= loss_percent) {
        p.received = true;
        switch (rng() % 4) {
          case 0: p.delta_us = 250 * static_cast<std::int64_t>(rng() % 256); break;  // small
          case 1: p.delta_us = -250 * static_cast<std::int64_t>(1 + rng() % 32768); break;
          case 2: p.delta_us = 250 * static_cast<std::int64_t>(256 + rng() % 32512); break;
          default: p.delta_us = 250 * static_cast<std::int64_t>(rng() % 8); break;
        }
      }
      fb.packets.push_back(p);
    }
    const auto bytes = serialize_one(fb);
    ASSERT_FALSE(bytes.empty()) << round;
    EXPECT_EQ(bytes.size() % 4, 0U);
    const auto parsed = parse_rtcp(bytes);
    ASSERT_TRUE(parsed) << round;
    EXPECT_EQ(std::get<TransportFeedback>((*parsed)[0]), fb) << round;
  }
}

TEST(TransportFeedback, RefusesWhatDoesNotFit) {
  const TransportFeedback good{1, 2, 10, 0, 0, {{10, true, 1000}, {11, false, 0}}};
  auto check_refused = [](const TransportFeedback& fb) {
    std::vector<std::uint8_t> out = {0x01};
    EXPECT_FALSE(try_append_rtcp(out, fb));
    EXPECT_EQ(out, Bytes{0x01});
    const std::vector<RtcpPacket> both = {Pli{1, 2}, fb};
    EXPECT_TRUE(serialize_rtcp(both).empty());
  };
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(try_append_rtcp(out, good));

  auto fb = good;
  fb.packets[0].delta_us = 1100;  // not a multiple of 250 us
  check_refused(fb);
  fb = good;
  fb.packets[0].delta_us = 8'192'000;  // one tick past +32767
  check_refused(fb);
  fb = good;
  fb.packets[0].delta_us = -8'192'250;
  check_refused(fb);
  fb = good;
  fb.packets[1].sequence = 13;  // gap in the sequence numbers
  check_refused(fb);
  fb = good;
  fb.packets.clear();
  check_refused(fb);
  fb = good;
  fb.reference_time_64ms = 0x800000;
  check_refused(fb);
  fb = good;
  fb.packets[1].delta_us = 123;  // ignored: not received
  std::vector<std::uint8_t> ok;
  EXPECT_TRUE(try_append_rtcp(ok, fb));
}

TEST(TransportFeedback, RejectsMalformedFeedback) {
  RtcpRejectReason why = RtcpRejectReason::None;
  Bytes empty = kMixedChunks;
  empty[14] = 0;
  empty[15] = 0;
  EXPECT_FALSE(parse_rtcp(empty, why));
  EXPECT_EQ(why, RtcpRejectReason::TransportCcEmpty);

  Bytes reserved = kMixedChunks;
  reserved[20] = 0xdf;  // the second 2-bit symbol becomes 11
  EXPECT_FALSE(parse_rtcp(reserved, why));
  EXPECT_EQ(why, RtcpRejectReason::TransportCcReservedSymbol);

  Bytes too_many = kMixedChunks;
  too_many[15] = 0x30;  // 48 statuses: chunks run into the deltas and past the end
  EXPECT_FALSE(parse_rtcp(too_many, why));
  EXPECT_EQ(why, RtcpRejectReason::TransportCcTruncated);
}

}  // namespace
}  // namespace bailanys::rtc::rtcp
